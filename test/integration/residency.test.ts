// The main job end to end: one user per region through the global URL, then every silo and
// global store read directly. Runs the real local stack (DynamoDB Local, s3rver, built bundles).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { base64url } from 'jose';
import type { LocalKeyFile } from '../../regional/adapters/signers.ts';
import { mintSession, webCryptoSigner } from '../../session/sign.ts';
import { Browser } from '../support/client.ts';
import { dumpEverything, itemCounts, storesContaining } from '../../local/stores.ts';
import { startStack, type RunningStack } from '../support/stack.ts';

const RUN = Date.now().toString(36);
const PEOPLE = [
  { country: 'IE', region: 'eu-west-1', name: `Aoife Canary${RUN}eu`, phone: '+353 1 555 0101', city: `Dublin${RUN}` },
  { country: 'US', region: 'us-east-2', name: `Jordan Canary${RUN}us`, phone: '+1 614 555 0102', city: `Columbus${RUN}` },
  { country: 'AU', region: 'ap-southeast-2', name: `Mia Canary${RUN}au`, phone: '+61 2 5550 0103', city: `Sydney${RUN}` },
].map((p) => ({ ...p, email: `${p.country.toLowerCase()}.${RUN}@example.com`, password: `pw-${RUN}-long-enough` }));

let stack: RunningStack;
const browsers = new Map<string, Browser>();

before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

const tokenOf = (b: Browser) => b.jar.get('__Host-session')!;
const originSecret = (region: string) => readFileSync(join(stack.dataDir, 'keys', `origin-secret-${region}`), 'utf8').trim();

describe('one global URL, three silos', () => {
  test('sign-up lands each user in the silo of their country', async () => {
    for (const p of PEOPLE) {
      const b = new Browser(stack.url);
      const res = await b.post('/api/auth/signup', { email: p.email, password: p.password, name: p.name, country: p.country });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.user.region, p.region);
      assert.ok(tokenOf(b), 'session cookie set');
      const cookie = res.setCookies.find((c) => c.startsWith('__Host-session='))!;
      for (const attr of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/']) assert.ok(cookie.includes(attr), `${attr} in ${cookie}`);
      const saved = await b.put('/api/profile', {
        name: p.name,
        dateOfBirth: '1990-04-01',
        phone: p.phone,
        address: { line1: '1 Main Street', line2: '', city: p.city, postalCode: '12345', country: p.country },
      });
      assert.equal(saved.status, 200, saved.text);
      const me = await b.get('/api/me');
      assert.deepEqual([me.status, me.body.region, me.body.email], [200, p.region, p.email]);
      browsers.set(p.region, b);
    }
  });

  test("each user's e-mail, name and profile are stored in the home silo only", async () => {
    const dumps = await dumpEverything(stack.manifest);
    for (const p of PEOPLE) {
      for (const canary of [p.email, p.name, p.phone, p.city]) {
        assert.deepEqual(storesContaining(dumps, canary), [p.region], `${canary} must be only in ${p.region}`);
      }
    }
  });

  test('the directory holds a keyed blind index and a region, never an e-mail or a bare hash', async () => {
    const directory = (await dumpEverything(stack.manifest)).find((d) => d.store === 'global:directory')!;
    assert.equal(directory.items.length, PEOPLE.length);
    const bareHashes = PEOPLE.flatMap((p) =>
      ['md5', 'sha1', 'sha256'].map((alg) => createHash(alg).update(p.email).digest('hex')),
    );
    for (const item of directory.items) {
      assert.deepEqual(Object.keys(item).sort(), ['bidx', 'region']);
      assert.match(String(item.bidx), /^[0-9a-f]{64}$/);
      assert.ok(!bareHashes.includes(String(item.bidx)), 'bidx is not an unkeyed hash of the e-mail');
      assert.ok(!JSON.stringify(item).includes('@'));
    }
    assert.deepEqual(directory.items.map((i) => i.region).sort(), PEOPLE.map((p) => p.region).sort());
  });

  test('email-first sign-in from another country reaches the home silo', async () => {
    const p = PEOPLE[0]!;
    const b = new Browser(stack.url, { 'x-emulator-viewer-country': 'AU' });
    const located = await b.post('/api/auth/locate', { email: p.email });
    assert.deepEqual([located.status, located.body], [200, { ok: true }]);
    assert.equal(b.jar.get('__Host-region-hint'), p.region);
    const login = await b.post('/api/auth/login', { email: p.email, password: p.password });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.body.user.region, p.region);
    assert.equal((await b.get('/api/profile')).body.profile.phone, p.phone);
  });

  test('locate answers the same for an unknown e-mail', async () => {
    const known = await new Browser(stack.url).post('/api/auth/locate', { email: PEOPLE[1]!.email });
    const unknown = await new Browser(stack.url).post('/api/auth/locate', { email: `nobody.${RUN}@example.com` });
    assert.deepEqual([unknown.status, unknown.text], [known.status, known.text]);
  });

  test('a wrong password is 401 invalid_credentials', async () => {
    const b = new Browser(stack.url);
    await b.post('/api/auth/locate', { email: PEOPLE[2]!.email });
    const res = await b.post('/api/auth/login', { email: PEOPLE[2]!.email, password: 'not the password at all' });
    assert.deepEqual([res.status, res.body.error], [401, 'invalid_credentials']);
  });
});

