// Set-Cookie values the silo issues. `__Host-` pins Path=/, Secure and no Domain, so no sibling
// host can plant or read them.
import { HINT_COOKIE, SESSION_COOKIE, SESSION_TTL_SECONDS } from '../../session/claims.ts';

const ATTRS = 'Path=/; Secure; HttpOnly; SameSite=Lax';

export const sessionCookie = (token: string) => `${SESSION_COOKIE}=${token}; ${ATTRS}; Max-Age=${SESSION_TTL_SECONDS}`;
export const clearSessionCookie = () => `${SESSION_COOKIE}=; ${ATTRS}; Max-Age=0`;
/** The region hint lives a month: long enough to skip locate on the next visit. */
export const hintCookie = (region: string) => `${HINT_COOKIE}=${region}; ${ATTRS}; Max-Age=${30 * 24 * 3600}`;
