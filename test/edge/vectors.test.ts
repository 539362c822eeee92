// Runs every case in test/edge/vectors/*.json twice: against the source `decide()` and against
// the built Lambda@Edge bundle (dist/edge/index.js) through its `handler`, with a CloudFront
// origin-request event. Both must meet the case's expectations and agree with each other.
//
// Clock: each vector file names a frozen `now`. The source run passes it to decide(). The bundle
// takes its clock from `Date.now()` (read once per call, then passed explicitly down to jose as
// `currentDate`), so the bundle run replaces `Date.now` with node:test's `mock.method` for the
// duration of each call. Minting relative to the real clock instead would make the tolerance
// boundary cases (29 s vs 31 s past `exp`) depend on how long the run takes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
import { buildEdgeConfig } from '../../edge/build/edge-config.ts';
import { READ_ONLY_ORIGIN_REQUEST_HEADERS } from '../../edge/policies.ts';
import { classify } from '../../edge/core/routes.ts';
import { decide } from '../../edge/core/router.ts';
import type { EdgeRequest, OriginSpec } from '../../edge/core/types.ts';
import { SESSION_COOKIE } from '../../session/claims.ts';
import { createSessionVerifier } from '../../session/verify.ts';
import { BUNDLE_FILE, bundleIsStale, fromCloudFront, fromDecision, loadBundle, toOriginRequestEvent, type EdgeHandler, type Outcome } from './support/bundle.ts';
import { createWorld, mintToken, TEST_CATALOG, TEST_TARGETS, type TokenSpec } from './support/fixture.ts';

interface VectorRequest {
  method?: string;
  uri: string;
  querystring?: string;
  headers?: Record<string, string[]>;
  body?: { json: unknown } | { text: string; truncated?: boolean };
}

interface Expect {
  action: 'forward' | 'respond' | 'static';
  status?: number;
  /** `error` of the JSON body; when absent a response body must be empty or `publicConfig`. */
  error?: string;
  body?: 'publicConfig' | '';
  /** `cleared`: the session cookie is cleared; otherwise no set-cookie at all. */
  setCookie?: 'cleared';
  /** Exact Retry-After; when absent the header must be absent. */
  retryAfter?: string;
  /** Further response headers that must have exactly these values. */
  headers?: Record<string, string>;
  region?: string;
  /** The x-residency-subject injected: `session` = the `sub` of the case's session token. Absent = none. */
  subject?: string;
  /** Forwarded headers that must have exactly these values. */
  forwardHeaders?: Record<string, string[]>;
  /** Headers that must not reach the origin. */
  absentHeaders?: string[];
  /**
   * File bytes: the forward goes to the region's bucket (not its API) at this URI, where
   * `{{sub}}` is the session's subject; only `host` and these viewer headers may reach it.
   */
  bucket?: { uri: string; headers?: string[] };
}

interface VectorCase {
  name: string;
  request: VectorRequest;
  session?: TokenSpec;
  tokens?: Record<string, TokenSpec>;
  expect: Expect;
}

interface VectorFile {
  $comment?: string;
  now: number;
  cases: VectorCase[];
}

interface Prepared {
  id: string;
  now: number;
  request: EdgeRequest;
  expect: Expect;
  /** Every token string and subject in the case: none may appear in an edge-generated body. */
  secrets: string[];
  sessionSub: string | undefined;
}

const VECTOR_DIR = 'test/edge/vectors';
const RESIDENCY_PREFIX = 'x-residency-';
const CLEARED_COOKIE = /^__Host-session=; Max-Age=0; Path=\/; Secure; HttpOnly; SameSite=Lax$/;
/** Headers CloudFront puts on every origin request; vectors may override them. */
const CLOUDFRONT_HEADERS: Record<string, string[]> = {
  host: ['residency.example'],
  via: ['2.0 3b0b8a0ef4ef1b84b2e3d7c1f0a6e2b1.cloudfront.net (CloudFront)'],
};

const world = await createWorld();
const verifier = await createSessionVerifier(world.configFile.keys);
const routing = world.configFile.routing;

function expandRepeats(s: string): string {
  return s.replace(/\{\{repeat:(\d+):([^}]*)\}\}/g, (_m, n: string, str: string) => str.repeat(Number(n)));
}

