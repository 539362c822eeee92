// Property-based tests of the edge router (fast-check): random methods, URIs, query strings,
// headers, cookie headers, bodies and tokens, checked against the invariants that hold for every
// input. Runs are bounded so the file finishes well inside 20 s.
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import fc from 'fast-check';
import { MAX_COOKIE_HEADER_BYTES } from '../../session/cookies.ts';
import { decide } from '../../edge/core/router.ts';
import { classify } from '../../edge/core/routes.ts';
import { READ_ONLY_ORIGIN_REQUEST_HEADERS } from '../../edge/policies.ts';
import type { Decision, EdgeRequest, RoutingConfig } from '../../edge/core/types.ts';
import { CLOCK_TOLERANCE_SECONDS, SESSION_TTL_SECONDS, SUBJECT_PATTERN } from '../../session/claims.ts';
import { createSessionVerifier } from '../../session/verify.ts';
import { fromCloudFront, fromDecision, loadBundle, toOriginRequestEvent } from './support/bundle.ts';
import { createWorld, mintToken, TEST_TARGETS, type KeyName, type TokenSpec } from './support/fixture.ts';

const NOW = 1_800_000_000;
const MARK = 'CLIENT-SUPPLIED';
const world = await createWorld();
const verifier = await createSessionVerifier(world.configFile.keys);
const routing = world.configFile.routing;
const allActive: RoutingConfig = {
  ...routing,
  regions: Object.fromEntries(Object.entries(routing.regions).map(([k, r]) => [k, { ...r, status: 'active' as const }])),
};
const same = (s: string) => s;

interface PoolToken {
  token: string;
  /** Set when the token is a valid session: its region and subject. */
  valid?: { rgn: string; sub: string };
}

async function pool(): Promise<PoolToken[]> {
  const out: PoolToken[] = [];
  const valid = async (signedBy: KeyName, sub: string) => {
    const { token } = await mintToken(world, { signedBy, claims: { sub } }, NOW, same);
    out.push({ token, valid: { rgn: signedBy, sub } });
  };
  await valid('eu-west-1', 'subEuEuEuEuEuEuEuEu01');
  await valid('eu-west-1', 'subEuEuEuEuEuEuEuEu02');
  await valid('us-east-2', 'subUsUsUsUsUsUsUsUs01');
  await valid('ap-southeast-2', 'subApApApApApApApAp01');
  await valid('ca-central-1', 'subCaCaCaCaCaCaCaCa01');
  const invalid: TokenSpec[] = [
    { tamper: 'payload' },
    { tamper: 'signature' },
    { tamper: { claims: { rgn: 'us-east-2' } } },
    { signedBy: 'eu-west-1', claims: { rgn: 'us-east-2' } },
    { claims: { iat: 'now-30000', exp: 'now-100' } },
    { claims: { exp: null } },
    { claims: { iat: 'now', exp: 'now+99999' } },
    { claims: { sub: 'short' } },
    { signedBy: 'unlisted' },
    { signedBy: 'twice-eu' },
    { header: { kid: null } },
    { header: { crit: ['exp'] } },
    { form: 'alg-none' },
    { form: 'hs256-public-key' },
    { form: 'padded' },
    { form: 'jwe' },
    { form: 'der-signature' },
    { claims: { pad: 'x'.repeat(1100) } },
  ];
  for (const spec of invalid) out.push({ token: (await mintToken(world, spec, NOW, same)).token });
  return out;
}
const tokens = await pool();

// ---------------------------------------------------------------------------------------------
// Generators. Requests carry, beside the EdgeRequest, what the generator knows it put in them.

interface Generated {
  req: EdgeRequest;
  /** Every session cookie value inserted into the cookie headers, as a parser must read it. */
  sessionValues: string[];
}

const chars = (s: string) => fc.constantFrom(...s.split(''));
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const uriChars = chars('abcAZ09_-./%2eEfF~:@!$&\'()*+,;=?#');
const ID = fc.string({ unit: chars('abcXYZ019_-'), minLength: 1, maxLength: 64 });

const uri = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('/api/me', '/api/profile', '/api/records', '/api/files', '/api/auth/logout', '/api/auth/login', '/api/auth/signup') },
  fc.constantFrom('/', '/index.html', '/api', '/api/', '/files', '/files/', '/api/config', '/api/me', '/api/me/', '/api/profile', '/api/export', '/api/activity', '/api/records', '/api/files', '/api/auth/signup', '/api/auth/locate', '/api/auth/login', '/api/auth/logout', '/api/auth/', '/API/me'),
  ID.map((id) => `/api/records/${id}`),
  ID.map((id) => `/files/${id}`),
  ID.map((id) => `/files/${id}/content`),
  ID.map((id) => `/api/files/${id}`),
  ID.map((id) => `/api/uploads/${id}/complete`),
  fc.tuple(fc.constantFrom('/api/', '/files/', '/api/records/', '/api/auth/', '/'), fc.string({ unit: uriChars, maxLength: 30 })).map(([a, b]) => a + b),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => `/${s}`),
);