describe('the claim decides', () => {
  test('a token whose rgn was edited is 401 at the edge, and the cookie is cleared', async () => {
    const [header, payload, signature] = tokenOf(browsers.get('eu-west-1')!).split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
    const forged = [header, base64url.encode(JSON.stringify({ ...claims, rgn: 'us-east-2' })), signature].join('.');
    const res = await new Browser(stack.url).get('/api/me', { cookie: `__Host-session=${forged}` });
    assert.deepEqual([res.status, res.body.error], [401, 'session_invalid']);
    assert.ok(res.setCookies.some((c) => c.startsWith('__Host-session=;') && c.includes('Max-Age=0')));
    assert.ok(!res.text.includes(forged.slice(0, 20)), 'the token is not echoed');
  });

  test("a token signed with region A's key claiming region B is 401 at the edge and at B", async () => {
    const key = JSON.parse(readFileSync(join(stack.dataDir, 'keys', 'signing-eu-west-1.json'), 'utf8')) as LocalKeyFile;
    const priv = await crypto.subtle.importKey('jwk', key.privateJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const sub = browsers.get('us-east-2')!.jar.size ? (await browsers.get('us-east-2')!.get('/api/me')).body.id : 'x';
    const forged = await mintSession(webCryptoSigner(key.kid, 'us-east-2', priv), sub, 'AAAAAAAAAAAAAAAAAAAAAA', Math.floor(Date.now() / 1000));
    const edge = await new Browser(stack.url).get('/api/me', { cookie: `__Host-session=${forged}` });
    assert.deepEqual([edge.status, edge.body.error], [401, 'session_invalid']);
    const direct = await fetch(`${stack.manifest.regions['us-east-2']!.api}/api/me`, {
      headers: { cookie: `__Host-session=${forged}`, 'x-residency-origin-secret': originSecret('us-east-2') },
    });
    assert.equal(direct.status, 401);
  });

  test("a session of region A sent by hand to region B's API is 421", async () => {
    const res = await fetch(`${stack.manifest.regions['us-east-2']!.api}/api/me`, {
      headers: { cookie: `__Host-session=${tokenOf(browsers.get('eu-west-1')!)}`, 'x-residency-origin-secret': originSecret('us-east-2') },
    });
    assert.equal(res.status, 421);
    assert.equal(((await res.json()) as { error: string }).error, 'wrong_region');
  });

  test('a silo refuses requests that did not come through the edge (403)', async () => {
    const res = await fetch(`${stack.manifest.regions['eu-west-1']!.api}/api/me`, {
      headers: { cookie: `__Host-session=${tokenOf(browsers.get('eu-west-1')!)}` },
    });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: string }).error, 'origin_forbidden');
  });

  test('client-supplied x-residency-* headers do not steer a request', async () => {
    const b = browsers.get('eu-west-1')!;
    const res = await b.get('/api/me', { 'x-residency-region': 'us-east-2', 'x-residency-subject': 'someone-else-entirely' });
    assert.deepEqual([res.status, res.body.region], [200, 'eu-west-1']);
  });

  test('no session: 401 at the edge for everything but auth and config', async () => {
    const anon = new Browser(stack.url);
    for (const path of ['/api/me', '/api/profile']) {
      const res = await anon.get(path);
      assert.deepEqual([res.status, res.body.error, res.headers.get('cache-control')], [401, 'unauthenticated', 'no-store']);
    }
    assert.equal((await anon.get('/api/config')).status, 200);
    // The static behaviour serves app files only: an encoded path cannot climb into a silo's store.
    const climb = await anon.get('/..%2F..%2Fregions%2Feu-west-1%2Fdynamodb%2Fshared-local-instance.db');
    assert.deepEqual([climb.status, climb.headers.get('content-type')], [200, 'text/html; charset=utf-8']);
    assert.match(climb.text, /<!doctype html>/i);
    assert.equal((await anon.get('/api/nothing-here')).status, 404);
  });

  test('sign-out clears the session', async () => {
    const p = PEOPLE[2]!;
    const b = new Browser(stack.url);
    await b.post('/api/auth/locate', { email: p.email });
    assert.equal((await b.post('/api/auth/login', { email: p.email, password: p.password })).status, 200);
    const copied = b.jar.get('__Host-session')!;
    const out = await b.post('/api/auth/logout');
    assert.equal(out.status, 204);
    assert.equal(b.jar.get('__Host-session'), undefined);
    assert.equal((await b.get('/api/me')).status, 401);
    const replay = await new Browser(stack.url).get('/api/me', { cookie: `__Host-session=${copied}` });
    assert.equal(replay.status, 401, 'a copy of the signed-out cookie is refused by the silo');
  });
});

