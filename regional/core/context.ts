// Everything a silo's handlers depend on, assembled once per cold start by the entry point.
import type { Catalog, Region } from '../../catalog/schema.ts';
import type { TokenSigner } from '../../session/sign.ts';
import type { SessionVerifier } from '../../session/verify.ts';
import type { DirectoryStore, FileObjects, SiloStore } from './ports.ts';

export const nowSeconds = (ctx: SiloContext) => Math.floor(ctx.nowMs() / 1000);

export interface SiloContext {
  region: Region;
  catalog: Catalog;
  silo: SiloStore;
  files: FileObjects;
  directory: DirectoryStore;
  signer: TokenSigner;
  verifier: SessionVerifier;
  pepper: Uint8Array;
  originSecret: string;
  nowMs(): number;
  /** Structured operational log. Callers pass ids and codes only: never tokens, e-mails or names. */
  log(entry: Record<string, string | number | boolean>): void;
}