const querystring = fc.oneof(fc.constant(''), fc.string({ unit: chars('abc=&+%2F;?/ zé✓'), maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));

const tokenValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...tokens.map((t) => t.token)) },
  // No ';' or '"' inside a value, so the oracle below knows exactly what a parser reads back.
  { weight: 1, arbitrary: anyText.filter((t) => !t.includes(';') && !t.includes('"')) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.string({ unit: chars('ABCabc012-_.'), maxLength: 80 }) },
);

/** One cookie-header segment; `session` segments record their value. */
const segment: fc.Arbitrary<{ text: string; session?: string }> = fc.oneof(
  fc.record({ value: tokenValue, quoted: fc.boolean(), ws: fc.constantFrom('', ' ', '  ') }).map(({ value, quoted, ws }) => ({
    text: `${ws}__Host-session${ws}=${ws}${quoted ? `"${value}"` : value}${ws}`,
    // What a browser-shaped parser reads: the trimmed value, or what is inside the quotes.
    session: quoted ? value : value.trim(),
  })),
  fc.oneof(fc.constantFrom('eu-west-1', 'us-east-2', 'ap-southeast-2', 'ca-central-1', 'US', '__proto__', ''), anyText).map((v) => ({ text: `__Host-region-hint=${v}` })),
  fc.constantFrom('theme=dark', 'flag', '', ' ', 'a=b=c', '__host-session=x', 'session=x', '__Host-session'),
  fc.constantFrom(1000, 5000, 9000).map((n) => ({ text: `pad=${'p'.repeat(n)}` })),
  anyText.filter((t) => !t.includes('__Host-session')).map((t) => ({ text: t })),
).map((s) => (typeof s === 'string' ? { text: s } : s));

const noise = segment.filter((x) => x.session === undefined);
/** Mostly one valid-looking session (perhaps repeated identically) among other cookies; else anything. */
const cookieHeaders = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...tokens.filter((t) => t.valid).map((t) => t.token)) },
        fc.constantFrom(...tokens.filter((t) => !t.valid).map((t) => t.token)),
      ),
      fc.integer({ min: 1, max: 2 }), fc.array(noise, { maxLength: 3 }), fc.boolean())
    .map(([token, copies, others, split]) => {
      const mine = Array.from({ length: copies }, () => ({ text: `__Host-session=${token}`, session: token }));
      const all = [...others, ...mine];
      return split ? all.map((x) => [x]) : [all];
    }),
  fc.array(fc.array(segment, { maxLength: 4 }), { maxLength: 3 }),
);

/** Header names that matter, some in spellings CloudFront would never send (the core must not care). */
const headerName = fc.oneof(
  fc.constantFrom('accept', 'content-type', 'content-length', 'via', 'if-none-match', 'origin', 'cloudfront-viewer-country', 'host', 'x-residency-region', 'x-residency-subject', 'x-residency-origin-secret', 'x-residency-admin', 'x-residency-', 'x-forwarded-for', 'authorization', '__proto__', 'constructor'),
  fc.constantFrom('X-Residency-Region', 'X-RESIDENCY-SUBJECT', 'Host'),
  fc.string({ unit: chars('abcxyz-_'), minLength: 1, maxLength: 12 }),
);
const headerValues = (name: string) =>
  name.toLowerCase() === 'cloudfront-viewer-country'
    ? fc.array(fc.oneof(fc.constantFrom('IE', 'US', 'AU', 'CA', 'JP', 'us'), anyText), { minLength: 1, maxLength: 2 })
    : fc.array(fc.oneof(anyText, fc.constantFrom('eu-west-1', 'us-east-2', MARK)).map((v) => `${MARK}:${v}`), { minLength: 1, maxLength: 2 });
const otherHeaders = fc.uniqueArray(headerName, { maxLength: 6 }).chain((names) =>
  fc.tuple(...names.map((n) => headerValues(n).map((vs) => [n, vs] as const))),
);

const body = fc.option(
  fc.record({
    text: fc.oneof(
      fc.constantFrom('IE', 'US', 'AU', 'NZ', 'CA', 'XX', 'us', '__proto__').map((c) => JSON.stringify({ email: 'x@example.com', country: c })),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      anyText,
    ),
    truncated: fc.boolean(),
  }),
  { nil: undefined },
);

