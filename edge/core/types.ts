// The edge router's vocabulary. Runtime-neutral: adapters translate CloudFront events to and from
// these shapes, so the rules never see a Lambda@Edge or CloudFront Function object.
import type { RegionStatus } from '../../catalog/schema.ts';

export interface EdgeRequest {
  method: string;
  /** Exactly as the viewer sent it: never decoded, never re-encoded. */
  uri: string;
  /** Without the leading `?`, byte for byte. */
  querystring: string;
  /** Lower-cased names; every value the viewer sent, in order (browsers may send several cookie headers). */
  headers: Record<string, string[]>;
  /** Request body as text when the runtime exposes it (Lambda@Edge `includeBody`). */
  body?: { text: string; truncated: boolean };
}

export interface OriginSpec {
  protocol: 'http' | 'https';
  domainName: string;
  port: number;
  /** Prefix prepended to the URI by CloudFront; '' for none. */
  path: string;
  readTimeout: number;
  keepaliveTimeout: number;
}

export interface RegionRoute {
  status: RegionStatus;
  api: OriginSpec;
  /**
   * The region's files bucket as an origin: virtual-hosted on AWS (path ''), path-style locally
   * (path '/<bucket>'). File bytes go there directly; the silo only signs the way in.
   */
  files: OriginSpec;
  /** Shared secret the silo requires, proving a request came through the edge. */
  originSecret: string;
}

/** Deploy-time configuration of the router, baked beside the bundle (Lambda@Edge has no env vars). */
export interface RoutingConfig {
  defaultRegion: string;
  retryAfterSeconds: number;
  regions: Record<string, RegionRoute>;
  /** ISO country -> region code. */
  countries: Record<string, string>;
  /** The body of GET /api/config, prepared at build time (public, no PII). */
  publicConfig: string;
}

export type Decision =
  | { action: 'static' }
  | {
      action: 'forward';
      region: string;
      origin: OriginSpec;
      uri: string;
      querystring: string;
      /** The complete header set to send to the origin (lower-cased names). */
      headers: Record<string, string[]>;
    }
  | { action: 'respond'; status: number; headers: Record<string, string>; body: string };
