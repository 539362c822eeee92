// The world the edge vectors run in: a test catalog with one region per status, its origins, and
// session keys generated at run time. No private key is ever written to disk or committed: every
// key pair lives in this process's memory only, so each run mints its own tokens.
import { createHmac, KeyObject, sign as nodeSign, type webcrypto } from 'node:crypto';
import { base64url } from 'jose';
import { parseCatalog, type Catalog } from '../../../catalog/schema.ts';
import { buildEdgeConfig, type RegionTarget } from '../../../edge/build/edge-config.ts';
import type { EdgeConfigFile } from '../../../edge/adapters/lambda-edge.ts';
import { SESSION_TTL_SECONDS, type PublicKeyEntry } from '../../../session/claims.ts';

/** One region per status, plus an origin path/port/protocol that differ, so rewrites are visible. */
export const TEST_CATALOG: Catalog = parseCatalog(
  {
    product: 'HelloHealth',
    defaultRegion: 'eu-west-1',
    retryAfterSeconds: 120,
    regions: [
      { code: 'eu-west-1', label: 'Europe (Ireland)', jurisdiction: 'EU', status: 'active' },
      { code: 'us-east-2', label: 'United States (Ohio)', jurisdiction: 'US', status: 'active' },
      { code: 'ap-southeast-2', label: 'Australia (Sydney)', jurisdiction: 'AU', status: 'draining' },
      { code: 'ca-central-1', label: 'Canada (Central)', jurisdiction: 'CA', status: 'offline' },
    ],
    countries: { IE: 'eu-west-1', DE: 'eu-west-1', FR: 'eu-west-1', US: 'us-east-2', AU: 'ap-southeast-2', NZ: 'ap-southeast-2', CA: 'ca-central-1' },
  },
  'test catalog',
);

export const TEST_TARGETS: Record<string, RegionTarget> = {
  'eu-west-1': {
    api: { protocol: 'https', domainName: 'api.eu-west-1.residency.test', port: 443, path: '', readTimeout: 30, keepaliveTimeout: 5 },
    files: { protocol: 'https', domainName: 'files-eu-west-1.s3.eu-west-1.amazonaws.com', port: 443, path: '', readTimeout: 30, keepaliveTimeout: 5 },
    originSecret: 'test-origin-secret-eu-west-1-0000000000',
  },
  'us-east-2': {
    api: { protocol: 'https', domainName: 'abc123.execute-api.us-east-2.amazonaws.com', port: 8443, path: '/prod', readTimeout: 20, keepaliveTimeout: 10 },
    files: { protocol: 'https', domainName: 'files-us-east-2.s3.us-east-2.amazonaws.com', port: 443, path: '', readTimeout: 30, keepaliveTimeout: 5 },
    originSecret: 'test-origin-secret-us-east-2-1111111111',
  },
  'ap-southeast-2': {
    api: { protocol: 'http', domainName: 'api.ap-southeast-2.residency.test', port: 8080, path: '/v1/api', readTimeout: 60, keepaliveTimeout: 1 },
    // Path-style, as the local stack's s3rver is addressed.
    files: { protocol: 'http', domainName: '127.0.0.1', port: 9000, path: '/files-ap-southeast-2', readTimeout: 30, keepaliveTimeout: 5 },
    originSecret: 'test-origin-secret-ap-southeast-2-22222222',
  },
  'ca-central-1': {
    api: { protocol: 'https', domainName: 'api.ca-central-1.residency.test', port: 443, path: '', readTimeout: 30, keepaliveTimeout: 5 },
    files: { protocol: 'https', domainName: 'files-ca-central-1.s3.ca-central-1.amazonaws.com', port: 443, path: '', readTimeout: 30, keepaliveTimeout: 5 },
    originSecret: 'test-origin-secret-ca-central-1-333333333',
  },
};

/**
 * Named signing keys. Region keys are in the key set under `sess-<region>`. `unlisted` is a valid
 * P-256 key the edge has never heard of. `twice-eu`/`twice-us` share the kid `sess-twice` (an
 * ambiguous key set: buildEdgeConfig refuses it, so the runner appends them afterwards to prove the
 * verifier refuses it too).
 */
export const KEY_NAMES = ['eu-west-1', 'us-east-2', 'ap-southeast-2', 'ca-central-1', 'unlisted', 'twice-eu', 'twice-us'] as const;
export type KeyName = (typeof KEY_NAMES)[number];

interface TestKey {
  name: KeyName;
  kid: string;
  region: string;
  privateKey: webcrypto.CryptoKey;
  publicJwk: PublicKeyEntry['jwk'];
  publicPem: string;
}

export interface World {
  keys: Record<KeyName, TestKey>;
  /** What `edge-config.json` holds: buildEdgeConfig's output plus the ambiguous kid pair. */
  configFile: EdgeConfigFile;
}

function keyMeta(name: KeyName): { kid: string; region: string } {
  if (name === 'unlisted') return { kid: 'sess-unlisted', region: 'eu-west-1' };
  if (name === 'twice-eu') return { kid: 'sess-twice', region: 'eu-west-1' };
  if (name === 'twice-us') return { kid: 'sess-twice', region: 'us-east-2' };
  return { kid: `sess-${name}`, region: name };
}

export async function createWorld(): Promise<World> {
  const keys = {} as Record<KeyName, TestKey>;
  for (const name of KEY_NAMES) {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const publicPem = KeyObject.from(pair.publicKey).export({ type: 'spki', format: 'pem' }).toString();
    keys[name] = { name, ...keyMeta(name), privateKey: pair.privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! }, publicPem };
  }
  const entry = (k: TestKey): PublicKeyEntry => ({ kid: k.kid, region: k.region, jwk: k.publicJwk });
  const regional = (['eu-west-1', 'us-east-2', 'ap-southeast-2', 'ca-central-1'] as const).map((n) => entry(keys[n]));
  const configFile = buildEdgeConfig(TEST_CATALOG, TEST_TARGETS, regional);
  configFile.keys.push(entry(keys['twice-eu']), entry(keys['twice-us']));
  return { keys, configFile };
}

