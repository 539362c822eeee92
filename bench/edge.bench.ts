// Edge router benchmark (`npm run bench`; builds the edge bundle first). Not a test: it measures
// and prints, and never fails on timing.
//
// Every case runs in this one process, side by side, in interleaved rounds after a warm-up, so
// that CPU frequency, GC and JIT state are shared fairly. Each round runs every case twice: an
// untimed batch (throughput: decisions per second, mean µs) and a batch timed op by op (p50/p99;
// those include the ~0.05 µs cost of reading the clock, which matters only for the fast paths).
//
// The same token (a valid eu-west-1 session) and the same public key are used by every row. The
// token carries an `iss` claim, which our verifier ignores, only so that aws-jwt-verify can run
// in its best configuration (issuer configured -> its public-key cache is used).
import { JwtVerifier } from 'aws-jwt-verify';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { decide } from '../edge/core/router.ts';
import type { EdgeRequest } from '../edge/core/types.ts';
import { SESSION_COOKIE } from '../session/claims.ts';
import { nodeCryptoEs256 } from '../session/node-key.ts';
import { createSessionVerifier } from '../session/verify.ts';
import { loadBundle, toOriginRequestEvent } from '../test/edge/support/bundle.ts';
import { createWorld, mintToken } from '../test/edge/support/fixture.ts';

const ISSUER = 'https://sessions.residency.test';
const ROUNDS = 15;

const world = await createWorld();
const routing = world.configFile.routing;
// What ships: the Lambda@Edge adapter verifies with Node's synchronous ECDSA.
const verifier = await createSessionVerifier(world.configFile.keys, nodeCryptoEs256);
// The same rules on WebCrypto (the pure default), for comparison.
const webVerifier = await createSessionVerifier(world.configFile.keys);
const { handler } = loadBundle(world.configFile);
// Real clock: the bundle reads Date.now(), so every token is minted relative to it.
const now = () => Math.floor(Date.now() / 1000);
const t0 = now();
const same = (s: string) => s;
const token = (await mintToken(world, { signedBy: 'eu-west-1', claims: { iss: ISSUER, iat: t0, exp: t0 + 8 * 3600 } }, t0, same)).token;
const tampered = (await mintToken(world, { signedBy: 'eu-west-1', claims: { iss: ISSUER, iat: t0, exp: t0 + 8 * 3600 }, tamper: 'signature' }, t0, same)).token;
const eu = world.keys['eu-west-1'];
const joseKey = await importJWK({ ...eu.publicJwk, alg: 'ES256' }, 'ES256');

// Reference only: what the signature check alone costs with Node's synchronous crypto (the peer's
// route) instead of WebCrypto (jose's route, which runs on libuv's thread pool and resolves a promise).
const nodeKey = createPublicKey({ key: { ...eu.publicJwk }, format: 'jwk' });
const [h64, p64, s64] = token.split('.') as [string, string, string];
const nodeSignatureOnly = () => {
  const ok = nodeVerify('sha256', Buffer.from(`${h64}.${p64}`), { key: nodeKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s64, 'base64url'));
  return ok ? (JSON.parse(Buffer.from(p64, 'base64url').toString('utf8')) as unknown) : null;
};

const peer = JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri: `${ISSUER}/.well-known/jwks.json` });
peer.cacheJwks({ keys: [{ ...eu.publicJwk, kid: eu.kid, alg: 'ES256', use: 'sig' }] });

const request = (uri: string, cookie: string | undefined, method = 'GET'): EdgeRequest => ({
  method,
  uri,
  querystring: 'a=1&b=%2F',
  headers: {
    host: ['residency.example'],
    accept: ['application/json'],
    'cloudfront-viewer-country': ['IE'],
    ...(cookie ? { cookie: [cookie] } : {}),
  },
});
const validReq = request('/api/me', `${SESSION_COOKIE}=${token}`);
const tamperedReq = request('/api/me', `${SESSION_COOKIE}=${tampered}`);
const malformedReq = request('/api/me', `${SESSION_COOKIE}=not.a-token`);
const signInReq = request('/api/auth/login', '__Host-region-hint=us-east-2', 'POST');
const validEvent = toOriginRequestEvent(validReq);

// Each case checks its own outcome once before timing, so a broken setup cannot bench a no-op.
interface Case {
  name: string;
  run: () => Promise<unknown>;
  check: (result: unknown) => boolean;
  opsPerBatch: number;
}
const forwarded = (r: unknown) => (r as { action?: string }).action === 'forward';
const denied = (r: unknown) => (r as { status?: number }).status === 401;
const cases: Case[] = [
  { name: '1 valid session, core decide()', run: () => decide(validReq, routing, verifier, now()), check: forwarded, opsPerBatch: 400 },
  { name: '1b valid session, core decide(), WebCrypto keys', run: () => decide(validReq, routing, webVerifier, now()), check: forwarded, opsPerBatch: 400 },
  { name: '2 valid session, built bundle handler', run: () => handler(validEvent), check: (r) => (r as { origin?: { custom?: unknown } }).origin?.custom !== undefined && !('status' in (r as object)), opsPerBatch: 400 },
  { name: '3 bare jose.jwtVerify (floor)', run: () => jwtVerify(token, joseKey, { algorithms: ['ES256'] }), check: (r) => typeof (r as { payload?: unknown }).payload === 'object', opsPerBatch: 400 },
  { name: '4a aws-jwt-verify verify()', run: () => peer.verify(token), check: (r) => (r as { sub?: unknown }).sub !== undefined, opsPerBatch: 400 },
  { name: '4b aws-jwt-verify verifySync()', run: async () => peer.verifySync(token), check: (r) => (r as { sub?: unknown }).sub !== undefined, opsPerBatch: 400 },
  { name: '4c node:crypto ES256 signature only (ref.)', run: async () => nodeSignatureOnly(), check: (r) => r !== null, opsPerBatch: 400 },
  { name: '5 tampered token, core decide()', run: () => decide(tamperedReq, routing, verifier, now()), check: denied, opsPerBatch: 400 },
  { name: '6 malformed token, core decide()', run: () => decide(malformedReq, routing, verifier, now()), check: denied, opsPerBatch: 20_000 },
  { name: '7 unauthenticated sign-in, core decide()', run: () => decide(signInReq, routing, verifier, now()), check: forwarded, opsPerBatch: 20_000 },
];

