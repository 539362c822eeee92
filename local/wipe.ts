// `npm run wipe`: deletes the local stack's data folder (all silos, the directory, the keys).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { StackManifest } from './manifest.ts';
import { manifestPath, readSettings } from './settings.ts';

const { dataDir } = readSettings();
if (!existsSync(dataDir)) {
  console.log(`Nothing to wipe: ${dataDir} does not exist.`);
  process.exit(0);
}
if (existsSync(manifestPath(dataDir))) {
  const { pid } = JSON.parse(readFileSync(manifestPath(dataDir), 'utf8')) as StackManifest;
  if (isRunning(pid)) {
    console.error(`The local stack is running (pid ${pid}); stop it with Ctrl-C first.`);
    process.exit(1);
  }
}
rmSync(dataDir, { recursive: true, force: true });
console.log(`Wiped ${dataDir}: every silo, the directory and the local keys are gone.`);

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
