// The routing rules: one pure function from a request to a decision. Everything that decides
// where personal data goes lives here; adapters only translate shapes.
import { HINT_COOKIE, SESSION_COOKIE, type VerifiedSession } from '../../session/claims.ts';
import type { SessionVerifier } from '../../session/verify.ts';
import { oneCookie } from '../../session/cookies.ts';
import { clearSessionHeader, edgeError, jsonResponse } from './responses.ts';
import { classify } from './routes.ts';
import type { Decision, EdgeRequest, OriginSpec, RoutingConfig } from './types.ts';
import { objectKey, type ObjectArea } from '../../files/object-keys.ts';
import { READ_ONLY_ORIGIN_REQUEST_HEADERS } from '../policies.ts';

/** Headers the edge owns. Whatever a client sends under this prefix is dropped. */
export const RESIDENCY_HEADER_PREFIX = 'x-residency-';
export const VIEWER_COUNTRY_HEADER = 'cloudfront-viewer-country';
/** The sign-up body is read only to find `country`; a larger one is routed without it. */
const MAX_SIGNUP_BODY_FOR_ROUTING = 16 * 1024;

type SessionState =
  | { kind: 'none' }
  | { kind: 'invalid' }
  | { kind: 'valid'; session: VerifiedSession };

export async function decide(
  req: EdgeRequest,
  config: RoutingConfig,
  verifier: SessionVerifier,
  nowSeconds: number,
): Promise<Decision> {
  try {
    return await route(req, config, verifier, nowSeconds);
  } catch {
    // No input may turn into a 5xx or a guess; an unforeseen failure denies.
    return edgeError('request_denied');
  }
}

async function route(req: EdgeRequest, config: RoutingConfig, verifier: SessionVerifier, now: number): Promise<Decision> {
  const path = classify(req.uri);
  switch (path.kind) {
    case 'static':
      return { action: 'static' };
    case 'unknown':
      return edgeError('not_found');
    case 'config':
      return req.method === 'GET' || req.method === 'HEAD'
        ? jsonResponse(200, config.publicConfig)
        : edgeError('method_not_allowed', { allow: 'GET, HEAD' });
    case 'auth': {
      if (path.action === 'logout') {
        // A live region ends the session itself (its record of it); otherwise the edge clears the
        // cookie, so nobody is stuck signed in to a region that is offline.
        const state = await sessionState(req, verifier, now);
        if (state.kind === 'valid' && config.regions[state.session.rgn]?.status !== 'offline') {
          return toRegion(req, config, state.session.rgn, state.session);
        }
        return { action: 'respond', status: 204, headers: { 'cache-control': 'no-store', ...clearSessionHeader }, body: '' };
      }
      return routeUnauthenticated(req, config, path.action === 'signup');
    }
    case 'session':
    case 'file': {
      const state = await sessionState(req, verifier, now);
      if (state.kind === 'none') return edgeError('unauthenticated');
      if (state.kind === 'invalid') return edgeError('session_invalid', clearSessionHeader);
      return toRegion(req, config, state.session.rgn, state.session);
    }
    case 'file-content': {
      const state = await sessionState(req, verifier, now);
      if (state.kind === 'none') return edgeError('unauthenticated');
      if (state.kind === 'invalid') return edgeError('session_invalid', clearSessionHeader);
      return toBucket(req, config, state.session, path.id);
    }
  }
}

/** Which area of the bucket a method may touch: uploads land in `incoming/`, reads come from `files/`. */
const CONTENT_AREAS: Record<string, ObjectArea> = { GET: 'files', HEAD: 'files', PUT: 'incoming' };
/**
 * What reaches the bucket: the upload's signed content-type, and the headers CloudFront will not
 * let a function touch (content-length among them, which the upload's signature also covers).
 * Cookies, the origin secret and every other viewer header stay behind.
 */
const BUCKET_HEADERS: readonly string[] = ['content-type', ...READ_ONLY_ORIGIN_REQUEST_HEADERS];

/**
 * File bytes go straight to the home bucket, under a key built from the *verified* subject. The
 * query string is the silo's presigned signature, passed byte for byte; the edge holds no
 * credentials. Another user's signature, or an id of theirs, names an object of the caller's own
 * prefix and fails the bucket's signature check. A verified subject is always in the id alphabet
 * (session/claims.ts SUBJECT_PATTERN), so it cannot step out of its prefix.
 */
