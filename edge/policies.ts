// What CloudFront forwards to the edge router and adds to every answer. infra/ turns these into
// the distribution's policies; the local emulator applies the same lists, so a header the router
// needs but the policy drops breaks locally too.
import { HINT_COOKIE, SESSION_COOKIE } from '../session/claims.ts';

/** Origin request policy of the /api/* and /files/* behaviours. */
export const FORWARDED = {
  headers: ['accept', 'content-type', 'origin', 'cloudfront-viewer-country'],
  cookies: [SESSION_COOKIE, HINT_COOKIE],
  queryStrings: 'all',
} as const;

/**
 * Headers an origin-request function may not add, remove or change (Lambda@Edge restrictions:
 * "read-only headers for CloudFront origin request events"); CloudFront answers 502 if it does.
 */
export const READ_ONLY_ORIGIN_REQUEST_HEADERS = [
  'accept-encoding',
  'content-length',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'transfer-encoding',
  'via',
] as const;

/** Lambda@Edge origin-request includeBody: CloudFront passes at most this much of the body. */
export const EDGE_BODY_LIMIT_BYTES = 1024 * 1024;

/** Response headers policy, on every behaviour. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