function build(lowercaseOnly: boolean): fc.Arbitrary<Generated> {
  return fc
    .record({
      method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'), fc.string({ maxLength: 8 })),
      uri,
      querystring,
      headers: otherHeaders,
      cookies: cookieHeaders,
      body,
    })
    .map(({ method, uri, querystring, headers, cookies, body }) => {
      const h: Record<string, string[]> = {};
      for (const [name, values] of headers) {
        const n = lowercaseOnly ? name.toLowerCase() : name;
        if (n === '__proto__' || n === 'cookie') continue;
        h[n] = [...values];
      }
      const sessionValues: string[] = [];
      const cookie = cookies.map((segs) => {
        for (const s of segs) if (s.session !== undefined) sessionValues.push(s.session);
        return segs.map((s) => s.text).join(';');
      });
      if (cookie.length) h.cookie = cookie;
      return { req: { method, uri, querystring, headers: h, ...(body ? { body } : {}) }, sessionValues };
    });
}

// ---------------------------------------------------------------------------------------------
// The invariants.

const INJECTED = new Set(['x-residency-region', 'x-residency-subject', 'x-residency-origin-secret']);

/** The session the request carries by the documented rules, computed independently of the core. */
function carriedSession(g: Generated): PoolToken | 'none' | 'invalid' {
  const total = (g.req.headers.cookie ?? []).reduce((n, h) => n + h.length, 0);
  if (total > MAX_COOKIE_HEADER_BYTES) return 'invalid';
  const distinct = new Set(g.sessionValues.filter((v) => v !== ''));
  if (distinct.size === 0) return 'none';
  if (distinct.size > 1) return 'invalid';
  const [value] = [...distinct];
  return tokens.find((t) => t.token === value && t.valid) ?? 'invalid';
}

function checkInvariants(g: Generated, d: Decision, activeOnly: boolean) {
  const { req } = g;
  const kind = classify(req.uri).kind;
  if (d.action === 'respond') {
    const error = d.body ? (JSON.parse(d.body) as { error?: string }).error : undefined;
    assert.notEqual(error, 'request_denied', 'no input reaches the catch-all (an internal exception)');
    if (d.status >= 500) {
      assert.ok(!activeOnly, 'with every region active nothing is ever 5xx');
      assert.equal(d.status, 503);
      assert.ok(error === 'region_unavailable' || error === 'signup_unavailable', `503 ${error}`);
      assert.ok(d.headers['retry-after']);
    }
    assert.equal(d.headers['cache-control'], 'no-store');
    return;
  }
  if (d.action === 'static') {
    assert.equal(kind, 'static');
    return;
  }
  const route = routing.regions[d.region];
  if (kind === 'file-content') return checkBucketForward(g, d, route, activeOnly);
  assert.ok(kind === 'session' || kind === 'file' || kind === 'auth', `forwarded a ${kind} path`);
  assert.ok(route && Object.hasOwn(routing.regions, d.region), `forwarded to ${d.region}, a catalog region`);
  assert.ok(activeOnly || route.status !== 'offline', 'never forwarded to an offline region');
  assert.deepEqual(d.origin, TEST_TARGETS[d.region]!.api);
  assert.equal(d.uri, req.uri, 'uri unchanged');
  assert.equal(d.querystring, req.querystring, 'query string unchanged');
  assert.deepEqual(d.headers.host, [route.api.port === (route.api.protocol === 'https' ? 443 : 80) ? route.api.domainName : `${route.api.domainName}:${route.api.port}`]);
  for (const [name, values] of Object.entries(d.headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-residency-')) {
      assert.ok(INJECTED.has(name), `client header ${name} survived`);
      for (const v of values) assert.ok(!v.includes(MARK), `client value survived in ${name}`);
    }
    if (lower === 'host') assert.equal(name, 'host', 'one host header only');
  }
  assert.deepEqual(d.headers['x-residency-region'], [d.region]);
  assert.deepEqual(d.headers['x-residency-origin-secret'], [route.originSecret]);
  const session = carriedSession(g);
  const authenticated = kind === 'session' || kind === 'file' || req.uri === '/api/auth/logout';
  if (authenticated) {
    assert.ok(typeof session === 'object', `forwarded ${req.uri} without a valid session (${String(session)})`);
    assert.equal(d.region, session.valid!.rgn, "a session goes only to its token's rgn");
    assert.deepEqual(d.headers['x-residency-subject'], [session.valid!.sub]);
  } else {
    assert.equal(d.headers['x-residency-subject'], undefined, 'no subject on sign-up or sign-in');
  }
}

