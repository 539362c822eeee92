// Reads the region catalog from disk, once, strictly. The only catalog I/O in the project.
import { readFileSync } from 'node:fs';
import { CatalogError, parseCatalog, type Catalog } from './schema.ts';

export function loadCatalog(file: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogError(file, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CatalogError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseCatalog(raw, file);
}
