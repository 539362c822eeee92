// After the suite, against the local stack it ran on: the residency audit must find every
// user's PII (the suite's canaries included) in the home silo only. Skipped with BASE_URL, whose
// stores this machine cannot read.
import { spawnSync } from 'node:child_process';

export default function auditAfterSuite() {
  if (process.env.BASE_URL) return;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'local/audit.ts'], {
    encoding: 'utf8',
    env: { ...process.env, RESIDENCY_DATA: process.env.E2E_DATA ?? '.residency-e2e' },
  });
  process.stdout.write(r.stdout);
  if (r.status !== 0) throw new Error(`the residency audit failed after the suite:\n${r.stdout}${r.stderr}`);
}