/** File bytes: only to the bucket of the session's region, only under its subject's prefix, nothing else along. */
function checkBucketForward(g: Generated, d: Extract<Decision, { action: 'forward' }>, route: (typeof routing.regions)[string] | undefined, activeOnly: boolean) {
  const session = carriedSession(g);
  assert.ok(typeof session === 'object', 'file bytes are never reached without a valid session');
  assert.equal(d.region, session.valid!.rgn, "only the bucket of the token's region");
  assert.ok(route && (activeOnly || route.status !== 'offline'), 'never an offline region');
  assert.deepEqual(d.origin, TEST_TARGETS[d.region]!.files);
  const id = /^\/files\/([^/]+)\/content$/.exec(g.req.uri)![1];
  assert.ok([`/files/${session.valid!.sub}/${id}`, `/incoming/${session.valid!.sub}/${id}`].includes(d.uri), `key ${d.uri} is under the subject's prefix`);
  assert.equal(d.querystring, g.req.querystring, 'query string unchanged');
  const passed: readonly string[] = ['content-type', ...READ_ONLY_ORIGIN_REQUEST_HEADERS];
  for (const name of Object.keys(d.headers)) assert.ok(name === 'host' || passed.includes(name), `${name} must not reach the bucket`);
  for (const name of passed) assert.deepEqual(d.headers[name], g.req.headers[name], `${name} passes through unchanged`);
}

/** Liveness: a request that carries exactly one valid session for a session path is served. */
function checkServed(g: Generated, d: Decision, activeOnly: boolean) {
  const kind = classify(g.req.uri).kind;
  if (kind !== 'session' && kind !== 'file') return;
  const session = carriedSession(g);
  if (typeof session !== 'object') {
    assert.equal(d.action, 'respond', 'unauthenticated: answered at the edge');
    if (d.action === 'respond') assert.equal(d.status, 401);
    return;
  }
  const offline = !activeOnly && routing.regions[session.valid!.rgn]!.status === 'offline';
  if (offline) assert.ok(d.action === 'respond' && d.status === 503, 'offline region: 503');
  else assert.ok(d.action === 'forward' && d.region === session.valid!.rgn, `valid ${session.valid!.rgn} session is served`);
}

describe('decide() over random requests', () => {
  it('never throws, never 5xx except 503 for a non-active region, never forwards without a verified session, only to its rgn, strips x-residency-*, passes uri and query unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(build(false), async (g) => {
        const d = await decide(structuredClone(g.req), routing, verifier, NOW);
        checkInvariants(g, d, false);
        checkServed(g, d, false);
        const a = await decide(structuredClone(g.req), allActive, verifier, NOW);
        checkInvariants(g, a, true);
        checkServed(g, a, true);
      }),
      { numRuns: 1000 },
    );
  });

  it('the built bundle decides exactly like the source (CloudFront-shaped requests)', async () => {
    const { handler } = loadBundle(world.configFile);
    await fc.assert(
      fc.asyncProperty(build(true), async (g) => {
        const event = toOriginRequestEvent(g.req);
        const frozen = mock.method(Date, 'now', () => NOW * 1000);
        let result;
        try {
          result = await handler(structuredClone(event));
        } finally {
          frozen.mock.restore();
        }
        const source = fromDecision(await decide(structuredClone(g.req), routing, verifier, NOW));
        const bundle = fromCloudFront(event, result);
        assert.deepEqual(bundle, source);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The verifier on its own: random claims, properly signed, against an independent statement of
// the acceptance rules; random mutations of a valid token; random strings.

const time = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -40_000, max: 40_000 }).map((d) => NOW + d) },
  fc.constantFrom(NOW - CLOCK_TOLERANCE_SECONDS, NOW + CLOCK_TOLERANCE_SECONDS, NOW - 29, NOW + 29, NOW - 31, NOW + 31),
);
const claimValue = fc.oneof(
  fc.integer({ min: -40_000, max: 40_000 }).map((d) => NOW + d),
  fc.constantFrom(NOW - CLOCK_TOLERANCE_SECONDS, NOW + CLOCK_TOLERANCE_SECONDS, NOW - 31, NOW + 31, NOW - SESSION_TTL_SECONDS),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 4 }).filter((s) => !s.startsWith('now')),
  fc.constant(null),
);

