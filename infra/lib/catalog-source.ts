// Which catalog the synth builds every stack from. Default: the repository's file, read as
// always (no credentials needed). `residency:catalogSource=s3` (or RESIDENCY_CATALOG_SOURCE=s3):
// the catalog object in the routing bucket of the edge stack, which `npm run regions -- apply
// --target aws` replaces with a conditional write. That object is the router's deploy-time
// configuration on AWS: Lambda@Edge has no environment variables and the router reads nothing
// at run time, so an applied mapping reaches the edge only through a synth from that object.
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCatalog, loadCatalog } from '../../catalog/load.ts';
import { CatalogError, type Catalog } from '../../catalog/schema.ts';
import { stageAssetFolder } from './assets.ts';
import { EDGE_REGION, ROUTING_CATALOG_KEY, routingBucketName } from './names.ts';

export const CATALOG_SOURCES = ['file', 's3'] as const;
export type CatalogSourceKind = (typeof CATALOG_SOURCES)[number];

/** What the operator sees when the bucket has no catalog (the exact text matters: it is the fix). */
export const NO_CATALOG_YET =
  'the routing bucket has no catalog yet: seed it with `npm run regions -- apply --target aws` (it writes the catalog you deploy with)';

export class CatalogSourceError extends Error {
  readonly code = 'catalog_source';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogSourceError';
  }
}

/** The one S3 call this module makes; an S3Client fits, and so does a test stub. */
export interface CatalogObjectReader {
  send(command: GetObjectCommand): Promise<Pick<GetObjectCommandOutput, 'Body' | 'ETag' | 'VersionId'>>;
}

export interface CatalogSourceSettings {
  /** Raw value of `residency:catalogSource` / RESIDENCY_CATALOG_SOURCE. @default 'file' */
  readonly source?: string;
  /** Set only when the caller named a file explicitly (context or env): refused with `s3`. */
  readonly catalogFile?: string;
  /** The repository's catalog, used when nothing is named. */
  readonly defaultCatalogFile: string;
  /** Residency policy the bucket's catalog is checked against (the same check the CLI runs). */
  readonly policyFile: string;
  /** The account of every stack; names the routing bucket. */
  readonly account: string;
  /** The placeholder used without credentials: refused with `s3` (it names no real bucket). */
  readonly placeholderAccount?: string;
  /** @default routingBucketName(account) */
  readonly routingBucket?: string;
  /** @default EDGE_REGION (us-east-1: the edge stack owns the bucket) */
  readonly routingRegion?: string;
  /** Makes the S3 client, only when the source is `s3`. */
  readonly s3: (region: string) => CatalogObjectReader;
}

export interface SelectedCatalog {
  readonly kind: CatalogSourceKind;
  readonly catalog: Catalog;
  /** A file with the catalog's exact bytes: it travels beside the regional handler. */
  readonly catalogFile: string;
  /** `s3://bucket/key` or the file path. */
  readonly location: string;
  /** The object's ETag as S3 sends it (quoted): what a CLI would send as If-Match. `s3` only. */
  readonly etag?: string;
  readonly versionId?: string;
  /** One line for the synth's output and the edge stack's `RoutingCatalogOrigin` output. */
  readonly describe: string;
}

/** Context wins over the environment, as for the other synth settings; empty means unset. */
export function catalogSourceSetting(context: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return context ?? (env.RESIDENCY_CATALOG_SOURCE || undefined);
}