for (const c of cases) {
  const r = await c.run();
  if (!c.check(r)) throw new Error(`bench setup is wrong: ${c.name} gave ${JSON.stringify(r).slice(0, 200)}`);
}

interface Stats {
  untimedNs: number;
  untimedOps: number;
  samples: number[];
}
const stats = new Map<string, Stats>(cases.map((c) => [c.name, { untimedNs: 0, untimedOps: 0, samples: [] }]));

async function untimed(c: Case, n: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await c.run();
  return Number(process.hrtime.bigint() - start);
}

async function timed(c: Case, n: number, into: number[] | undefined) {
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await c.run();
    const ns = Number(process.hrtime.bigint() - start);
    into?.push(ns);
  }
}

const began = Date.now();
// Warm-up: enough calls for the JIT to settle on every path; results discarded.
for (let w = 0; w < 2; w++) {
  for (const c of cases) {
    await untimed(c, c.opsPerBatch);
    await timed(c, c.opsPerBatch, undefined);
  }
}
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order each round so that no case always runs right after the same neighbour.
  const order = cases.map((_, i) => cases[(i + round) % cases.length]!);
  for (const c of order) {
    const s = stats.get(c.name)!;
    s.untimedNs += await untimed(c, c.opsPerBatch);
    s.untimedOps += c.opsPerBatch;
    await timed(c, c.opsPerBatch, s.samples);
  }
}
const elapsed = (Date.now() - began) / 1000;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
interface Row {
  name: string;
  opsPerSec: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  samples: number;
}
const rows: Row[] = cases.map((c) => {
  const s = stats.get(c.name)!;
  const sorted = [...s.samples].sort((a, b) => a - b);
  const meanNs = s.untimedNs / s.untimedOps;
  return { name: c.name, opsPerSec: 1e9 / meanNs, meanUs: meanNs / 1000, p50Us: pct(sorted, 50) / 1000, p99Us: pct(sorted, 99) / 1000, samples: sorted.length };
});
const row = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;

const fmt = (n: number, d = 2) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const header = ['case', 'decisions/s', 'mean µs', 'p50 µs', 'p99 µs', 'samples'];
const table = rows.map((r) => [r.name, fmt(r.opsPerSec, 0), fmt(r.meanUs), fmt(r.p50Us), fmt(r.p99Us), String(r.samples)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;

console.log(`\nedge router benchmark — Node ${process.version}, ${ROUNDS} interleaved rounds after warm-up, ${fmt(elapsed, 1)} s\n`);
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`);
for (const t of table) console.log(line(t));

const valid = row('1 ');
const floor = row('3 ');
const peerAsync = row('4a');
const peerSync = row('4b');
const bestPeer = peerSync.meanUs < peerAsync.meanUs ? peerSync : peerAsync;
const ratio = (a: number, b: number) => fmt(a / b, 3);
console.log(`
ratios (mean time; p50 in brackets)
  valid-session routing / bare jwtVerify     ${ratio(valid.meanUs, floor.meanUs)}  [${ratio(valid.p50Us, floor.p50Us)}]   goal ≤ 1.15
  bundle handler / bare jwtVerify            ${ratio(row('2 ').meanUs, floor.meanUs)}  [${ratio(row('2 ').p50Us, floor.p50Us)}]
  peer / ours (peer's faster API)            ${ratio(bestPeer.meanUs, valid.meanUs)}  [${ratio(bestPeer.p50Us, valid.p50Us)}]   goal > 1  (${bestPeer === peerSync ? 'verifySync' : 'verify'})
  peer verify() / ours                       ${ratio(peerAsync.meanUs, valid.meanUs)}  [${ratio(peerAsync.p50Us, valid.p50Us)}]
  unauthenticated sign-in, µs per decision   ${fmt(row('7 ').meanUs, 3)}  [p50 ${fmt(row('7 ').p50Us, 3)}]   goal < 10
  malformed token, µs per decision           ${fmt(row('6 ').meanUs, 3)}  [p50 ${fmt(row('6 ').p50Us, 3)}]   goal < 10
  tampered token / valid session             ${ratio(row('5 ').meanUs, valid.meanUs)}
  node:crypto signature only / jwtVerify     ${ratio(row('4c').meanUs, floor.meanUs)}   (reference: the cost of WebCrypto's async path)
  routing on WebCrypto keys / bare jwtVerify ${ratio(row('1b').meanUs, floor.meanUs)}
`);
