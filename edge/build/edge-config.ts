// Builds the router's deploy-time configuration (`edge-config.json`) from the region catalog,
// the origins of a target (local stack or AWS) and the session public keys. Build-time code: it
// never ships inside the bundle.
import { z } from 'zod';
import { signupCountries, type Catalog } from '../../catalog/schema.ts';
import type { PublicKeyEntry } from '../../session/claims.ts';
import type { EdgeConfigFile } from '../adapters/lambda-edge.ts';
import type { OriginSpec } from '../core/types.ts';

export interface RegionTarget {
  api: OriginSpec;
  files: OriginSpec;
  originSecret: string;
}

const originSchema = z.strictObject({
  protocol: z.enum(['http', 'https']),
  domainName: z.string().min(1).max(253),
  port: z.int().min(1).max(65535),
  path: z.string().regex(/^(\/[^?#]*[^/?#])?$/, 'an origin path starts with / and does not end with one'),
  readTimeout: z.int().min(1).max(60),
  keepaliveTimeout: z.int().min(1).max(60),
});

const keySchema = z.strictObject({
  kid: z.string().min(1).max(128),
  region: z.string().min(1),
  jwk: z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string().length(43), y: z.string().length(43) }),
});

export function buildEdgeConfig(
  catalog: Catalog,
  targets: Record<string, RegionTarget>,
  keys: PublicKeyEntry[],
): EdgeConfigFile {
  const regions: EdgeConfigFile['routing']['regions'] = {};
  for (const r of catalog.regions) {
    const target = targets[r.code];
    if (!target) throw new Error(`no origin given for region ${r.code}`);
    if (target.originSecret.length < 32) throw new Error(`origin secret of ${r.code} is shorter than 32 characters`);
    regions[r.code] = { status: r.status, api: originSchema.parse(target.api), files: originSchema.parse(target.files), originSecret: target.originSecret };
  }
  const kids = new Set<string>();
  for (const k of keys) {
    keySchema.parse(k);
    if (kids.has(k.kid)) throw new Error(`key id ${k.kid} is listed twice`);
    if (!regions[k.region]) throw new Error(`key ${k.kid} names region ${k.region}, which is not in the catalog`);
    kids.add(k.kid);
  }
  return {
    version: 1,
    routing: {
      defaultRegion: catalog.defaultRegion,
      retryAfterSeconds: catalog.retryAfterSeconds,
      regions,
      countries: { ...catalog.countries },
      publicConfig: JSON.stringify({ product: catalog.product, countries: signupCountries(catalog) }),
    },
    keys,
  };
}
