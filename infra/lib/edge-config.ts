// The router's deploy-time configuration for AWS, from the catalog and the silos' published
// values, through the same buildEdgeConfig the local stack uses.
import type { Catalog } from '../../catalog/schema.ts';
import type { EdgeConfigFile } from '../../edge/adapters/lambda-edge.ts';
import { buildEdgeConfig, type RegionTarget } from '../../edge/build/edge-config.ts';
import type { OriginSpec } from '../../edge/core/types.ts';
import { pendingRegions, publishedKeys, type Publications } from './region-publications.ts';

/** RFC 2606: never resolves. Only ever configured for a region the router treats as offline. */
export const PENDING_ORIGIN_DOMAIN = 'pending-lookup.invalid';
const PENDING_SECRET = 'pending-lookup-region-is-offline-until-its-values-are-published';

/**
 * How CloudFront talks to a silo's Function URL and to its files bucket: both are custom HTTPS
 * origins on 443 with no path. The bucket is not an S3 origin because S3 Origin Access Control
 * does not follow an origin switched by Lambda@Edge; its requests are authorised by the silo's
 * presigned query string, which the router passes on byte for byte with `host` set to this
 * (virtual-hosted, so the key is the whole path) domain. See infra/README.md, "Receipts".
 */
export const siloOrigin = (domainName: string): OriginSpec => ({
  protocol: 'https',
  domainName,
  port: 443,
  path: '',
  // Silo API timeout is 25 s: the edge sees the silo's own answer first.
  readTimeout: 30,
  keepaliveTimeout: 5,
});

export interface AwsEdgeConfig {
  readonly config: EdgeConfigFile;
  /** Regions whose values were not published yet: offline at the edge (503, never elsewhere). */
  readonly pending: string[];
}

export function awsEdgeConfig(catalog: Catalog, publications: Publications): AwsEdgeConfig {
  const pending = pendingRegions(publications);
  const targets: Record<string, RegionTarget> = {};
  for (const r of catalog.regions) {
    const p = publications[r.code];
    targets[r.code] = p
      ? { api: siloOrigin(p.apiDomain), files: siloOrigin(p.filesDomain), originSecret: p.originSecret }
      : { api: siloOrigin(PENDING_ORIGIN_DOMAIN), files: siloOrigin(PENDING_ORIGIN_DOMAIN), originSecret: PENDING_SECRET };
  }
  // A region without published values cannot be routed to: offline, so its users get 503 with
  // Retry-After, exactly like an outage, and never another region (invariant 3).
  const effective: Catalog = {
    ...catalog,
    regions: catalog.regions.map((r) => (pending.includes(r.code) ? { ...r, status: 'offline' as const } : r)),
  };
  return { config: buildEdgeConfig(effective, targets, publishedKeys(publications)), pending };
}
