// The silo API's handlers against a real DynamoDB Local, through the same adapters that deploy.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { CryptoKey } from 'jose';
import { parseCatalog, type Catalog } from '../../catalog/schema.ts';
import { localDynamo } from '../../local/aws-clients.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { freePort } from '../../local/free-port.ts';
import { Supervisor } from '../../local/processes.ts';
import { dynamoDirectoryStore } from '../../regional/adapters/dynamo-directory.ts';
import { dynamoSiloStore } from '../../regional/adapters/dynamo-silo.ts';
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
const keys: PublicKeyEntry[] = [];
const signers = new Map<string, CryptoKey>();
const logs: string[] = [];

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
    directory: dynamoDirectoryStore(client(), 'directory'),
    signer: webCryptoSigner(`${region}-test`, region, signers.get(region)!),
    verifier: await createSessionVerifier(keys),
    pepper: new Uint8Array(32).fill(7),
    originSecret: `secret-of-${region}-that-is-long-enough`,
    nowSeconds: () => NOW,
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
    assert.deepEqual(await counts(), { eu: before.eu + 2, us: before.us, dir: before.dir + 1 });
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
    assert.match(unknown.cookies[0]!, /^__Host-region-hint=us-east-2;/);
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

