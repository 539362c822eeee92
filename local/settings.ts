// Where the local stack keeps its data and which port the global URL uses: read once.
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
