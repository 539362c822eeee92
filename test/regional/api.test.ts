// The silo API's handlers against a real DynamoDB Local, through the same adapters that deploy.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { CryptoKey } from 'jose';
import { parseCatalog, type Catalog } from '../../catalog/schema.ts';
import { localDynamo, localS3 } from '../../local/aws-clients.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { freePort } from '../../local/free-port.ts';
import { startS3rver } from '../../local/s3rver.ts';
import { Supervisor } from '../../local/processes.ts';
import { dynamoDirectoryStore } from '../../regional/adapters/dynamo-directory.ts';
import { dynamoSiloStore } from '../../regional/adapters/dynamo-silo.ts';
import { s3FileObjects } from '../../regional/adapters/s3-files.ts';
import { api as apiOf, type TestSilo } from './harness.ts';
import { createApi } from '../../regional/core/api.ts';
import type { PublicKeyEntry } from '../../session/claims.ts';
import { webCryptoSigner } from '../../session/sign.ts';
import { createSessionVerifier } from '../../session/verify.ts';

const NOW = 1_800_000_000;
const catalogWith = (euStatus = 'active'): Catalog =>
  parseCatalog({
    product: 'Test',
    defaultRegion: 'us-east-2',
    retryAfterSeconds: 60,
    regions: [
      { code: 'eu-west-1', label: 'Europe (Ireland)', jurisdiction: 'EU', status: euStatus },
      { code: 'us-east-2', label: 'United States (Ohio)', jurisdiction: 'US', status: 'active' },
    ],
    countries: { IE: 'eu-west-1', FR: 'eu-west-1', US: 'us-east-2' },
  });

