// Starts an isolated local stack (own port, own data folder) exactly as `npm start` does, for
// integration tests. Requires the built artifacts (`npm run build`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/free-port.ts';
import type { StackManifest } from '../../local/manifest.ts';

export interface RunningStack {
  url: string;
  dataDir: string;
  manifest: StackManifest;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export function requireBuilt(...files: string[]) {
  for (const f of files) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does).`);
  }
}

/**
 * `dataDir` reuses a folder (to test restarts); `stop({ keepData: true })` leaves it in place.
 * By default each stack gets a fresh folder that `stop()` deletes.
 */
export async function startStack(env: NodeJS.ProcessEnv = {}, dataDir = mkdtempSync(join(tmpdir(), 'residency-test-'))): Promise<RunningStack> {
  requireBuilt('dist/edge/index.js', 'dist/regional/index.js', 'dist/app/index.html');
  const port = await freePort();
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: String(port), RESIDENCY_DATA: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout!.on('data', (c) => (output += c));
  proc.stderr!.on('data', (c) => (output += c));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack did not start in 90 s:\n${output}`)), 90_000);
    proc.stdout!.on('data', () => {
      if (output.includes('Residency is up')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stack exited with ${code} before it was up:\n${output}`));
    });
  });
  const manifest = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as StackManifest;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    manifest,
    async stop({ keepData = false } = {}) {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGINT');
        await exited;
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
