// The running local stack as an apply target: its running catalog, and how many users each
// region holds (counted from the directory; no user data is read). An apply takes effect when
// the edge emulator has deployed it; if it cannot, the previous catalog is put back.
import { existsSync, readFileSync } from 'node:fs';
import { localDynamo } from '../local/aws-clients.ts';
import type { StackManifest } from '../local/manifest.ts';
import { applyLogFile, readDeployment, readRunningCatalog, writeRunningCatalog, type Deployment } from '../local/running-catalog.ts';
import { readRunningManifest } from '../local/settings.ts';
import { usersByRegion } from './directory-counts.ts';
import { TargetError, type ApplyTarget } from './target.ts';

const DEPLOY_TIMEOUT_MS = 10_000;

export function openLocalTarget(dataDir: string): ApplyTarget {
  const manifest = readRunningManifest<StackManifest>(dataDir);
  const { catalog, etag } = readRunningCatalog(dataDir);
  const silos = Object.keys(manifest.regions);
  return {
    describe: `local stack ${manifest.url} (${dataDir})`,
    running: catalog,
    etag,
    async usersByRegion() {
      const { endpoint, table } = manifest.global.directory;
      const client = localDynamo(endpoint, 'us-east-1');
      try {
        return await usersByRegion(client, table);
      } finally {
        client.destroy();
      }
    },
    readiness(proposed) {
      const missing = proposed.regions.filter((r) => !silos.includes(r.code)).map((r) => r.code);
      return { refusals: missing.map((m) => `${m} has no silo in the running stack yet; restart it (npm start) to create one`), warnings: [] };
    },
    apply: async (next, expected, entry) => writeRunningCatalog(dataDir, next, expected, entry),
    async settle(applied, previous, entry) {
      const deployed = await awaitDeployment(dataDir, applied);
      if (!deployed) return { ok: false, message: `Applied (running catalog ${applied}), but the edge did not confirm it within ${DEPLOY_TIMEOUT_MS / 1000} s: is the stack running?` };
      if (!deployed.ok) {
        // Put the previous catalog back, so that silos and edge do not disagree.
        writeRunningCatalog(dataDir, previous, applied, { ...entry, source: 'rollback', changes: [`rolled back ${applied}: ${deployed.error}`] });
        return { ok: false, message: `Not applied: the edge could not deploy catalog ${applied} (${deployed.error}); the previous catalog was restored.` };
      }
      return { ok: true, message: `Applied: running catalog ${applied} is deployed at the edge; the silos reload it within a second. No restart needed.` };
    },
    async log() {
      const file = applyLogFile(dataDir);
      if (!existsSync(file)) throw new TargetError(`no apply log at ${file}`);
      return readFileSync(file, 'utf8');
    },
  };
}

async function awaitDeployment(dataDir: string, etag: string): Promise<Deployment | undefined> {
  const deadline = Date.now() + DEPLOY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const d = readDeployment(dataDir);
    if (d?.etag === etag) return d;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}
