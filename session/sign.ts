// Minting sessions. The signer is an interface so that a region can sign with a local key (the
// local stack) or with KMS (AWS) and produce byte-compatible tokens.
import { base64url, type CryptoKey } from 'jose';
import { SESSION_ALG, SESSION_TTL_SECONDS, type SessionClaims } from './claims.ts';

export interface TokenSigner {
  readonly kid: string;
  readonly region: string;
  /** ECDSA P-256 / SHA-256 over `input`, as the 64-byte raw r||s a JWS carries. */
  sign(input: Uint8Array): Promise<Uint8Array>;
}

const encoder = new TextEncoder();

export async function mintSession(signer: TokenSigner, sub: string, sid: string, nowSeconds: number): Promise<string> {
  const header = { alg: SESSION_ALG, kid: signer.kid, typ: 'JWT' };
  const claims: SessionClaims = { sub, sid, rgn: signer.region, iat: nowSeconds, exp: nowSeconds + SESSION_TTL_SECONDS };
  const signingInput = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}`;
  const signature = await signer.sign(encoder.encode(signingInput));
  if (signature.length !== 64) throw new Error(`signer returned ${signature.length} bytes; ES256 needs 64 (raw r||s)`);
  return `${signingInput}.${base64url.encode(signature)}`;
}

/** A signer over a WebCrypto ECDSA P-256 private key (WebCrypto already returns raw r||s). */
export function webCryptoSigner(kid: string, region: string, privateKey: CryptoKey): TokenSigner {
  return {
    kid,
    region,
    async sign(input) {
      return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, input));
    },
  };
}
