// CloudFront policies built FROM edge/policies.ts, so the router, the local emulator and the
// distribution share one list: a header the router needs but the policy drops breaks locally too.
import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { FORWARDED, SECURITY_HEADERS } from '../../edge/policies.ts';

/** Origin request policy of /api/* and /files/*: exactly FORWARDED's headers, cookies and query strings. */
export function forwardedOriginRequestPolicy(forwarded: typeof FORWARDED = FORWARDED): cloudfront.OriginRequestPolicyProps {
  return {
    comment: 'Residency router inputs (edge/policies.ts FORWARDED)',
    headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...forwarded.headers),
    cookieBehavior: cloudfront.OriginRequestCookieBehavior.allowList(...forwarded.cookies),
    queryStringBehavior:
      forwarded.queryStrings === 'all'
        ? cloudfront.OriginRequestQueryStringBehavior.all()
        : cloudfront.OriginRequestQueryStringBehavior.allowList(...(forwarded.queryStrings as readonly string[])),
  };
}

const REFERRER_POLICIES = new Set<string>(Object.values(cloudfront.HeadersReferrerPolicy));

/**
 * Response headers policy from SECURITY_HEADERS. CloudFront refuses security headers as custom
 * headers, so the known ones map onto its security-headers behaviour (parsed strictly: a value
 * CloudFront cannot express is an error, not a silent change); any other header is a custom one.
 */
export function securityResponseHeadersPolicy(headers: Record<string, string> = SECURITY_HEADERS): cloudfront.ResponseHeadersPolicyProps {
  const security: {
    -readonly [K in keyof cloudfront.ResponseSecurityHeadersBehavior]: cloudfront.ResponseSecurityHeadersBehavior[K];
  } = {};
  const custom: cloudfront.ResponseCustomHeader[] = [];
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    switch (name) {
      case 'content-security-policy':
        security.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case 'strict-transport-security':
        security.strictTransportSecurity = { ...parseHsts(value), override: true };
        break;
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new Error(`x-content-type-options: CloudFront can only send "nosniff", not "${value}"`);
        security.contentTypeOptions = { override: true };
        break;
      case 'x-frame-options':
        if (value !== 'DENY' && value !== 'SAMEORIGIN') throw new Error(`x-frame-options: "${value}" is not DENY or SAMEORIGIN`);
        security.frameOptions = { frameOption: cloudfront.HeadersFrameOption[value], override: true };
        break;
      case 'referrer-policy':
        if (!REFERRER_POLICIES.has(value)) throw new Error(`referrer-policy: "${value}" is not a policy CloudFront knows`);
        security.referrerPolicy = { referrerPolicy: value as cloudfront.HeadersReferrerPolicy, override: true };
        break;
      case 'x-xss-protection':
        throw new Error('x-xss-protection: express it through securityHeadersBehavior.xssProtection before listing it');
      default:
        custom.push({ header: rawName, value, override: true });
    }
  }
  return {
    comment: 'Residency security headers (edge/policies.ts SECURITY_HEADERS)',
    securityHeadersBehavior: security,
    ...(custom.length ? { customHeadersBehavior: { customHeaders: custom } } : {}),
  };
}

export function parseHsts(value: string): { accessControlMaxAge: Duration; includeSubdomains: boolean; preload: boolean } {
  let maxAge: number | undefined;
  let includeSubdomains = false;
  let preload = false;
  for (const part of value.split(';').map((p) => p.trim()).filter(Boolean)) {
    const m = /^max-age=(\d+)$/i.exec(part);
    if (m) maxAge = Number(m[1]);
    else if (/^includeSubDomains$/i.test(part)) includeSubdomains = true;
    else if (/^preload$/i.test(part)) preload = true;
    else throw new Error(`strict-transport-security: CloudFront cannot express "${part}"`);
  }
  if (maxAge === undefined) throw new Error('strict-transport-security: max-age is required');
  return { accessControlMaxAge: Duration.seconds(maxAge), includeSubdomains, preload };
}
