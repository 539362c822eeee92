// The catalog a running local stack routes by: `<data>/catalog/running.json`. The edge emulator
// and every silo API watch it, so an apply takes effect without a restart. Writes are
// compare-and-swap on the content hash (etag), under a lock file, and every one is logged.
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog, type Catalog } from '../catalog/schema.ts';

export const runningCatalogFile = (dataDir: string) => join(dataDir, 'catalog', 'running.json');
export const applyLogFile = (dataDir: string) => join(dataDir, 'catalog', 'apply-log.jsonl');

export const deploymentFile = (dataDir: string) => join(dataDir, 'catalog', 'deployed.json');

/** What the edge last did with the running catalog: the CLI waits for this after an apply. */
export interface Deployment {
  etag: string;
  ok: boolean;
  error?: string;
}

export function recordDeployment(dataDir: string, d: Deployment): void {
  writeFileSync(`${deploymentFile(dataDir)}.tmp`, JSON.stringify(d));
  renameSync(`${deploymentFile(dataDir)}.tmp`, deploymentFile(dataDir));
}

export function readDeployment(dataDir: string): Deployment | undefined {
  return existsSync(deploymentFile(dataDir)) ? (JSON.parse(readFileSync(deploymentFile(dataDir), 'utf8')) as Deployment) : undefined;
}

export const etagOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

export interface RunningCatalog {
  catalog: Catalog;
  etag: string;
}

export function readRunningCatalog(dataDir: string): RunningCatalog {
  const file = runningCatalogFile(dataDir);
  const text = readFileSync(file, 'utf8');
  return { catalog: parseCatalog(JSON.parse(text), file), etag: etagOf(text) };
}

export class ConcurrentEditError extends Error {
  readonly code = 'concurrent_edit';
}

export interface ApplyRecord {
  at: string;
  who: string;
  source: string;
  from: string | null;
  to: string;
  changes: string[];
}

/**
 * Replaces the running catalog if it still has `expectedEtag` (null: none may exist yet).
 * Throws ConcurrentEditError when someone else changed it since it was read.
 */
export function writeRunningCatalog(dataDir: string, catalog: Catalog, expectedEtag: string | null, record: Omit<ApplyRecord, 'from' | 'to'>): string {
  const file = runningCatalogFile(dataDir);
  mkdirSync(join(dataDir, 'catalog'), { recursive: true });
  const lock = `${file}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    throw new ConcurrentEditError(`another apply holds ${lock}; if none is running, delete that file`);
  }
  try {
    const current = existsSync(file) ? etagOf(readFileSync(file, 'utf8')) : null;
    if (current !== expectedEtag) {
      throw new ConcurrentEditError(`the running catalog changed since it was planned against (${expectedEtag ?? 'none'} → ${current ?? 'none'}); run plan again`);
    }
    const text = `${JSON.stringify(catalog, null, 2)}\n`;
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    const to = etagOf(text);
    const entry: ApplyRecord = { ...record, from: current, to };
    appendFileSync(applyLogFile(dataDir), `${JSON.stringify(entry)}\n`);
    return to;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}
