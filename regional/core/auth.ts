// Sign-up, locate, login, logout.
import { createHmac } from 'node:crypto';
import { SESSION_COOKIE, SESSION_TTL_SECONDS } from '../../session/claims.ts';
import { mintSession } from '../../session/sign.ts';
import { activityEntry } from './activity.ts';
import { randomId } from './ids.ts';
import { blindIndex, normaliseEmail } from './blind-index.ts';
import { readJson } from './body.ts';
import { nowSeconds, type SiloContext } from './context.ts';
import { clearSessionCookie, hintCookie, sessionCookie } from './cookies.ts';
import { ApiError } from './errors.ts';
import { cookie, json, noContent, type ApiRequest, type ApiResponse } from './http.ts';
import { StoreUnavailableError, type Activity } from './ports.ts';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.ts';
import { userView } from './session.ts';
import { EMAIL_FIELD_CODES, SIGNUP_FIELD_CODES, locateBody, loginBody, signupBody } from './schemas.ts';

export async function signup(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const body = readJson(req, signupBody, SIGNUP_FIELD_CODES);
  const home = Object.hasOwn(ctx.catalog.countries, body.country) ? ctx.catalog.countries[body.country] : undefined;
  if (!home) throw new ApiError(400, 'unknown_country', 'country: we do not offer accounts in that country.', 'country');
  if (home !== ctx.region.code) {
    throw new ApiError(421, 'wrong_region', 'Accounts for that country are created in another region.');
  }
  if (ctx.region.status !== 'active') {
    throw new ApiError(503, 'signup_unavailable', 'New accounts cannot be created in your region right now.', undefined, {
      'retry-after': String(ctx.catalog.retryAfterSeconds),
    });
  }
  const emailKey = normaliseEmail(body.email);
  const index = blindIndex(ctx.pepper, body.email);
  const account = {
    id: randomId(),
    email: body.email.trim(),
    name: body.name,
    country: body.country,
    passwordHash: await hashPassword(body.password),
    createdAt: new Date(ctx.nowMs()).toISOString(),
    profile: { dateOfBirth: null, phone: null, address: null },
  };
  // Directory first: it is global, so it is where "taken in any region" is decided. If the silo
  // write then fails, the claim is released, so nothing is left half-written.
  if (!(await ctx.directory.claim(index, ctx.region.code))) throw emailTaken();
  let created = false;
  try {
    created = await ctx.silo.createAccount(account, emailKey, activityEntry(ctx, 'signup'));
  } finally {
    if (!created) await ctx.directory.release(index, ctx.region.code);
  }
  if (!created) throw emailTaken();
  const session = await openSession(ctx, account.id);
  ctx.log({ event: 'signup', user: account.id });
  return json(201, { user: userView(ctx, account) }, [session, hintCookie(ctx.region.code)]);
}

const emailTaken = () => new ApiError(409, 'email_taken', 'An account with this e-mail already exists. Sign in instead.', 'email');

/**
 * Same status and body whether or not the e-mail exists. The hint names the home region of a
 * known e-mail; for an unknown one it names a region picked from the e-mail itself (keyed, so
 * stable across calls and silos), so asking twice through two silos does not tell the two apart.
 */
export async function locate(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const body = readJson(req, locateBody, EMAIL_FIELD_CODES);
  const region = (await ctx.directory.lookup(blindIndex(ctx.pepper, body.email))) ?? decoyRegion(ctx, body.email);
  return json(200, { ok: true }, [hintCookie(region)]);
}

function decoyRegion(ctx: SiloContext, email: string): string {
  // Every region, whatever its status: a known e-mail's hint can name an offline region too.
  const regions = ctx.catalog.regions.map((r) => r.code).sort();
  const digest = createHmac('sha256', ctx.pepper).update(`locate-decoy:${normaliseEmail(email)}`).digest();
  return regions[digest.readUInt32BE(0) % regions.length] ?? ctx.region.code;
}

export async function login(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const body = readJson(req, loginBody, EMAIL_FIELD_CODES);
  const account = await ctx.silo.findByEmail(normaliseEmail(body.email));
  const ok = await verifyPassword(body.password, account?.passwordHash ?? (await DUMMY_HASH_PROMISE));
  if (!account || !ok || account.erasing) {
    throw new ApiError(401, 'invalid_credentials', 'That e-mail and password do not match an account.');
  }
  const session = await openSession(ctx, account.id, activityEntry(ctx, 'login'));
  ctx.log({ event: 'login', user: account.id });
  return json(200, { user: userView(ctx, account) }, [session, hintCookie(ctx.region.code)]);
}

/** Records a new session in the silo and returns its Set-Cookie value. */
async function openSession(ctx: SiloContext, userId: string, activity?: Activity): Promise<string> {
  const now = nowSeconds(ctx);
  const sid = randomId();
  await ctx.silo.startSession(userId, { sid, expiresAt: now + SESSION_TTL_SECONDS }, activity);
  return sessionCookie(await mintSession(ctx.signer, userId, sid, now));
}

/** Ends the session in the silo (so a copied cookie stops working too) and clears the cookie. */
export async function logout(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const token = cookie(req, SESSION_COOKIE);
  const session = token.kind === 'one' ? await ctx.verifier.verify(token.value, nowSeconds(ctx)) : null;
  if (session?.sid && session.rgn === ctx.region.code) {
    try {
      await ctx.silo.endSession(session.sub, session.sid);
    } catch (err) {
      // The store is down: the cookie is still cleared; the session record expires with the token.
      if (!(err instanceof StoreUnavailableError)) throw err;
      ctx.log({ event: 'logout_store_unavailable', user: session.sub });
    }
  }
  return noContent([clearSessionCookie()]);
}