/** Mostly plausible sessions near the rules' edges (so both outcomes are common), sometimes anything. */
const plausible = fc
  .record({
    sub: fc.oneof({ weight: 4, arbitrary: fc.constant('u3nW8fK2qLx9TzR0bV5yHg') }, fc.string({ unit: chars('aZ09_-@ .'), minLength: 10, maxLength: 70 })),
    rgn: fc.oneof({ weight: 4, arbitrary: fc.constant('KEY') }, fc.constantFrom('eu-west-1', 'us-east-2', 'ap-southeast-2')),
    iat: time,
    ttl: fc.oneof(fc.integer({ min: -100, max: SESSION_TTL_SECONDS + 100 }), fc.constantFrom(SESSION_TTL_SECONDS, SESSION_TTL_SECONDS + 1)),
    nbf: fc.option(time, { nil: undefined }),
  })
  .map(({ sub, rgn, iat, ttl, nbf }) => ({ sub, rgn, iat, exp: iat + ttl, ...(nbf === undefined ? {} : { nbf }) }) as Record<string, unknown>);
const arbitraryClaims = fc.record(
  {
    sub: fc.oneof(fc.constantFrom('u3nW8fK2qLx9TzR0bV5yHg', 'short', 'a@b.example.com-0000000'), fc.string({ unit: chars('aZ09_-@ .'), minLength: 10, maxLength: 70 }), fc.integer()),
    rgn: fc.oneof(fc.constantFrom('KEY', 'eu-west-1', 'us-east-2', 'ap-southeast-2', 'EU-WEST-1'), fc.string({ maxLength: 10 }).filter((s) => !s.startsWith('now')), fc.integer()),
    iat: claimValue,
    exp: claimValue,
    nbf: claimValue,
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, unknown>>;
const claimsArb = fc.oneof({ weight: 3, arbitrary: plausible }, arbitraryClaims);

function oracleAccepts(c: Record<string, unknown>, keyRegion: string): boolean {
  const num = (v: unknown) => typeof v === 'number';
  if (typeof c.sub !== 'string' || !SUBJECT_PATTERN.test(c.sub)) return false;
  if (c.rgn !== keyRegion) return false;
  if (!num(c.iat) || !num(c.exp)) return false;
  if (c.nbf !== undefined && !num(c.nbf)) return false;
  const iat = c.iat as number;
  const exp = c.exp as number;
  if (exp <= NOW - CLOCK_TOLERANCE_SECONDS) return false;
  if (c.nbf !== undefined && (c.nbf as number) > NOW + CLOCK_TOLERANCE_SECONDS) return false;
  if (iat > NOW + CLOCK_TOLERANCE_SECONDS) return false;
  return exp - iat <= SESSION_TTL_SECONDS;
}

describe('createSessionVerifier over random tokens', () => {
  it('accepts a properly signed token exactly when its claims meet the rules', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, fc.constantFrom<KeyName>('eu-west-1', 'us-east-2', 'ap-southeast-2'), async (raw, signedBy) => {
        const claims: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(raw)) if (v !== null) claims[k] = v === 'KEY' ? signedBy : v;
        const overrides: Record<string, unknown> = { sub: null, rgn: null, iat: null, exp: null, ...claims };
        const { token } = await mintToken(world, { signedBy, claims: overrides }, NOW, same);
        const got = await verifier.verify(token, NOW);
        const want = oracleAccepts(claims, signedBy);
        assert.equal(got !== null, want, `claims ${JSON.stringify(claims)}`);
        if (got) assert.deepEqual(got, { sub: claims.sub, rgn: signedBy, exp: claims.exp });
      }),
      { numRuns: 500 },
    );
  });

  it('a mutated valid token is refused, or (base64url slack bits) is the very same session', async () => {
    const original = tokens[0]!;
    const session = await verifier.verify(original.token, NOW);
    assert.ok(session);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('replace', 'insert', 'delete'), ch: chars(alphabet) }), { minLength: 1, maxLength: 3 }),
        async (edits) => {
          let t = original.token;
          for (const { at, op, ch } of edits) {
            const i = at % (t.length + 1);
            if (op === 'replace') t = t.slice(0, i) + ch + t.slice(i + 1);
            else if (op === 'insert') t = t.slice(0, i) + ch + t.slice(i);
            else t = t.slice(0, i) + t.slice(i + 1);
          }
          const got = await verifier.verify(t, NOW);
          if (got !== null) assert.deepEqual(got, session, `mutated token ${t} verified as another session`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random strings never verify and never throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.')),
          fc.tuple(fc.jsonValue(), fc.jsonValue()).map(([h, p]) => `${Buffer.from(JSON.stringify(h) ?? '').toString('base64url')}.${Buffer.from(JSON.stringify(p) ?? '').toString('base64url')}.c2ln`),
        ),
        async (t) => {
          assert.equal(await verifier.verify(t, NOW), null);
        },
      ),
      { numRuns: 400 },
    );
  });
});