async function prepare(file: string, v: VectorFile, c: VectorCase): Promise<Prepared> {
  const specs: Record<string, TokenSpec> = { ...c.tokens };
  if (c.session) specs.session = c.session;
  const tokens: Record<string, string> = {};
  const secrets: string[] = [];
  let sessionSub: string | undefined;
  for (const [name, spec] of Object.entries(specs)) {
    const minted = await mintToken(world, spec, v.now, expandRepeats);
    tokens[name] = minted.token;
    secrets.push(minted.token);
    if (minted.sub && minted.sub.length >= 8) secrets.push(minted.sub);
    if (name === 'session') sessionSub = minted.sub;
  }
  const expand = (s: string): string =>
    expandRepeats(s).replace(/\{\{(session|token:([A-Za-z0-9_-]+))\}\}/g, (_m, whole: string, named?: string) => {
      const t = tokens[named ?? whole];
      if (t === undefined) throw new Error(`${file} › ${c.name}: no token named ${named ?? whole}`);
      return t;
    });
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(c.request.headers ?? {})) {
    if (name !== name.toLowerCase()) throw new Error(`${file} › ${c.name}: header names are lower-case, as CloudFront gives them`);
    headers[name] = values.map(expand);
  }
  const mentionsSession = Object.values(c.request.headers ?? {}).some((vs) => vs.some((x) => x.includes('{{session}}')));
  if (c.session && !mentionsSession) (headers.cookie ??= []).push(`${SESSION_COOKIE}=${tokens.session}`);
  for (const [name, values] of Object.entries(CLOUDFRONT_HEADERS)) if (!headers[name]) headers[name] = values;
  const request: EdgeRequest = {
    method: c.request.method ?? 'GET',
    uri: expand(c.request.uri),
    querystring: expand(c.request.querystring ?? ''),
    headers,
  };
  const body = c.request.body;
  if (body) {
    request.body = 'json' in body ? { text: JSON.stringify(body.json), truncated: false } : { text: expand(body.text), truncated: body.truncated ?? false };
  }
  return { id: `${file} › ${c.name}`, now: v.now, request, expect: c.expect, secrets, sessionSub };
}

const files = readdirSync(VECTOR_DIR).filter((f) => f.endsWith('.json')).sort();
const prepared: Prepared[] = [];
for (const file of files) {
  const v = JSON.parse(readFileSync(join(VECTOR_DIR, file), 'utf8')) as VectorFile;
  assert.ok(Number.isInteger(v.now) && Array.isArray(v.cases), `${file}: needs an integer "now" and a "cases" array`);
  for (const c of v.cases) prepared.push(await prepare(file, v, c));
}

/** Host as an origin expects it: with the port only when it is not the protocol's default. */
const authority = (o: OriginSpec) => (o.port === (o.protocol === 'https' ? 443 : 80) ? o.domainName : `${o.domainName}:${o.port}`);

function checkBucketForward(p: Prepared, out: Extract<Outcome, { action: 'forward' }>, files: OriginSpec) {
  const { bucket } = p.expect;
  assert.deepEqual(out.origin, files, 'origin: the home region\'s files bucket');
  assert.equal(out.uri, bucket!.uri.replace('{{sub}}', p.sessionSub ?? '(no session)'), 'object key built from the verified subject');
  assert.equal(out.querystring, p.request.querystring, 'the presigned query string is passed on byte for byte');
  assert.deepEqual(out.headers.host, [authority(files)], 'host is the bucket authority');
  const passed = [...(bucket!.headers ?? []), ...READ_ONLY_ORIGIN_REQUEST_HEADERS];
  for (const name of Object.keys(out.headers)) assert.ok(name === 'host' || passed.includes(name), `${name} must not reach the bucket`);
  for (const name of passed) assert.deepEqual(out.headers[name], p.request.headers[name], `${name} passes through unchanged`);
}

