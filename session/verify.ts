// ES256 session verification with jose. Pure (WebCrypto only), shared by the edge and the regions.
import { decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey } from 'jose';
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

// Three base64url segments without padding. Rejects JWE (five segments), padded and odd encodings
// before any decoding work, which keeps the malformed-token path cheap.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

interface BoundKey {
  region: string;
  key: CryptoKey;
}

/**
 * Builds a verifier over a key set. A `kid` listed more than once is ambiguous and verifies
 * nothing, rather than letting list order decide which region a token belongs to.
 */
export async function createSessionVerifier(keys: readonly PublicKeyEntry[]): Promise<SessionVerifier> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k.kid, (counts.get(k.kid) ?? 0) + 1);
  const byKid = new Map<string, BoundKey>();
  for (const k of keys) {
    if (counts.get(k.kid) !== 1) continue;
    const key = (await importJWK({ ...k.jwk, alg: SESSION_ALG }, SESSION_ALG)) as CryptoKey;
    byKid.set(k.kid, { region: k.region, key });
  }
  return {
    async verify(token, nowSeconds) {
      try {
        return await verifyWith(byKid, token, nowSeconds);
      } catch {
        // jose throws TypeError (not a JOSEError) for some key/alg mismatches; any throw is a deny.
        return null;
      }
    },
  };
}

async function verifyWith(byKid: Map<string, BoundKey>, token: string, now: number): Promise<VerifiedSession | null> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) return null;
  const header = decodeProtectedHeader(token);
  if (header.alg !== SESSION_ALG || typeof header.kid !== 'string' || header.crit !== undefined) return null;
  const bound = byKid.get(header.kid);
  if (!bound) return null;
  const { payload } = await jwtVerify(token, bound.key, {
    algorithms: [SESSION_ALG],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    currentDate: new Date(now * 1000),
    requiredClaims: ['sub', 'rgn', 'iat', 'exp'],
  });
  const { sub, rgn, iat, exp } = payload;
  if (typeof sub !== 'string' || !SUBJECT_PATTERN.test(sub)) return null;
  // The claim decides only when the key that signed it belongs to the region it names.
  if (rgn !== bound.region) return null;
  if (typeof iat !== 'number' || typeof exp !== 'number') return null;
  if (iat > now + CLOCK_TOLERANCE_SECONDS) return null;
  // Both times come from the minting region's one clock, so skew tolerance does not apply here.
  if (exp - iat > SESSION_TTL_SECONDS) return null;
  return { sub, rgn, exp };
}