export function parseCatalogSourceKind(raw: string | undefined): CatalogSourceKind {
  const value = raw ?? 'file';
  if (!(CATALOG_SOURCES as readonly string[]).includes(value)) {
    throw new CatalogSourceError(`unknown catalog source "${value}" (residency:catalogSource / RESIDENCY_CATALOG_SOURCE): expected "file" or "s3"`);
  }
  return value as CatalogSourceKind;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Repository-relative when inside it, so the template does not carry this machine's paths. */
const displayPath = (file: string) => {
  const rel = relative(REPO_ROOT, file);
  return rel.startsWith('..') ? file : rel;
};

export async function selectCatalog(settings: CatalogSourceSettings): Promise<SelectedCatalog> {
  const kind = parseCatalogSourceKind(settings.source);
  if (kind === 'file') {
    const file = settings.catalogFile ?? settings.defaultCatalogFile;
    // Exactly what the synth always did: the schema check (the policy is checked by the CLI).
    return { kind, catalog: loadCatalog(file), catalogFile: file, location: file, describe: `file ${displayPath(file)}` };
  }

  if (settings.catalogFile !== undefined) {
    throw new CatalogSourceError(
      `catalogSource=s3 reads the routing bucket, but a catalog file was named too (${settings.catalogFile}, residency:catalog / RESIDENCY_CATALOG_FILE): drop one of them`,
    );
  }
  if (!settings.routingBucket && settings.account === settings.placeholderAccount) {
    throw new CatalogSourceError(
      `catalogSource=s3 needs the AWS account that owns the routing bucket (${routingBucketName('<account>')}): ` +
        'run the synth through the CDK CLI with credentials (it sets CDK_DEFAULT_ACCOUNT), or pass -c residency:account=<12-digit id>',
    );
  }
  const bucket = settings.routingBucket ?? routingBucketName(settings.account);
  const region = settings.routingRegion ?? EDGE_REGION;
  const location = `s3://${bucket}/${ROUTING_CATALOG_KEY}`;

  let object: Pick<GetObjectCommandOutput, 'Body' | 'ETag' | 'VersionId'>;
  let text: string;
  try {
    object = await settings.s3(region).send(new GetObjectCommand({ Bucket: bucket, Key: ROUTING_CATALOG_KEY }));
    if (!object.Body) throw new CatalogSourceError(`${location} (${region}) answered without a body`);
    text = await object.Body.transformToString('utf-8');
  } catch (err) {
    throw explainReadFailure(err, location, bucket, region);
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CatalogError(location, [`${location}: not valid JSON: ${(err as Error).message}`]);
  }
  // The same schema + residency-policy check `npm run regions -- validate/plan/apply` runs.
  const catalog = checkCatalog(raw, location, settings.policyFile);
  if (!object.ETag) throw new CatalogSourceError(`${location} (${region}) answered without an ETag`);

  // The silos carry the catalog as a file (regions.json beside the handler): the object's bytes.
  const catalogFile = `${stageAssetFolder('routing-catalog', { 'regions.json': text })}/regions.json`;
  const version = object.VersionId ? `, version ${object.VersionId}` : '';
  return {
    kind,
    catalog,
    catalogFile,
    location,
    etag: object.ETag,
    versionId: object.VersionId,
    describe: `${location} (${region}) ETag ${object.ETag}${version}`,
  };
}

function explainReadFailure(err: unknown, location: string, bucket: string, region: string): Error {
  if (err instanceof CatalogSourceError) return err;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const cause = `${e.name ?? 'Error'}${status ? ` ${status}` : ''}: ${e.message ?? String(err)}`;
  // A current version that is a delete marker also answers NoSuchKey.
  if (e.name === 'NoSuchKey') return new CatalogSourceError(`${NO_CATALOG_YET} (${location} does not exist)`, { cause: err });
  if (e.name === 'NoSuchBucket') {
    return new CatalogSourceError(
      `the routing bucket ${bucket} does not exist: deploy Residency-Edge once without catalogSource=s3 (it creates the bucket), ` +
        `then seed it with \`npm run regions -- apply --target aws\` (${cause})`,
      { cause: err },
    );
  }
  if (e.name === 'CredentialsProviderError' || /credential/i.test(e.message ?? '')) {
    return new CatalogSourceError(
      `no AWS credentials to read ${location}: the CDK CLI does not pass --profile to the app, so export AWS_PROFILE (or credentials) instead (${cause})`,
      { cause: err },
    );
  }
  if (status === 403 || e.name === 'AccessDenied') {
    return new CatalogSourceError(
      `access denied reading ${location} in ${region}: the deploy credentials need s3:GetObject on it (and s3:ListBucket on ${bucket}, ` +
        `without which S3 reports a missing catalog as AccessDenied too) (${cause})`,
      { cause: err },
    );
  }
  return new CatalogSourceError(`cannot read ${location} in ${region} (${cause})`, { cause: err });
}
