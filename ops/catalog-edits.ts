// Safe edits of the catalog file: each edit is validated (schema and policy) before it is written.
import { writeFileSync } from 'node:fs';
import { checkCatalog } from '../catalog/load.ts';
import { REGION_STATUSES, type Catalog, type Region, type RegionStatus } from '../catalog/schema.ts';

export class EditRefused extends Error {
  readonly code = 'edit_refused';
}

export function addRegion(catalog: Catalog, region: Region): Catalog {
  if (catalog.regions.some((r) => r.code === region.code)) throw new EditRefused(`${region.code} is already in the catalog`);
  return { ...catalog, regions: [...catalog.regions, region] };
}

export function setStatus(catalog: Catalog, code: string, status: string, force: boolean): Catalog {
  if (!(REGION_STATUSES as readonly string[]).includes(status)) {
    throw new EditRefused(`status must be one of ${REGION_STATUSES.join(', ')}, not "${status}"`);
  }
  if (!catalog.regions.some((r) => r.code === code)) throw new EditRefused(`${code} is not in the catalog`);
  if (status === 'offline' && !force) {
    throw new EditRefused(`taking ${code} offline makes its users wait with 503 until it is back; pass --force if that is intended`);
  }
  return { ...catalog, regions: catalog.regions.map((r) => (r.code === code ? { ...r, status: status as RegionStatus } : r)) };
}

/** Writes the edited catalog only if it passes the same checks as `validate`. */
export function writeCatalogFile(file: string, policyFile: string, catalog: Catalog): void {
  checkCatalog(catalog, file, policyFile);
  writeFileSync(file, `${JSON.stringify(catalog, null, 2)}\n`);
}
