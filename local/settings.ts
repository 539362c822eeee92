// Where the local stack keeps its data and which port the global URL uses: read once.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface LocalSettings {
  dataDir: string;
  port: number;
  /** What the emulator reports as CloudFront-Viewer-Country when a request does not say. */
  viewerCountry: string | undefined;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  const port = env.PORT === undefined || env.PORT === '' ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const viewerCountry = env.RESIDENCY_VIEWER_COUNTRY || undefined;
  if (viewerCountry !== undefined && !/^[A-Z]{2}$/.test(viewerCountry)) {
    throw new Error(`RESIDENCY_VIEWER_COUNTRY must be an ISO country code such as "IE", got "${viewerCountry}"`);
  }
  return { dataDir: resolve(env.RESIDENCY_DATA || '.residency'), port, viewerCountry };
}

export const manifestPath = (dataDir: string) => resolve(dataDir, 'stack.json');

/** The pid of the stack running on `dataDir`, from its manifest, if that process is alive. */
export function runningStackPid(dataDir: string): number | undefined {
  const file = manifestPath(dataDir);
  if (!existsSync(file)) return undefined;
  const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number };
  if (typeof pid !== 'number' || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export class StackNotRunningError extends Error {
  readonly code = 'stack_not_running';
}

/** The manifest of the stack running on `dataDir`, or a clear error that none is running. */
export function readRunningManifest<T>(dataDir: string): T {
  if (runningStackPid(dataDir) === undefined) {
    throw new StackNotRunningError(`no local stack is running on ${dataDir}: start it with npm start (or set RESIDENCY_DATA / --data)`);
  }
  return JSON.parse(readFileSync(manifestPath(dataDir), 'utf8')) as T;
}