function toBucket(req: EdgeRequest, config: RoutingConfig, session: VerifiedSession, id: string): Decision {
  const area = Object.hasOwn(CONTENT_AREAS, req.method) ? CONTENT_AREAS[req.method] : undefined;
  if (!area) return edgeError('method_not_allowed', { allow: 'GET, HEAD, PUT' });
  const route = Object.hasOwn(config.regions, session.rgn) ? config.regions[session.rgn] : undefined;
  if (!route || route.status === 'offline') return edgeError('region_unavailable', { 'retry-after': String(config.retryAfterSeconds) });
  const headers: Record<string, string[]> = { host: [hostHeader(route.files)] };
  for (const name of BUCKET_HEADERS) if (req.headers[name]) headers[name] = req.headers[name]!;
  return {
    action: 'forward',
    region: session.rgn,
    origin: route.files,
    uri: `/${objectKey(area, session.sub, id)}`,
    querystring: req.querystring,
    headers,
  };
}

/** What an origin expects in Host: the port too when it is not the protocol's default (local stack). */
function hostHeader(origin: OriginSpec): string {
  const standard = origin.protocol === 'https' ? 443 : 80;
  return origin.port === standard ? origin.domainName : `${origin.domainName}:${origin.port}`;
}

/**
 * Duplicate-cookie rule: identical copies count as one; two different session values are
 * invalid (and cleared) — a token is never chosen by position, so a planted cookie cannot steer
 * a request, and clearing ends the situation instead of looping.
 */
async function sessionState(req: EdgeRequest, verifier: SessionVerifier, now: number): Promise<SessionState> {
  const cookie = oneCookie(req.headers.cookie, SESSION_COOKIE);
  if (cookie.kind === 'none') return { kind: 'none' };
  if (cookie.kind === 'ambiguous') return { kind: 'invalid' };
  const session = await verifier.verify(cookie.value, now);
  return session ? { kind: 'valid', session } : { kind: 'invalid' };
}

/** Sign-up, locate and login: the country given at sign-up, then the hint, viewer country, default. */
function routeUnauthenticated(req: EdgeRequest, config: RoutingConfig, signup: boolean): Decision {
  const fromCountry = signup ? regionForCountry(config, signupCountry(req)) : undefined;
  const hintCookie = signup ? undefined : oneCookie(req.headers.cookie, HINT_COOKIE);
  const hint = hintCookie?.kind === 'one' ? hintCookie.value.trim() : undefined;
  const fromHint = hint !== undefined && Object.hasOwn(config.regions, hint) ? hint : undefined;
  const region =
    fromCountry ?? fromHint ?? regionForCountry(config, onlyValue(req.headers[VIEWER_COUNTRY_HEADER])) ?? config.defaultRegion;
  if (signup && config.regions[region]?.status === 'draining') {
    return edgeError('signup_unavailable', { 'retry-after': String(config.retryAfterSeconds) });
  }
  return toRegion(req, config, region, undefined);
}

function toRegion(req: EdgeRequest, config: RoutingConfig, region: string, session: VerifiedSession | undefined): Decision {
  const route = Object.hasOwn(config.regions, region) ? config.regions[region] : undefined;
  if (!route || route.status === 'offline') {
    // Never another region: its users wait rather than have their data served from elsewhere.
    return edgeError('region_unavailable', { 'retry-after': String(config.retryAfterSeconds) });
  }
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(req.headers)) {
    // Names arrive lower-cased from CloudFront; compare case-blind anyway, so that no spelling of
    // an edge-owned header (or a second host) can ride along to the silo.
    const lower = name.toLowerCase();
    if (!lower.startsWith(RESIDENCY_HEADER_PREFIX) && lower !== 'host') headers[name] = values;
  }
  headers.host = [hostHeader(route.api)];
  headers['x-residency-region'] = [region];
  headers['x-residency-origin-secret'] = [route.originSecret];
  if (session) headers['x-residency-subject'] = [session.sub];
  return { action: 'forward', region, origin: route.api, uri: req.uri, querystring: req.querystring, headers };
}

function regionForCountry(config: RoutingConfig, country: string | undefined): string | undefined {
  if (country === undefined || !/^[A-Z]{2}$/.test(country) || !Object.hasOwn(config.countries, country)) return undefined;
  return config.countries[country];
}

function signupCountry(req: EdgeRequest): string | undefined {
  const body = req.body;
  if (!body || body.truncated || body.text.length > MAX_SIGNUP_BODY_FOR_ROUTING) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.text);
    if (parsed && typeof parsed === 'object' && 'country' in parsed && typeof parsed.country === 'string') {
      return parsed.country;
    }
  } catch {
    // Not JSON: the silo that receives it answers with the precise validation error.
  }
  return undefined;
}

/** A header or cookie that must be unambiguous: exactly one distinct value, else none. */
function onlyValue(values: readonly string[] | null | undefined): string | undefined {
  if (!values || values.length === 0) return undefined;
  const first = values[0]!.trim();
  return values.every((v) => v.trim() === first) ? first : undefined;
}
