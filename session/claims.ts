// The session token's contract, shared by the regions that mint it and the edge that checks it.
// Pure: no Node or AWS imports, so the edge bundle can carry it.

export const SESSION_COOKIE = '__Host-session';
/** Set by /api/auth/locate: which region to send the password to. Not a credential. */
export const HINT_COOKIE = '__Host-region-hint';

/** The one algorithm a session may use; every verify pins it. */
export const SESSION_ALG = 'ES256';
export const SESSION_TTL_SECONDS = 8 * 3600;
/** Bounded skew between the clocks of the region that minted a token and the edge. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** A real session is ~330 bytes; anything much larger is not ours and is not parsed. */
export const MAX_TOKEN_LENGTH = 1024;
/** Subjects are random ids (never derived from PII): url-safe base64 of 16 random bytes. */
export const SUBJECT_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SessionClaims {
  sub: string;
  /** Session id: the silo keeps a record of it, so that sign-out ends the session for real. */
  sid: string;
  rgn: string;
  iat: number;
  exp: number;
}

/** A public key that verifies sessions of exactly one region. */
export interface PublicKeyEntry {
  kid: string;
  region: string;
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
}

export interface VerifiedSession {
  sub: string;
  /** Absent only in tokens that carry none; the silos require it, the edge does not need it. */
  sid?: string;
  rgn: string;
  exp: number;
}
