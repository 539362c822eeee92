// `npm run audit`: reads every store of every silo and of the global layer of the running local
// stack, and reports per user where their data is and whether any of it appears outside the home
// silo. Writes a JSON report beside a human-readable one; exits 1 on any leak.
// `--data DIR` audits the stack running on that data folder (default: RESIDENCY_DATA or .residency).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { StackManifest } from './manifest.ts';
import { auditResidency, type TextStore } from './residency-audit.ts';
import { runningCatalogFile } from './running-catalog.ts';
import { readRunningManifest, readSettings } from './settings.ts';
import { dumpEverything, StoreReadError } from './stores.ts';

const { values: args } = parseArgs({ options: { data: { type: 'string' } } });
const dataDir = args.data ? resolve(args.data) : readSettings().dataDir;
let manifest: StackManifest;
try {
  manifest = readRunningManifest<StackManifest>(dataDir);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}

const texts: TextStore[] = [
  { store: 'global:edge-config', text: readFileSync(manifest.edge.config, 'utf8') },
  { store: 'global:running-catalog', text: readFileSync(runningCatalogFile(dataDir), 'utf8') },
  // Logs are operational data: none of them may carry PII, whichever region wrote them.
  ...readdirSync(manifest.logs)
    .filter((f) => f.endsWith('.log'))
    .map((f) => ({ store: `log:${f.replace(/\.log$/, '')}`, text: readFileSync(join(manifest.logs, f), 'utf8') })),
];
let dumps;
try {
  dumps = await dumpEverything(manifest);
} catch (err) {
  if (!(err instanceof StoreReadError)) throw err;
  console.error(`The audit is incomplete: ${err.message}. Is that store's process running?`);
  process.exit(2);
}
const report = auditResidency(dumps, texts);

const leaks = new Map<string, string[]>();
for (const f of report.findings) leaks.set(f.user, [...(leaks.get(f.user) ?? []), `${f.field} in ${f.foundIn}`]);
console.log(`Residency audit of ${manifest.url} — ${report.users.length} users, ${report.storesRead.length} stores read`);
for (const u of report.users) {
  const found = leaks.get(u.id);
  console.log(`  ${found ? '✗' : '✓'} user ${u.id}  home ${u.home}  (${u.fields.join(', ') || 'no PII fields'})${found ? `  LEAK: ${found.join('; ')}` : '  only in its home silo'}`);
}
const known = new Set(report.users.map((u) => u.id));
for (const [user, found] of leaks) if (!known.has(user)) console.log(`  ✗ user ${user}  no account  LEAK: ${found.join('; ')}`);
console.log(`  ${report.directory.problems.length ? '✗' : '✓'} directory: ${report.directory.entries} entries${report.directory.problems.length ? ` — ${report.directory.problems.join('; ')}` : ', blind index and region only'}`);
const dir = join(dataDir, 'audit');
mkdirSync(dir, { recursive: true });
const file = join(dir, `residency-audit-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), url: manifest.url, ...report }, null, 2)}\n`);
console.log(`Report: ${file}`);
const failed = report.findings.length > 0 || report.directory.problems.length > 0;
console.log(failed ? 'RESULT: data found outside its home silo' : 'RESULT: every user\'s data is only in their home silo');
process.exit(failed ? 1 : 0);
