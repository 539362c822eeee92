// ES256 session verification, shared by the edge and the regions. Pure: the ECDSA check itself
// is behind `Es256KeyImporter`, so each runtime brings its fastest primitive (WebCrypto here;
// Node's synchronous crypto in session/node-key.ts, which the Lambda@Edge bundle uses).
//
// Hand-written rather than jose's jwtVerify because jose verifies through WebCrypto only, whose
// thread-pool round trip doubles the cost of every edge decision (see README, benchmark). The
// rules are few and fixed — one algorithm, one key per kid — and every one is a test vector.
import {
  CLOCK_TOLERANCE_SECONDS,
  MAX_TOKEN_LENGTH,
  SESSION_ALG,
  SESSION_TTL_SECONDS,
  SUBJECT_PATTERN,
  type PublicKeyEntry,
  type VerifiedSession,
} from './claims.ts';

/**
 * Checks a session token. Never throws: anything that is not a valid session of a known region is
 * `null`, so callers cannot mistake an odd token for a crash (or a crash for a session).
 */
export interface SessionVerifier {
  verify(token: string, nowSeconds: number): Promise<VerifiedSession | null>;
}

/** A P-256 public key that checks raw 64-byte r||s signatures over SHA-256. */
export interface Es256Key {
  verify(signingInput: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): boolean | Promise<boolean>;
}
export type Es256KeyImporter = (jwk: PublicKeyEntry['jwk']) => Promise<Es256Key>;

export const webCryptoEs256: Es256KeyImporter = async (jwk) => {
  const key = await crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return { verify: (input, sig) => crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, input) };
};

// Three base64url segments without padding. Rejects JWE (five segments), padded and odd encodings
// before any decoding work, which keeps the malformed-token path cheap.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

interface BoundKey {
  region: string;
  key: Es256Key;
}

/**
 * Builds a verifier over a key set. A `kid` listed more than once is ambiguous and verifies
 * nothing, rather than letting list order decide which region a token belongs to.
 */
export async function createSessionVerifier(
  keys: readonly PublicKeyEntry[],
  importKey: Es256KeyImporter = webCryptoEs256,
): Promise<SessionVerifier> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k.kid, (counts.get(k.kid) ?? 0) + 1);
  const byKid = new Map<string, BoundKey>();
  for (const k of keys) {
    if (counts.get(k.kid) === 1) byKid.set(k.kid, { region: k.region, key: await importKey(k.jwk) });
  }
  return {
    async verify(token, nowSeconds) {
      try {
        return await verifyWith(byKid, token, nowSeconds);
      } catch {
        // Whatever a primitive throws on an odd input is a deny, never a crash.
        return null;
      }
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

// base64url without padding, decoded by table: Node's atob is slow enough to show in every edge
// decision, and the core may not use Buffer. Input is pre-checked by COMPACT_JWS.
const B64URL = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64URL['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i)] = i;

function base64urlBytes(segment: string): Uint8Array<ArrayBuffer> {
  const n = segment.length;
  if (n % 4 === 1) throw new Error('impossible base64url length');
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const v = B64URL[segment.charCodeAt(i)] ?? -1;
    if (v < 0) throw new Error('not base64url');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function jsonObject(segment: string): Record<string, unknown> | null {
  const value: unknown = JSON.parse(decoder.decode(base64urlBytes(segment)));
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

async function verifyWith(byKid: Map<string, BoundKey>, token: string, now: number): Promise<VerifiedSession | null> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) return null;
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = jsonObject(h);
  // Pinned algorithm; a kid is required (several keys are always active); `crit` names
  // extensions we do not implement, so a token that needs one is not ours.
  if (!header || header.alg !== SESSION_ALG || typeof header.kid !== 'string' || 'crit' in header) return null;
  const bound = byKid.get(header.kid);
  if (!bound) return null;
  const signature = base64urlBytes(s);
  if (signature.length !== 64) return null;
  const checked = bound.key.verify(encoder.encode(`${h}.${p}`), signature);
  // Node's check is synchronous: do not pay a microtask for it.
  if (!(typeof checked === 'boolean' ? checked : await checked)) return null;

  const claims = jsonObject(p);
  if (!claims) return null;
  const { sub, sid, rgn, iat, exp, nbf } = claims;
  if (typeof sub !== 'string' || !SUBJECT_PATTERN.test(sub)) return null;
  if (sid !== undefined && (typeof sid !== 'string' || !SUBJECT_PATTERN.test(sid))) return null;
  // The claim decides only when the key that signed it belongs to the region it names.
  if (rgn !== bound.region) return null;
  if (!isTime(iat) || !isTime(exp) || (nbf !== undefined && !isTime(nbf))) return null;
  if (exp <= now - CLOCK_TOLERANCE_SECONDS) return null;
  if (nbf !== undefined && nbf > now + CLOCK_TOLERANCE_SECONDS) return null;
  if (iat > now + CLOCK_TOLERANCE_SECONDS) return null;
  // Both times come from the minting region's one clock, so skew tolerance does not apply here.
  if (exp - iat > SESSION_TTL_SECONDS) return null;
  return sid === undefined ? { sub, rgn, exp } : { sub, sid, rgn, exp };
}
