// Where `regions plan|apply|log` act: the running local stack, or the router's deploy-time
// configuration on AWS. Both are compare-and-swap stores with an append-only log.
import type { Catalog } from '../catalog/schema.ts';
import type { ApplyRecord } from '../local/running-catalog.ts';

export type ApplyEntry = Omit<ApplyRecord, 'from' | 'to'>;

export interface ApplyTarget {
  describe: string;
  /** What the target routes by now. */
  running: Catalog;
  /** Version of `running` that an apply must still find; null when the target holds none yet. */
  etag: string | null;
  /** Users per region, counted from the directory (no user data is read). */
  usersByRegion(): Promise<Record<string, number>>;
  /** Problems that block applying `proposed` here (refusals) and notes that do not (warnings). */
  readiness(proposed: Catalog): { refusals: string[]; warnings: string[] };
  /** Writes `catalog` if the target still has `expectedEtag`; throws ConcurrentEditError otherwise. */
  apply(catalog: Catalog, expectedEtag: string | null, entry: ApplyEntry): Promise<string>;
  /** After a write: did it take effect (or what must happen for it to)? May undo the write. */
  settle(etag: string, previous: Catalog, entry: ApplyEntry): Promise<{ ok: boolean; message: string }>;
  /** The append-only log, one JSON entry per line. */
  log(): Promise<string>;
}

/** The target cannot be reached or named as given: a message for the operator, not a crash. */
export class TargetError extends Error {
  readonly code = 'target_error';
}