// ---------------------------------------------------------------------------------------------
// Tokens described symbolically in the vectors and minted here.

export interface TokenSpec {
  /** A literal token; nothing else in the spec applies. */
  raw?: string;
  /** Which key signs; also the default `kid` header and `rgn` claim. Default `eu-west-1`. */
  signedBy?: KeyName;
  /** Merged over `{alg: 'ES256', kid, typ: 'JWT'}`; a `null` value removes the field. */
  header?: Record<string, unknown>;
  /** Merged over `{sub, rgn, iat: now-60, exp: iat+8h}`; `null` removes; "now", "now+N", "now-N" are times. */
  claims?: Record<string, unknown>;
  /** The exact payload JSON text (for duplicate keys and other things JSON.stringify cannot write). */
  payloadJson?: string;
  /**
   * How the token is broken after signing:
   * - `payload`: one character of the payload changed (signature kept);
   * - `signature`: one byte of the signature flipped;
   * - `{claims}`: the payload re-encoded with these claims, original signature kept.
   */
  tamper?: 'payload' | 'signature' | { claims: Record<string, unknown> };
  /**
   * Special shapes: `padded` (base64 '=' padding on the signature), `jwe` (five segments),
   * `alg-none` (no signature), `hs256-public-key` (HMAC keyed with the region's public key PEM),
   * `der-signature` (the DER ECDSA encoding instead of raw r||s), `embedded-jwk` (the signer's
   * public key carried in the header, as in CVE-2018-0114).
   */
  form?: 'padded' | 'jwe' | 'alg-none' | 'hs256-public-key' | 'der-signature' | 'embedded-jwk';
}

export const DEFAULT_SUBJECT = 'u3nW8fK2qLx9TzR0bV5yHg';
const encoder = new TextEncoder();

function timeValue(v: unknown, now: number): unknown {
  if (typeof v !== 'string') return v;
  const m = /^now(?:([+-])(\d+))?$/.exec(v);
  if (!m) return v;
  const delta = m[2] ? Number(m[2]) : 0;
  return m[1] === '-' ? now - delta : now + delta;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown> | undefined, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === null) delete out[k];
    else out[k] = timeValue(v, now);
  }
  return out;
}

const b64 = (s: string) => base64url.encode(s);

export interface MintedToken {
  token: string;
  /** The `sub` the token carries when it is a JSON string, for checks that it is never echoed. */
  sub: string | undefined;
}

export async function mintToken(world: World, spec: TokenSpec, now: number, expand: (s: string) => string): Promise<MintedToken> {
  if (spec.raw !== undefined) return { token: expand(spec.raw), sub: undefined };
  const key = world.keys[spec.signedBy ?? 'eu-west-1'];
  let header = merge({ alg: 'ES256', kid: key.kid, typ: 'JWT' }, spec.header, now);
  if (spec.form === 'alg-none') header = { ...header, alg: 'none' };
  if (spec.form === 'hs256-public-key') header = { ...header, alg: 'HS256' };
  if (spec.form === 'embedded-jwk') header = { ...header, jwk: key.publicJwk };
  const iat = now - 60;
  const claims = merge({ sub: DEFAULT_SUBJECT, rgn: key.region, iat, exp: iat + SESSION_TTL_SECONDS }, spec.claims, now);
  for (const [k, v] of Object.entries(claims)) if (typeof v === 'string') claims[k] = expand(v);
  const payloadText = spec.payloadJson !== undefined ? expand(spec.payloadJson) : JSON.stringify(claims);
  const sub = spec.payloadJson !== undefined ? undefined : typeof claims.sub === 'string' ? claims.sub : undefined;

  if (spec.form === 'jwe') {
    const h = b64(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: key.kid }));
    return { token: `${h}.${b64('k'.repeat(32))}.${b64('iv-iv-iv-iv')}.${b64(payloadText)}.${b64('t'.repeat(16))}`, sub };
  }
  const signingInput = `${b64(JSON.stringify(header))}.${b64(payloadText)}`;
  let signature: string;
  if (spec.form === 'alg-none') signature = '';
  else if (spec.form === 'hs256-public-key') signature = createHmac('sha256', key.publicPem).update(signingInput).digest('base64url');
  else if (spec.form === 'der-signature') {
    signature = nodeSign('sha256', encoder.encode(signingInput), { key: KeyObject.from(key.privateKey), dsaEncoding: 'der' }).toString('base64url');
  } else {
    const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, encoder.encode(signingInput)));
    if (spec.tamper === 'signature') raw[10]! ^= 0x01;
    signature = base64url.encode(raw);
  }
  if (spec.form === 'padded') signature += '='.repeat((4 - (signature.length % 4)) % 4) || '==';
  let [h, p] = signingInput.split('.') as [string, string];
  if (spec.tamper === 'payload') {
    // Change one character in the middle of the payload segment to another base64url character.
    const i = Math.floor(p.length / 2);
    p = p.slice(0, i) + (p[i] === 'A' ? 'B' : 'A') + p.slice(i + 1);
  } else if (spec.tamper && typeof spec.tamper === 'object') {
    p = b64(JSON.stringify(merge(claims, spec.tamper.claims, now)));
  }
  return { token: `${h}.${p}.${signature}`, sub };
}
