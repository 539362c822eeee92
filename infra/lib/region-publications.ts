// How values that only exist after a silo is deployed (its Function URL domain, the public half
// of its KMS signing key, its origin secret, its files bucket's regional domain) reach the synth
// of the edge and of the other silos.
//
// Each silo stack writes them to SSM parameters in its own region (silo-stack.ts). The edge
// stack reads all of them back at synth time with CDK context lookups, region overridden per
// parameter; a silo stack reads only the session public keys (all it needs), so a parameter
// added for the edge never blocks a silo deploy. Nothing crosses regions as a CloudFormation export, so changing the
// edge code, or a silo's values, never needs an export to change (aws-cdk issues 22842/27902).
//
// Without credentials (npm run synth, tests) a lookup returns LOOKUP_PENDING; the region is then
// "pending": the edge marks it offline (503, never another region) and the synth says so. The CDK
// CLI fills the lookups on the second deploy phase and caches them in cdk.context.json.
import { ContextProvider, type Stack } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import type { Construct } from 'constructs';
import type { Catalog } from '../../catalog/schema.ts';
import { siloBucketName } from '../../regional/adapters/tables.ts';
import type { PublicKeyEntry } from '../../session/claims.ts';
import { kidPrefix, publicationParameters } from './names.ts';

/** What a lookup returns while its value is unknown (no credentials, or not looked up yet). */
export const LOOKUP_PENDING = 'RESIDENCY-LOOKUP-PENDING';

export interface RegionPublication {
  readonly region: string;
  /** Host name of the silo API's Function URL, e.g. `abc.lambda-url.eu-west-1.on.aws`. */
  readonly apiDomain: string;
  readonly publicKey: PublicKeyEntry;
  readonly originSecret: string;
  /**
   * Regional domain of the silo's files bucket, `<bucket>.s3.<region>.amazonaws.com`: the edge's
   * custom origin for `/files/*` (presigned by the silo; see infra/README.md, "Receipts").
   */
  readonly filesDomain: string;
}

/** The parameter values of one region as looked up, before validation. */
export interface RawPublication {
  readonly apiDomain: string;
  /** JSON of the `{kid, region, jwk}` entry. */
  readonly publicKey: string;
  readonly originSecret: string;
  readonly filesDomain: string;
}

/** Regions whose values are unknown map to undefined. */
export type Publications = Readonly<Record<string, RegionPublication | undefined>>;

/** Where a stack gets the published values of every catalog region. */
export interface PublicationSource {
  /** Performs (or skips) the lookups in `scope`'s stack. */
  resolve(scope: Construct, catalog: Catalog): Publications;
  /**
   * Only the session public keys of the regions that published one (what a silo stack needs).
   * @default - the keys of `resolve`'s complete publications
   */
  resolveKeys?(scope: Construct, catalog: Catalog): PublicKeyEntry[];
}

/** The published session public keys, through `resolveKeys` when the source has it. */
export function resolvePublishedKeys(source: PublicationSource, scope: Construct, catalog: Catalog): PublicKeyEntry[] {
  return source.resolveKeys ? source.resolveKeys(scope, catalog) : publishedKeys(source.resolve(scope, catalog));
}

export class PublicationError extends Error {
  readonly code = 'publication_invalid';
}

/** Phase 1 of a first deploy: the parameters do not exist yet, so nothing is looked up. */
export const noPublications: PublicationSource = {
  resolve: (_scope, catalog) => Object.fromEntries(catalog.regions.map((r) => [r.code, undefined])),
  resolveKeys: () => [],
};

/** Phase 2 and later: SSM context lookups in each silo's own region. */
export const ssmPublications: PublicationSource = {
  resolve(scope, catalog) {
    const out: Record<string, RegionPublication | undefined> = {};
    for (const r of catalog.regions) out[r.code] = lookupRegion(scope, r.code);
    return out;
  },
  resolveKeys(scope, catalog) {
    return catalog.regions.flatMap((r) => {
      const raw = readParameter(scope, r.code, publicationParameters(r.code).sessionPublicKey);
      return raw === LOOKUP_PENDING ? [] : [parsePublicKey(r.code, raw)];
    });
  },
};

/** The context key of one lookup, so tests and operators can pre-seed cdk.context.json. */
export function publicationContextKey(scope: Construct, region: string, parameterName: string): string {
  return ContextProvider.getKey(scope, lookupOptions(region, parameterName)).key;
}

