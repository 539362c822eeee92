// Re-verifying the session in the silo (defence in depth: the edge already did, but a silo
// trusts nothing it cannot check itself).
import { SESSION_COOKIE } from '../../session/claims.ts';
import { nowSeconds, type SiloContext } from './context.ts';
import { ApiError } from './errors.ts';
import { cookie, type ApiRequest } from './http.ts';
import type { Account } from './ports.ts';

/** The signed-in caller's account. An account being erased serves nothing but its erasure. */
export async function requireAccount(ctx: SiloContext, req: ApiRequest, opts: { allowErasing?: boolean } = {}): Promise<Account> {
  const token = cookie(req, SESSION_COOKIE);
  if (token.kind === 'none') throw new ApiError(401, 'unauthenticated', 'Sign in to continue.');
  const session = token.kind === 'one' ? await ctx.verifier.verify(token.value, nowSeconds(ctx)) : null;
  if (!session) throw new ApiError(401, 'session_invalid', 'Your session is not valid any more. Sign in again.');
  if (session.rgn !== ctx.region.code) {
    throw new ApiError(421, 'wrong_region', 'This session belongs to another region and cannot be served here.');
  }
  const edgeSubject = req.headers['x-residency-subject'];
  if (edgeSubject !== undefined && edgeSubject !== session.sub) {
    throw new ApiError(401, 'session_invalid', 'Your session is not valid any more. Sign in again.');
  }
  const [account, live] = await Promise.all([ctx.silo.get(session.sub), session.sid ? ctx.silo.hasSession(session.sub, session.sid) : false]);
  // A signed token is not enough: the session must still exist (sign-out and erasure end it).
  if (!account || !live || (account.erasing && !opts.allowErasing)) {
    throw new ApiError(401, 'session_invalid', 'Your session is not valid any more. Sign in again.');
  }
  return account;
}

export function userView(ctx: SiloContext, a: Account) {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    country: a.country,
    region: ctx.region.code,
    regionLabel: ctx.region.label,
    jurisdiction: ctx.region.jurisdiction,
  };
}