let dataDir: string;
let supervisor: Supervisor;
let endpoint: string;
let s3Endpoint: string;
const keys: PublicKeyEntry[] = [];
const signers = new Map<string, CryptoKey>();
const logs: string[] = [];
let tick = 0;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'residency-regional-'));
  supervisor = new Supervisor(join(dataDir, 'logs'));
  endpoint = await startDynamoDbLocal(supervisor, {
    name: 'test-dynamodb',
    dataDir: join(dataDir, 'db'),
    port: await freePort(),
    region: 'eu-west-1',
    tables: [
      { name: 'silo-eu-west-1', partitionKey: 'pk', sortKey: 'sk' },
      { name: 'silo-us-east-2', partitionKey: 'pk', sortKey: 'sk' },
      { name: 'directory', partitionKey: 'bidx' },
    ],
  });
  s3Endpoint = await startS3rver(supervisor, {
    name: 'test-s3',
    dataDir: join(dataDir, 's3'),
    port: await freePort(),
    region: 'eu-west-1',
    buckets: ['files-eu-west-1', 'files-us-east-2'],
  });
  for (const region of ['eu-west-1', 'us-east-2']) {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as PublicKeyEntry['jwk'];
    keys.push({ kid: `${region}-test`, region, jwk: { kty, crv, x, y } });
    signers.set(region, pair.privateKey);
  }
});
after(async () => {
  await supervisor?.stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const client = () => localDynamo(endpoint, 'eu-west-1');

async function silo(region: string, overrides: Partial<Parameters<typeof createApi>[0]> = {}, catalog = catalogWith()): Promise<TestSilo> {
  const ctx = {
    region: catalog.regions.find((r) => r.code === region)!,
    catalog,
    silo: dynamoSiloStore(client(), `silo-${region}`),
    files: s3FileObjects(localS3(s3Endpoint, region), `files-${region}`, { versioned: false }),
    directory: dynamoDirectoryStore(client(), 'directory'),
    signer: webCryptoSigner(`${region}-test`, region, signers.get(region)!),
    verifier: await createSessionVerifier(keys),
    pepper: new Uint8Array(32).fill(7),
    originSecret: `secret-of-${region}-that-is-long-enough`,
    // A clock that ticks a millisecond per reading, frozen otherwise: order is deterministic.
    nowMs: () => NOW * 1000 + tick++,
    log: (e: Record<string, unknown>) => logs.push(JSON.stringify(e)),
    ...overrides,
  };
  return apiOf(createApi(ctx), ctx.originSecret);
}

async function count(table: string) {
  return (await client().send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;
}
const counts = async () => ({ eu: await count('silo-eu-west-1'), us: await count('silo-us-east-2'), dir: await count('directory') });

const person = (n: string, country = 'IE') => ({ email: `${n}@example.com`, password: `password-of-${n}`, name: `Person ${n}`, country });

describe('sign-up', () => {
  test('creates the account in the silo and a blind-index claim in the directory, and signs a session', async () => {
    const eu = await silo('eu-west-1');
    const before = await counts();
    const res = await eu.post('/api/auth/signup', person('ana'));
    assert.equal(res.status, 201, res.body);
    const user = res.json.user;
    assert.deepEqual({ ...user, id: 'x' }, { id: 'x', email: 'ana@example.com', name: 'Person ana', country: 'IE', region: 'eu-west-1', regionLabel: 'Europe (Ireland)', jurisdiction: 'EU' });
    // The account, its e-mail claim, its first activity entry and its session.
    assert.deepEqual(await counts(), { eu: before.eu + 4, us: before.us, dir: before.dir + 1 });
    const session = res.cookies.find((c) => c.startsWith('__Host-session='))!;
    const verified = await (await createSessionVerifier(keys)).verify(session.split(';')[0]!.split('=')[1]!, NOW);
    assert.deepEqual(verified && { sub: verified.sub, rgn: verified.rgn }, { sub: user.id, rgn: 'eu-west-1' });
  });

  test('the same e-mail in any case, in another region, is 409 and writes nothing', async () => {
    const us = await silo('us-east-2');
    const before = await counts();
    const res = await us.post('/api/auth/signup', { ...person('ana', 'US'), email: ' ANA@Example.com ' });
    assert.deepEqual([res.status, res.json.error], [409, 'email_taken']);
    assert.deepEqual(await counts(), before);
  });

  test('a failed silo write releases the directory claim (no half-written sign-up)', async () => {
    const broken = dynamoSiloStore(client(), 'silo-eu-west-1');
    const eu = await silo('eu-west-1', {
      silo: { ...broken, createAccount: async () => Promise.reject(new Error('disk on fire')) },
    });
    const before = await counts();
    const res = await eu.post('/api/auth/signup', person('bob'));
    assert.deepEqual([res.status, res.json.error], [500, 'internal_error']);
    assert.ok(!res.body.includes('disk on fire'), 'internal errors are not echoed');
    assert.deepEqual(await counts(), before);
    assert.equal((await (await silo('eu-west-1')).post('/api/auth/signup', person('bob'))).status, 201, 'the e-mail is free again');
  });

  test("a country of another region is 421 and writes nothing", async () => {
    const us = await silo('us-east-2');
    const before = await counts();
    const res = await us.post('/api/auth/signup', person('chloe', 'FR'));
    assert.deepEqual([res.status, res.json.error], [421, 'wrong_region']);
    assert.deepEqual(await counts(), before);
  });

  test('a draining region accepts no sign-ups (503 + Retry-After) but still serves its users', async () => {
    const draining = await silo('eu-west-1', {}, catalogWith('draining'));
    const res = await draining.post('/api/auth/signup', person('dan'));
    assert.deepEqual([res.status, res.json.error, res.headers['retry-after']], [503, 'signup_unavailable', '60']);
    assert.equal((await draining.post('/api/auth/login', { email: 'ana@example.com', password: 'password-of-ana' })).status, 200);
  });
});

describe('sign-in', () => {
  test('login with the right password signs a session; wrong password and unknown e-mail answer alike', async () => {
    const eu = await silo('eu-west-1');
    const ok = await eu.post('/api/auth/login', { email: 'Ana@example.com', password: 'password-of-ana' });
    assert.equal(ok.status, 200);
    assert.ok(ok.cookies.some((c) => c.startsWith('__Host-session=ey')));
    const wrong = await eu.post('/api/auth/login', { email: 'ana@example.com', password: 'not-the-password' });
    const unknown = await eu.post('/api/auth/login', { email: 'nobody@example.com', password: 'not-the-password' });
    assert.deepEqual([wrong.status, wrong.body], [unknown.status, unknown.body]);
    assert.equal(wrong.json.error, 'invalid_credentials');
  });

  test('locate answers the same body for any e-mail; the hint names the home region', async () => {
    const us = await silo('us-east-2');
    const known = await us.post('/api/auth/locate', { email: 'ana@example.com' });
    const unknown = await us.post('/api/auth/locate', { email: 'nobody@example.com' });
    assert.deepEqual([known.status, known.body], [unknown.status, unknown.body]);
    assert.match(known.cookies[0]!, /^__Host-region-hint=eu-west-1;/);
    // An unknown e-mail gets the same hint whichever silo is asked: no existence oracle.
    const hintVia = async (region: string, email: string) => (await (await silo(region)).post('/api/auth/locate', { email })).cookies[0]!.split(';')[0];
    for (const email of ['nobody@example.com', 'ghost@example.org', 'nemo@example.net', 'zed@example.com']) {
      assert.equal(await hintVia('eu-west-1', email), await hintVia('us-east-2', email), email);
    }
  });
});

describe('sessions and origin', () => {
  const loginAna = async () => {
    const res = await (await silo('eu-west-1')).post('/api/auth/login', { email: 'ana@example.com', password: 'password-of-ana' });
    return res.cookies.find((c) => c.startsWith('__Host-session='))!.split(';')[0]!;
  };

  test('no cookie is 401 unauthenticated; a garbage cookie is 401 session_invalid', async () => {
    const eu = await silo('eu-west-1');
    assert.equal((await eu.get('/api/me')).json.error, 'unauthenticated');
    assert.equal((await eu.get('/api/me', { cookie: '__Host-session=garbage' })).json.error, 'session_invalid');
  });

  test("another region's valid session is 421 wrong_region", async () => {
    const res = await (await silo('us-east-2')).get('/api/me', { cookie: await loginAna() });
    assert.deepEqual([res.status, res.json.error], [421, 'wrong_region']);
  });

  test('sign-out ends the session in the silo: a copy of the cookie stops working', async () => {
    const eu = await silo('eu-west-1');
    const cookie = await loginAna();
    assert.equal((await eu.get('/api/me', { cookie })).status, 200);
    const out = await eu.post('/api/auth/logout', {}, { cookie });
    assert.equal(out.status, 204);
    assert.ok(out.cookies.some((c) => c.startsWith('__Host-session=;')));
    assert.deepEqual([(await eu.get('/api/me', { cookie })).status, (await eu.get('/api/me', { cookie })).json.error], [401, 'session_invalid']);
    assert.equal((await eu.get('/api/me', { cookie: await loginAna() })).status, 200, 'other sessions are unaffected');
  });

  test("a silo whose store is down answers 503 region_unavailable with Retry-After, never a 500", async () => {
    const cookie = await loginAna();
    const dead = localDynamo('http://127.0.0.1:9', 'eu-west-1');
    const down = await silo('eu-west-1', { silo: dynamoSiloStore(dead, 'silo-eu-west-1'), directory: dynamoDirectoryStore(dead, 'directory') });
    for (const res of [await down.get('/api/me', { cookie }), await down.post('/api/auth/locate', { email: 'ana@example.com' }), await down.post('/api/auth/signup', person('yan'))]) {
      assert.deepEqual([res.status, res.json.error, res.headers['retry-after']], [503, 'region_unavailable', '60']);
    }
  });

  test('an edge-injected subject that differs from the token is refused', async () => {
    const res = await (await silo('eu-west-1')).get('/api/me', { cookie: await loginAna(), 'x-residency-subject': 'AAAAAAAAAAAAAAAAAAAAAA' });
    assert.equal(res.status, 401);
  });

  test('a request without the origin secret is 403 origin_forbidden', async () => {
    const eu = await silo('eu-west-1');
    for (const secret of [undefined, 'wrong', 'secret-of-us-east-2-that-is-long-enough']) {
      const res = await eu.raw({ method: 'GET', path: '/api/me', headers: secret ? { 'x-residency-origin-secret': secret } : {} });
      assert.deepEqual([res.status, res.json.error], [403, 'origin_forbidden']);
    }
  });

  test('unknown paths are 404 and wrong methods 405 with Allow', async () => {
    const eu = await silo('eu-west-1');
    assert.equal((await eu.get('/api/nope')).status, 404);
    const res = await eu.raw({ method: 'DELETE', path: '/api/profile', headers: { 'x-residency-origin-secret': 'secret-of-eu-west-1-that-is-long-enough' } });
    assert.deepEqual([res.status, res.headers.allow], [405, 'GET, PUT']);
  });
});

describe('profile', () => {
  test('round-trips and rejects bad values without changing anything', async () => {
    const eu = await silo('eu-west-1');
    const login = await eu.post('/api/auth/login', { email: 'ana@example.com', password: 'password-of-ana' });
    const cookie = login.cookies.find((c) => c.startsWith('__Host-session='))!.split(';')[0]!;
    const profile = { name: 'Ana María', dateOfBirth: '1985-02-28', phone: '+353 1 234 5678', address: { line1: '1 Quay', line2: '', city: 'Cork', postalCode: 'T12', country: 'IE' } };
    assert.equal((await eu.put('/api/profile', profile, { cookie })).status, 200);
    for (const bad of [{ ...profile, dateOfBirth: '1985-02-30' }, { ...profile, phone: 'x' }, { ...profile, address: { ...profile.address, country: 'ireland' } }]) {
      const res = await eu.put('/api/profile', bad, { cookie });
      assert.deepEqual([res.status, res.json.error], [400, 'invalid_request'], JSON.stringify(bad));
    }
    assert.deepEqual((await eu.get('/api/profile', { cookie })).json.profile, profile);
    assert.equal((await eu.get('/api/me', { cookie })).json.name, 'Ana María');
  });
});

test('logs carry no e-mail, password, name or token', () => {
  const all = logs.join('\n');
  assert.ok(logs.length > 10);
  for (const secret of ['@example.com', 'password-of-', 'Person ', 'eyJ', 'Ana María']) assert.ok(!all.includes(secret), secret);
});


describe('health records, activity, stats', () => {
  const signIn = async (region: string, who: ReturnType<typeof person>) => {
    const s = await silo(region);
    let res = await s.post('/api/auth/signup', who);
    if (res.status === 409) res = await s.post('/api/auth/login', { email: who.email, password: who.password });
    return { s, cookie: res.cookies.find((c) => c.startsWith('__Host-session='))!.split(';')[0]! };
  };
  const at = (minutesAgo: number) => new Date((NOW - minutesAgo * 60) * 1000).toISOString();

  test('records are validated per kind and unit, listed newest first, paginated with an opaque cursor', async () => {
    const { s, cookie } = await signIn('eu-west-1', person('rita'));
    const valid = [
      { kind: 'heart_rate', unit: 'bpm', value: 62, takenAt: at(50) },
      { kind: 'blood_oxygen', unit: '%', value: 98, takenAt: at(40) },
      { kind: 'blood_glucose', unit: 'mg/dL', value: 95, takenAt: at(30) },
      { kind: 'weight', unit: 'kg', value: 71.5, takenAt: at(20) },
      { kind: 'blood_pressure', unit: 'mmHg', value: { systolic: 121, diastolic: 79 }, takenAt: at(10) },
    ];
    for (const r of valid) assert.equal((await s.post('/api/records', r, { cookie })).status, 201, JSON.stringify(r));
    const invalid: [unknown, string][] = [
      [{ ...valid[0], value: 400 }, 'value'],
      [{ ...valid[0], unit: 'kg' }, 'unit'],
      [{ ...valid[2], unit: 'mmol/L', value: 95 }, 'value'],
      [{ ...valid[4], value: { systolic: 70, diastolic: 90 } }, 'value.systolic'],
      [{ ...valid[0], takenAt: 'yesterday' }, 'takenAt'],
      [{ ...valid[0], takenAt: new Date((NOW + 3600) * 1000).toISOString() }, 'takenAt'],
      [{ ...valid[0], kind: 'mood' }, 'kind'],
      [{ ...valid[0], note: 'extra' }, ''],
    ];
    for (const [body, field] of invalid) {
      const res = await s.post('/api/records', body, { cookie });
      assert.deepEqual([res.status, res.json.error], [400, 'invalid_request'], JSON.stringify(body));
      if (field) assert.equal(res.json.field, field, JSON.stringify(res.json));
    }
    const first = await s.get('/api/records?limit=2', { cookie });
    assert.deepEqual(first.json.records.map((r: { kind: string }) => r.kind), ['blood_pressure', 'weight']);
    assert.equal(typeof first.json.nextCursor, 'string');
    const rest = await s.get(`/api/records?limit=10&cursor=${first.json.nextCursor}`, { cookie });
    assert.deepEqual(rest.json.records.map((r: { kind: string }) => r.kind), ['blood_glucose', 'blood_oxygen', 'heart_rate']);
    assert.equal(rest.json.nextCursor, null);
    assert.equal((await s.get('/api/records?cursor=bm9wZQ', { cookie })).json.error, 'invalid_cursor');
    assert.equal((await s.get('/api/records?limit=1000', { cookie })).status, 400);
    const st = await s.get('/api/stats', { cookie });
    assert.deepEqual(st.json.records, { total: 5, byKind: { heart_rate: 1, blood_oxygen: 1, blood_glucose: 1, weight: 1, blood_pressure: 1 } });
  });

  test("another user's record answers exactly like a missing one, and stays", async () => {
    const a = await signIn('eu-west-1', person('sara'));
    const b = await signIn('eu-west-1', person('tom'));
    const rec = (await a.s.post('/api/records', { kind: 'heart_rate', unit: 'bpm', value: 70, takenAt: at(5) }, { cookie: a.cookie })).json.record;
    const foreign = await b.s.del(`/api/records/${rec.id}`, { cookie: b.cookie });
    const missing = await b.s.del('/api/records/000000000nothing', { cookie: b.cookie });
    assert.deepEqual([foreign.status, foreign.body], [missing.status, missing.body]);
    assert.equal(foreign.status, 404);
    assert.deepEqual((await b.s.get('/api/records', { cookie: b.cookie })).json.records, []);
    assert.equal((await a.s.get('/api/records', { cookie: a.cookie })).json.records.length, 1);
    assert.equal((await a.s.del(`/api/records/${rec.id}`, { cookie: a.cookie })).status, 204);
    assert.equal((await a.s.del(`/api/records/${rec.id}`, { cookie: a.cookie })).status, 404);
  });

  test('every change is in the activity trail, newest first, without PII', async () => {
    const { s, cookie } = await signIn('eu-west-1', person('uma'));
    await s.put('/api/profile', { name: 'Uma Secret', dateOfBirth: null, phone: '+353 1 999 9999', address: null }, { cookie });
    await s.post('/api/records', { kind: 'weight', unit: 'kg', value: 60, takenAt: at(1) }, { cookie });
    const trail = (await s.get('/api/activity', { cookie })).json.activity;
    assert.deepEqual(trail.map((e: { action: string }) => e.action), ['record_add', 'profile_update', 'signup']);
    assert.equal(trail[0].detail, 'weight');
    assert.ok(!JSON.stringify(trail).includes('Uma Secret') && !JSON.stringify(trail).includes('999'));
  });
});

describe('export and erasure', () => {
  test('export holds everything the silo has about the user and nothing secret', async () => {
    const s = await silo('us-east-2');
    const res = await s.post('/api/auth/signup', person('vic', 'US'));
    const cookie = res.cookies[0]!.split(';')[0]!;
    await s.post('/api/records', { kind: 'heart_rate', unit: 'bpm', value: 55, takenAt: new Date(NOW * 1000).toISOString() }, { cookie });
    const exp = await s.get('/api/export', { cookie });
    assert.equal(exp.status, 200);
    assert.match(exp.headers['content-disposition']!, /attachment; filename="my-data.json"/);
    assert.deepEqual(exp.json.storedIn, { region: 'us-east-2', label: 'United States (Ohio)', jurisdiction: 'US' });
    assert.equal(exp.json.account.email, 'vic@example.com');
    assert.equal(exp.json.records.length, 1);
    assert.deepEqual(exp.json.activity.map((a: { action: string }) => a.action), ['export', 'record_add', 'signup']);
    assert.ok(!exp.body.includes('scrypt') && !exp.body.includes('passwordHash'));
  });

  const itemsOf = async (table: string, needle: string) =>
    ((await client().send(new ScanCommand({ TableName: table }))).Items ?? []).filter((i) => JSON.stringify(i).includes(needle));

  test('erasure removes everything of the user in the silo and the directory; the old session and the password stop working', async () => {
    const s = await silo('eu-west-1');
    const who = person('wes');
    const res = await s.post('/api/auth/signup', who);
    const cookie = res.cookies[0]!.split(';')[0]!;
    const id = res.json.user.id;
    await s.post('/api/records', { kind: 'heart_rate', unit: 'bpm', value: 80, takenAt: new Date(NOW * 1000).toISOString() }, { cookie });
    const dirBefore = await count('directory');
    const erased = await s.del('/api/me', { cookie });
    assert.equal(erased.status, 204);
    assert.ok(erased.cookies.some((c) => c.startsWith('__Host-session=;')));
    assert.deepEqual(await itemsOf('silo-eu-west-1', id), []);
    assert.deepEqual(await itemsOf('silo-eu-west-1', 'wes@example.com'), []);
    assert.equal(await count('directory'), dirBefore - 1);
    assert.equal((await s.get('/api/me', { cookie })).status, 401);
    assert.equal((await s.post('/api/auth/login', { email: who.email, password: who.password })).status, 401);
    assert.equal((await s.post('/api/auth/signup', who)).status, 201, 'the e-mail is free again');
  });

  test('once an erasure has begun, no write under the user can land (no records left behind by a race)', async () => {
    const store = dynamoSiloStore(client(), 'silo-eu-west-1');
    const s = await silo('eu-west-1');
    const res = await s.post('/api/auth/signup', person('zoe'));
    const id = res.json.user.id;
    const entry = { id: '000000000000000aaaaaa', action: 'record_add' as const, at: new Date(NOW * 1000).toISOString(), detail: null };
    const record = { id: '000000000000000bbbbbb', kind: 'heart_rate', value: 60, unit: 'bpm', takenAt: entry.at, createdAt: entry.at };
    await store.addRecord(id, record, entry);
    await store.beginErasure(id);
    await assert.rejects(store.addRecord(id, { ...record, id: '000000000000000cccccc' }, { ...entry, id: '000000000000000dddddd' }));
    await assert.rejects(store.startSession(id, { sid: 'AAAAAAAAAAAAAAAAAAAAAA', expiresAt: NOW + 60 }));
    assert.equal(await store.deleteRecord(id, record.id, { ...entry, id: '000000000000000eeeeee' }), false);
    await store.addActivity(id, { ...entry, id: '000000000000000ffffff' });
    await store.eraseData(id);
    await store.eraseAccount(id, 'zoe@example.com');
    assert.deepEqual(await itemsOf('silo-eu-west-1', id), []);
  });

  test('a failed erasure is reported, the account serves nothing, and calling again finishes it', async () => {
    const healthy = dynamoSiloStore(client(), 'silo-eu-west-1');
    let failures = 3;
    const flaky = await silo('eu-west-1', {
      silo: { ...healthy, eraseData: async (u) => (failures-- > 0 ? Promise.reject(new Error('throttled')) : healthy.eraseData(u)) },
    });
    const res = await flaky.post('/api/auth/signup', person('xia'));
    const cookie = res.cookies[0]!.split(';')[0]!;
    const first = await flaky.del('/api/me', { cookie });
    assert.deepEqual([first.status, first.json.error, first.headers['retry-after']], [503, 'erasure_incomplete', '60']);
    assert.equal((await flaky.get('/api/me', { cookie })).status, 401, 'nothing is served from an account being erased');
    assert.equal((await flaky.post('/api/auth/login', { email: 'xia@example.com', password: 'password-of-xia' })).status, 401);
    assert.equal((await flaky.del('/api/me', { cookie })).status, 204);
    assert.deepEqual(await itemsOf('silo-eu-west-1', res.json.user.id), []);
  });
});