function lookupOptions(region: string, parameterName: string) {
  return {
    provider: cxschema.ContextProvider.SSM_PARAMETER_PROVIDER,
    // `region` overrides the looking-up stack's region: the parameter lives in the silo's region.
    // The account stays the stack's account; the lookup role is the bootstrap lookup role.
    props: { parameterName, region },
  };
}

/** Escapes a literal (a region code, a bucket name) for a RegExp. */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

const readParameter = (scope: Construct, region: string, parameterName: string): string =>
  String(ContextProvider.getValue(scope, { ...lookupOptions(region, parameterName), dummyValue: LOOKUP_PENDING }).value);

function lookupRegion(scope: Construct, region: string): RegionPublication | undefined {
  const names = publicationParameters(region);
  const read = (parameterName: string) => readParameter(scope, region, parameterName);
  const raw: RawPublication = {
    apiDomain: read(names.apiDomain),
    publicKey: read(names.sessionPublicKey),
    originSecret: read(names.originSecret),
    filesDomain: read(names.filesDomain),
  };
  // Any value still unknown (e.g. a silo deployed before it published files-domain): the whole
  // region is pending, hence offline at the edge; never half-routed.
  if (Object.values(raw).some((v) => v === LOOKUP_PENDING)) return undefined;
  return parsePublication(region, raw);
}

/** Validates looked-up values strictly: a malformed parameter stops the synth with its name. */
export function parsePublication(region: string, raw: RawPublication): RegionPublication {
  const names = publicationParameters(region);
  const escaped = literal(region);
  if (!new RegExp(`^[a-z0-9]{20,64}\\.lambda-url\\.${escaped}\\.on\\.aws$`).test(raw.apiDomain)) {
    throw new PublicationError(`${names.apiDomain} in ${region} is not a Function URL host of ${region}: "${raw.apiDomain.slice(0, 80)}"`);
  }
  const publicKey = parsePublicKey(region, raw.publicKey);
  if (raw.originSecret.length < 32) throw new PublicationError(`${names.originSecret} in ${region} is shorter than 32 characters`);
  // Exactly this silo's bucket at its regional virtual-hosted endpoint (names.ts
  // bucketRegionalDomain): a host the silo signs for and S3's TLS certificate covers.
  const bucket = `${literal(siloBucketName(region))}-\\d{12}`;
  if (!new RegExp(`^${bucket}\\.s3\\.${escaped}\\.amazonaws\\.com(\\.cn)?$`).test(raw.filesDomain)) {
    throw new PublicationError(`${names.filesDomain} in ${region} is not the regional domain of the ${region} files bucket: "${raw.filesDomain.slice(0, 100)}"`);
  }
  return { region, apiDomain: raw.apiDomain, publicKey, originSecret: raw.originSecret, filesDomain: raw.filesDomain };
}

/** Validates one session public key entry `{kid, region, jwk}` of `region`. */
export function parsePublicKey(region: string, rawKey: string): PublicKeyEntry {
  const names = publicationParameters(region);
  let key: PublicKeyEntry;
  try {
    key = JSON.parse(rawKey) as PublicKeyEntry;
  } catch {
    throw new PublicationError(`${names.sessionPublicKey} in ${region} is not JSON`);
  }
  const b64url = /^[A-Za-z0-9_-]{43}$/;
  if (
    key?.region !== region ||
    typeof key.kid !== 'string' ||
    !key.kid.startsWith(kidPrefix(region)) ||
    key.jwk?.kty !== 'EC' ||
    key.jwk.crv !== 'P-256' ||
    !b64url.test(key.jwk.x) ||
    !b64url.test(key.jwk.y)
  ) {
    throw new PublicationError(`${names.sessionPublicKey} in ${region} is not a P-256 public key entry of ${region}`);
  }
  return { kid: key.kid, region, jwk: { kty: 'EC', crv: 'P-256', x: key.jwk.x, y: key.jwk.y } };
}

export function pendingRegions(publications: Publications): string[] {
  return Object.entries(publications)
    .filter(([, p]) => p === undefined)
    .map(([r]) => r);
}

export function publishedKeys(publications: Publications): PublicKeyEntry[] {
  return Object.values(publications).flatMap((p) => (p ? [p.publicKey] : []));
}

/** For error messages: which stack did the lookups. */
export const stackLabel = (stack: Stack) => `${stack.stackName} (${stack.region})`;