/** Every expectation of a case, plus the rules every edge outcome obeys whatever the case. */
function check(p: Prepared, out: Outcome) {
  const { expect: e, request: req } = p;
  assert.equal(out.action, e.action, `action (${JSON.stringify(out).slice(0, 300)})`);
  const pathClass = classify(req.uri).kind;
  if (out.action === 'forward') {
    assert.ok(e.region, 'a forward case names its region');
    assert.equal(out.region, e.region, 'region');
    const target = TEST_TARGETS[e.region]!;
    if (e.bucket) return checkBucketForward(p, out, target.files);
    assert.ok(pathClass !== 'file-content', 'file bytes are never forwarded to an API');
    assert.deepEqual(out.origin, target.api, 'origin: protocol, domain, port, path and timeouts of that region');
    assert.equal(out.uri, req.uri, 'uri is passed on exactly (never decoded or re-encoded)');
    assert.equal(out.querystring, req.querystring, 'query string is passed on byte for byte');
    assert.deepEqual(out.headers.host, [authority(target.api)], 'host is the origin authority');
    assert.deepEqual(out.headers['x-residency-region'], [e.region], 'verified region injected');
    assert.deepEqual(out.headers['x-residency-origin-secret'], [target.originSecret], 'origin secret of that region injected');
    const subject = e.subject === 'session' ? p.sessionSub : e.subject;
    assert.deepEqual(out.headers['x-residency-subject'], subject === undefined ? undefined : [subject], 'subject');
    if (pathClass === 'session' || pathClass === 'file') assert.ok(subject, 'a session path is only ever forwarded with a verified subject');
    const injected = new Set(['x-residency-region', 'x-residency-origin-secret', 'x-residency-subject']);
    for (const name of Object.keys(out.headers)) {
      if (name.toLowerCase().startsWith(RESIDENCY_PREFIX)) assert.ok(injected.has(name), `client header ${name} must be stripped`);
    }
    for (const [name, values] of Object.entries(req.headers)) {
      if (name === 'host' || name.startsWith(RESIDENCY_PREFIX)) continue;
      assert.deepEqual(out.headers[name], values, `header ${name} passes through unchanged`);
    }
    for (const [name, values] of Object.entries(e.forwardHeaders ?? {})) assert.deepEqual(out.headers[name], values, `forwarded ${name}`);
    for (const name of e.absentHeaders ?? []) assert.equal(out.headers[name], undefined, `${name} must not reach the origin`);
  } else if (out.action === 'respond') {
    assert.equal(out.status, e.status, 'status');
    assert.equal(out.headers['cache-control'], 'no-store', 'edge responses are never cached');
    if (out.status >= 500) {
      assert.equal(out.status, 503, 'the only 5xx the edge gives is 503');
      assert.ok(e.error === 'region_unavailable' || e.error === 'signup_unavailable', 'a 503 is for a non-active region only');
      assert.ok(out.headers['retry-after'], 'a 503 carries Retry-After');
    }
    assert.equal(out.headers['retry-after'], e.retryAfter, 'retry-after');
    if (e.setCookie === 'cleared') assert.match(out.headers['set-cookie'] ?? '', CLEARED_COOKIE, 'session cookie cleared');
    else assert.equal(out.headers['set-cookie'], undefined, 'no set-cookie');
    for (const [name, value] of Object.entries(e.headers ?? {})) assert.equal(out.headers[name], value, `response header ${name}`);
    if (e.error) {
      assert.equal(out.headers['content-type'], 'application/json; charset=utf-8', 'JSON for /api/*');
      const body = JSON.parse(out.body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message'], 'error body shape');
      assert.equal(body.error, e.error, 'error code');
      assert.equal(typeof body.message, 'string');
      assert.ok(out.body.length <= 256, `edge error bodies stay small (${out.body.length} bytes)`);
    } else if (e.body === 'publicConfig') {
      assert.equal(out.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(out.body, routing.publicConfig);
    } else {
      assert.equal(out.body, '', 'no body');
    }
    for (const secret of p.secrets) assert.ok(!out.body.includes(secret), 'no token or subject in an edge response body');
    for (const value of [...(req.headers.cookie ?? [])]) {
      for (const seg of value.split(';')) {
        const v = seg.slice(seg.indexOf('=') + 1).trim();
        if (v.length >= 8) assert.ok(!out.body.includes(v), 'no cookie value echoed');
      }
    }
  } else {
    assert.equal(pathClass, 'static', 'only non-API paths are left to the static origin');
  }
}

it('has at least 90 vectors, all with unique names', () => {
  assert.ok(prepared.length >= 90, `${prepared.length} vectors`);
  assert.equal(new Set(prepared.map((p) => p.id)).size, prepared.length);
});

it('the ambiguous key set of the vectors is one buildEdgeConfig itself refuses', () => {
  const keys = world.configFile.keys.filter((k) => k.kid === 'sess-twice');
  assert.throws(() => buildEdgeConfig(TEST_CATALOG, TEST_TARGETS, keys), /listed twice/);
});

describe('vectors against the source decide()', () => {
  for (const p of prepared) {
    it(p.id, async () => {
      const decision = await decide(structuredClone(p.request), routing, verifier, p.now);
      check(p, fromDecision(decision));
    });
  }
});

describe('vectors against the built bundle dist/edge/index.js', () => {
  let handler: EdgeHandler | undefined;
  let loadError: Error | undefined;
  try {
    handler = loadBundle(world.configFile).handler;
  } catch (err) {
    loadError = err as Error;
  }

  it('the bundle is present and loads', (t) => {
    if (loadError) throw loadError;
    if (bundleIsStale(['edge/core/router.ts', 'edge/core/routes.ts', 'session/cookies.ts', 'edge/core/responses.ts', 'edge/adapters/lambda-edge.ts', 'session/verify.ts', 'session/claims.ts'])) {
      t.diagnostic(`${BUNDLE_FILE} is older than its sources: rebuild with \`npx tsx scripts/build.ts edge\``);
    }
  });

  for (const p of prepared) {
    it(p.id, async () => {
      if (!handler) throw new Error(`cannot run against the bundle: ${loadError?.message}`);
      const event = toOriginRequestEvent(p.request);
      const frozen = mock.method(Date, 'now', () => p.now * 1000);
      let result;
      try {
        result = await handler(structuredClone(event));
      } finally {
        frozen.mock.restore();
      }
      const out = fromCloudFront(event, result);
      check(p, out);
      // And the bundle agrees with the source on everything, not just on what the case names.
      const source = fromDecision(await decide(structuredClone(p.request), routing, verifier, p.now));
      assert.deepEqual(out, source, 'bundle and source decide the same');
    });
  }
});
