// Load and fault run against a local stack, loopback only, bounded in time: many users across
// all regions write and read health records through the global URL; optionally one region's
// database is stopped mid-run and started again. Every acknowledged write is then looked for in
// every silo, read directly.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { StackManifest } from '../../local/manifest.ts';
import { dumpEverything } from '../../local/stores.ts';
import { Browser } from '../support/client.ts';

export interface LoadOptions {
  url: string;
  dataDir: string;
  manifest: StackManifest;
  users: number;
  seconds: number;
  /** Stop this region's database `atSecond` into the run, for `downSeconds`. */
  fault?: { region: string; atSecond: number; downSeconds: number };
}

const HOMES = [
  { country: 'IE', region: 'eu-west-1' },
  { country: 'US', region: 'us-east-2' },
  { country: 'AU', region: 'ap-southeast-2' },
];

interface Sample {
  region: string;
  status: number;
  ms: number;
  at: number;
}

export interface LoadReport {
  users: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  acknowledgedWrites: number;
  lostWrites: number;
  wrongSilo: number;
  /** 5xx outside the faulted region's outage window (should be 0). */
  unexpected5xx: number;
  /** Non-2xx answers of the regions that were not faulted, during the outage. */
  otherRegionErrorsDuringFault: number;
  /** From stopping the database to the first 503 its users saw. */
  msTo503?: number;
  faultStatuses?: Record<string, number>;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const run = Date.now().toString(36);
  const users = await Promise.all(
    Array.from({ length: o.users }, async (_, i) => {
      const home = HOMES[i % HOMES.length]!;
      const b = new Browser(o.url);
      const res = await b.post('/api/auth/signup', { email: `load.${run}.${i}@example.com`, password: `load-password-${run}`, name: `Load ${i}`, country: home.country });
      if (res.status !== 201) throw new Error(`sign-up ${i} failed: ${res.status} ${res.text}`);
      return { b, home, id: res.body.user.id as string };
    }),
  );

  const samples: Sample[] = [];
  const acked: { user: string; region: string; id: string }[] = [];
  const start = Date.now();
  const deadline = start + o.seconds * 1000;
  let fault: { stoppedAt?: number; restartedAt?: number; recoveredAt?: number; proc?: ChildProcess } = {};

  const faultTask = o.fault ? injectFault(o, (f) => (fault = { ...fault, ...f })) : Promise.resolve();
  await Promise.all(
    users.map(async (u) => {
      let n = 0;
      while (Date.now() < deadline) {
        const t0 = performance.now();
        const write = n++ % 3 !== 2;
        const res = write
          ? await u.b.post('/api/records', { kind: 'heart_rate', unit: 'bpm', value: 50 + (n % 100), takenAt: new Date(Date.now() - n * 1000).toISOString() })
          : await u.b.get('/api/records?limit=5');
        samples.push({ region: u.home.region, status: res.status, ms: performance.now() - t0, at: Date.now() });
        if (write && res.status === 201) acked.push({ user: u.id, region: u.home.region, id: res.body.record.id });
        if (res.status === 503) await new Promise((r) => setTimeout(r, 50));
      }
    }),
  );
  await faultTask;

  // Every acknowledged write, looked for in every silo.
  const dumps = await dumpEverything(o.manifest);
  const where = new Map<string, string[]>();
  for (const d of dumps) {
    for (const item of d.items) {
      if (typeof item.sk === 'string' && item.sk.startsWith('REC#')) {
        const key = `${String(item.pk).slice(5)}/${item.sk.slice(4)}`;
        where.set(key, [...(where.get(key) ?? []), d.store]);
      }
    }
  }
  // The restarted database belongs to no supervisor: stop it before the stack goes away.
  if (fault.proc && fault.proc.exitCode === null) {
    const exited = new Promise((r) => fault.proc!.once('exit', r));
    fault.proc.kill('SIGTERM');
    await exited;
  }
  let lost = 0;
  let wrong = 0;
  for (const a of acked) {
    const stores = where.get(`${a.user}/${a.id}`) ?? [];
    if (!stores.includes(a.region)) lost++;
    if (stores.some((s) => s !== a.region)) wrong++;
  }

  const inOutage = (s: Sample) => !!o.fault && s.region === o.fault.region && !!fault.stoppedAt && s.at >= fault.stoppedAt && s.at <= (fault.recoveredAt ?? Infinity);
  const during = (s: Sample) => !!fault.stoppedAt && s.at >= fault.stoppedAt && s.at <= (fault.recoveredAt ?? fault.restartedAt ?? Infinity);
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const first503 = samples.filter((s) => inOutage(s) && s.status === 503).sort((a, b) => a.at - b.at)[0];
  const faultStatuses: Record<string, number> = {};
  for (const s of samples.filter(inOutage)) faultStatuses[s.status] = (faultStatuses[s.status] ?? 0) + 1;
  return {
    users: o.users,
    seconds: o.seconds,
    requests: samples.length,
    requestsPerSecond: Math.round(samples.length / o.seconds),
    p50Ms: Math.round(pct(sorted, 50) * 10) / 10,
    p99Ms: Math.round(pct(sorted, 99) * 10) / 10,
    acknowledgedWrites: acked.length,
    lostWrites: lost,
    wrongSilo: wrong,
    unexpected5xx: samples.filter((s) => s.status >= 500 && !inOutage(s)).length,
    otherRegionErrorsDuringFault: samples.filter((s) => o.fault && s.region !== o.fault.region && during(s) && s.status >= 400).length,
    ...(o.fault ? { msTo503: first503 && fault.stoppedAt ? first503.at - fault.stoppedAt : undefined, faultStatuses } : {}),
  };
}

/** Stops the region's DynamoDB Local (SIGTERM), waits, starts it again with the same arguments. */
async function injectFault(o: LoadOptions, note: (f: { stoppedAt?: number; restartedAt?: number; recoveredAt?: number; proc?: ChildProcess }) => void) {
  const f = o.fault!;
  await new Promise((r) => setTimeout(r, f.atSecond * 1000));
  const dbPath = o.manifest.regions[f.region]!.dynamodb.dataDir;
  const pid = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.includes('DynamoDBLocal.jar') && l.includes(dbPath))
    ?.trim()
    .split(/\s+/)[0];
  if (!pid) throw new Error(`no DynamoDB Local process found for ${f.region}`);
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  process.kill(Number(pid), 'SIGTERM');
  note({ stoppedAt: Date.now() });
  await new Promise((r) => setTimeout(r, f.downSeconds * 1000));
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore', cwd: process.cwd() });
  note({ restartedAt: Date.now(), proc });
  // Recovered when the region's API answers an authenticated read again.
  const probe = new Browser(o.url);
  const home = HOMES.find((h) => h.region === f.region)!;
  for (let i = 0; i < 300; i++) {
    const res = await probe.post('/api/auth/signup', { email: `probe.${Date.now()}.${i}@example.com`, password: 'probe-password-long', name: 'Probe', country: home.country });
    if (res.status === 201) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  note({ recoveredAt: Date.now() });
}
