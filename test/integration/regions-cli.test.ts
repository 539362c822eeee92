// Operators change the mapping of a running local stack with plan and apply: new sign-ups from
// a moved country land in the new region, existing users keep reaching their data in the old one.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_CATALOG_FILE } from '../../catalog/default-file.ts';
import type { Catalog } from '../../catalog/schema.ts';
import { Browser } from '../support/client.ts';
import { startStack, type RunningStack } from '../support/stack.ts';

const NZ_REGION = { code: 'ap-southeast-6', label: 'New Zealand (Auckland)', jurisdiction: 'NZ', status: 'active' as const };
const work = mkdtempSync(join(tmpdir(), 'residency-ops-'));
const catalogFile = join(work, 'regions.json');
const base = JSON.parse(readFileSync(DEFAULT_CATALOG_FILE, 'utf8')) as Catalog;
writeFileSync(catalogFile, JSON.stringify({ ...base, regions: [...base.regions, NZ_REGION] }, null, 2));

let stack: RunningStack;
before(async () => {
  stack = await startStack({ RESIDENCY_CATALOG_FILE: catalogFile });
});
after(async () => {
  await stack?.stop();
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'ops/regions.ts', ...args, '--catalog', catalogFile, '--data', stack.dataDir], { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const edit = (change: (c: Catalog) => Catalog) =>
  writeFileSync(catalogFile, JSON.stringify(change(JSON.parse(readFileSync(catalogFile, 'utf8')) as Catalog), null, 2));

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  let last: T;
  do {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  } while (Date.now() < deadline);
  assert.fail(`${what} did not happen within 20 s: ${JSON.stringify(last)}`);
}

const kiwi = { email: `kiwi.${Date.now()}@example.com`, password: 'a-long-kiwi-password', name: 'Kiri Existing', country: 'NZ' };
const signup = (email: string, country: string) =>
  new Browser(stack.url).post('/api/auth/signup', { email, password: 'a-long-enough-password', name: 'New Person', country });

describe('regions CLI against a running stack', () => {
  test('validate refuses a mapping the residency policy forbids, listing it precisely', () => {
    edit((c) => ({ ...c, countries: { ...c.countries, NZ: 'us-east-2' } }));
    const r = cli('validate');
    assert.equal(r.code, 1);
    assert.match(r.out, /countries\.NZ: maps to us-east-2 \(US\), but the policy allows NZ only in AU, NZ/);
    edit((c) => ({ ...c, countries: { ...c.countries, NZ: 'ap-southeast-2' } }));
    assert.equal(cli('validate').code, 0);
  });

  test('plan shows no change, then the move of NZ with its impact and the users per region', async () => {
    assert.equal((await new Browser(stack.url).post('/api/auth/signup', kiwi)).body.user.region, 'ap-southeast-2');
    assert.match(cli('plan').out, /No changes/);
    edit((c) => ({ ...c, countries: { ...c.countries, NZ: 'ap-southeast-6' } }));
    const r = cli('plan');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /NZ \(New Zealand\): ap-southeast-2 → ap-southeast-6/);
    assert.match(r.out, /existing users stay in ap-southeast-2/);
    assert.match(r.out, /ap-southeast-2 1/);
  });

  test('apply moves new sign-ups from NZ without a restart; the existing user stays home', async () => {
    const r = cli('apply', '--yes');
    assert.equal(r.code, 0, r.out);
    const fresh = await eventually(
      () => signup(`kiwi.new.${Date.now()}@example.com`, 'NZ'),
      (res) => res.status === 201 && res.body.user.region === 'ap-southeast-6',
      'a new NZ sign-up landing in ap-southeast-6',
    );
    assert.equal(fresh.body.user.region, 'ap-southeast-6');
    const b = new Browser(stack.url, { 'x-emulator-viewer-country': 'NZ' });
    await b.post('/api/auth/locate', { email: kiwi.email });
    const login = await b.post('/api/auth/login', { email: kiwi.email, password: kiwi.password });
    assert.deepEqual([login.status, login.body.user.region, login.body.user.name], [200, 'ap-southeast-2', kiwi.name]);
  });

  test('draining stops sign-ups to a region but serves its users', async () => {
    assert.equal(cli('set-status', 'ap-southeast-2', 'draining').code, 0);
    assert.equal(cli('apply', '--yes').code, 0);
    const res = await eventually(() => signup(`aussie.${Date.now()}@example.com`, 'AU'), (r) => r.status === 503, 'AU sign-ups refused');
    assert.deepEqual([res.body.error, res.headers.get('retry-after')], ['signup_unavailable', '120']);
    const b = new Browser(stack.url);
    await b.post('/api/auth/locate', { email: kiwi.email });
    assert.equal((await b.post('/api/auth/login', { email: kiwi.email, password: kiwi.password })).status, 200);
  });

  test('offline needs --force, then its users get 503 + Retry-After and are sent nowhere else', async () => {
    const refused = cli('set-status', 'ap-southeast-2', 'offline');
    assert.equal(refused.code, 1);
    assert.match(refused.out, /pass --force/);
    assert.equal(cli('set-status', 'ap-southeast-2', 'offline', '--force').code, 0);
    const noForce = cli('apply', '--yes');
    assert.equal(noForce.code, 1);
    assert.match(noForce.out, /needs --force/);

    const b = new Browser(stack.url);
    await b.post('/api/auth/locate', { email: kiwi.email });
    assert.equal((await b.post('/api/auth/login', { email: kiwi.email, password: kiwi.password })).status, 200);
    assert.equal(cli('apply', '--yes', '--force').code, 0);
    const res = await eventually(() => b.get('/api/me'), (r) => r.status === 503, 'the offline region answering 503');
    assert.deepEqual([res.body.error, res.headers.get('retry-after')], ['region_unavailable', '120']);
  });

  test('a region that still holds users cannot be removed', () => {
    edit((c) => ({
      ...c,
      regions: c.regions.filter((r) => r.code !== 'ap-southeast-2'),
      countries: Object.fromEntries(Object.entries(c.countries).filter(([, r]) => r !== 'ap-southeast-2')),
    }));
    const r = cli('apply', '--yes', '--force');
    assert.equal(r.code, 1);
    assert.match(r.out, /refused: ap-southeast-2 still holds \d+ users?; it cannot be removed/);
  });

  test('an edit made between plan and confirmation is detected, not overwritten', async () => {
    // The file differs from the running catalog only in Retry-After.
    edit((c) => ({
      ...c,
      retryAfterSeconds: 300,
      regions: [...c.regions, { code: 'ap-southeast-2', label: 'Australia (Sydney)', jurisdiction: 'AU', status: 'offline' }],
      countries: { ...c.countries, AU: 'ap-southeast-2' },
    }));
    const slow = spawn(process.execPath, ['--import', 'tsx', 'ops/regions.ts', 'apply', '--force', '--catalog', catalogFile, '--data', stack.dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    slow.stdout.on('data', (c) => (out += c));
    slow.stderr.on('data', (c) => (out += c));
    await eventually(async () => out, (o) => o.includes('Apply these changes?'), 'the confirmation prompt');
    // Meanwhile another operator applies.
    assert.equal(cli('apply', '--yes', '--force').code, 0);
    slow.stdin.end('y\n');
    const code = await new Promise((r) => slow.once('exit', r));
    assert.equal(code, 1, out);
    assert.match(out, /changed since it was planned against/);
  });

  test('every apply is in the append-only log with when, who and what', () => {
    const lines = cli('log').out.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.length >= 5, `${lines.length} entries`);
    for (const l of lines) for (const key of ['at', 'who', 'source', 'to', 'changes']) assert.ok(key in l, key);
    assert.ok(lines.some((l) => l.changes.some((c: string) => c.includes('NZ (New Zealand): ap-southeast-2 → ap-southeast-6'))));
  });
});