describe('residency audit', () => {
  test('npm run audit finds every user only in their home silo', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'local/audit.ts'], { encoding: 'utf8', env: { ...process.env, RESIDENCY_DATA: stack.dataDir } });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    for (const p of PEOPLE) assert.match(r.stdout, new RegExp(`home ${p.region} .*only in its home silo`));
    assert.match(r.stdout, /directory: \d+ entries, blind index and region only/);
    for (const p of PEOPLE) assert.ok(!r.stdout.includes(p.email), 'the audit names users by id, not by e-mail');
  });
});

describe('bad input gets a clear 4xx and writes nothing', () => {
  const valid = { email: `new.${RUN}@example.com`, password: 'a-long-enough-password', name: 'New Person', country: 'IE' };
  const cases: { name: string; body: unknown; headers?: Record<string, string>; status: number; error: string }[] = [
    { name: 'malformed JSON', body: '{"email": ', status: 400, error: 'invalid_json' },
    { name: 'missing fields', body: { email: valid.email }, status: 400, error: 'invalid_request' },
    { name: 'invalid e-mail', body: { ...valid, email: 'not-an-email' }, status: 400, error: 'invalid_email' },
    { name: 'short password', body: { ...valid, password: 'short' }, status: 400, error: 'password_too_short' },
    { name: 'unknown country', body: { ...valid, country: 'ZZ' }, status: 400, error: 'unknown_country' },
    { name: 'lower-case country', body: { ...valid, country: 'ie' }, status: 400, error: 'unknown_country' },
    { name: 'unexpected field', body: { ...valid, region: 'us-east-2' }, status: 400, error: 'invalid_request' },
    { name: 'oversized body', body: { ...valid, name: 'x'.repeat(70_000) }, status: 413, error: 'payload_too_large' },
    { name: 'not JSON media type', body: JSON.stringify(valid), headers: { 'content-type': 'text/plain' }, status: 415, error: 'unsupported_media_type' },
    {
      name: 'e-mail taken in another region (any case)',
      body: { email: PEOPLE[0]!.email.toUpperCase(), password: 'another-long-password', name: 'Impostor', country: 'US' },
      status: 409,
      error: 'email_taken',
    },
  ];

  test('every case answers its code and leaves every store as it was', async () => {
    const before = itemCounts(await dumpEverything(stack.manifest));
    for (const c of cases) {
      const res = await new Browser(stack.url).post('/api/auth/signup', c.body, c.headers);
      assert.equal(res.status, c.status, `${c.name}: ${res.text}`);
      assert.equal(res.body.error, c.error, c.name);
      assert.equal(typeof res.body.message, 'string', c.name);
      assert.doesNotMatch(res.text, /\.(ts|js):\d+/, `${c.name}: no stack trace`);
    }
    assert.deepEqual(itemCounts(await dumpEverything(stack.manifest)), before);
  });

  test('a body over the Function URL limit (6 MB) is 413 every time, never a reset or a 502', async () => {
    const huge = JSON.stringify({ email: 'x@example.com', password: 'y'.repeat(7 * 1024 * 1024) });
    for (let i = 0; i < 4; i++) assert.equal((await new Browser(stack.url).post('/api/auth/login', huge)).status, 413, `try ${i + 1}`);
  });

  test('a bad profile update is 400 and changes nothing', async () => {
    const b = browsers.get('us-east-2')!;
    const before = (await b.get('/api/profile')).body.profile;
    for (const bad of [
      { ...before, dateOfBirth: '2999-01-01' },
      { ...before, phone: 'call me maybe' },
      { ...before, name: '' },
      { ...before, extra: true },
    ]) {
      const res = await b.put('/api/profile', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.error, 'invalid_request');
    }
    assert.deepEqual((await b.get('/api/profile')).body.profile, before);
  });
});
