// Sign-up, locate, login, logout.
import { mintSession } from '../../session/sign.ts';
import { activityEntry } from './activity.ts';
import { randomId } from './ids.ts';
import { blindIndex, normaliseEmail } from './blind-index.ts';
import { readJson } from './body.ts';
import { nowSeconds, type SiloContext } from './context.ts';
import { clearSessionCookie, hintCookie, sessionCookie } from './cookies.ts';
import { ApiError } from './errors.ts';
import { json, noContent, type ApiRequest, type ApiResponse } from './http.ts';
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
  const token = await mintSession(ctx.signer, account.id, nowSeconds(ctx));
  ctx.log({ event: 'signup', user: account.id });
  return json(201, { user: userView(ctx, account) }, [sessionCookie(token), hintCookie(ctx.region.code)]);
}

const emailTaken = () => new ApiError(409, 'email_taken', 'An account with this e-mail already exists. Sign in instead.', 'email');

/** Same status and body whether or not the e-mail exists; only the hint cookie's region differs. */
export async function locate(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const body = readJson(req, locateBody, EMAIL_FIELD_CODES);
  const region = (await ctx.directory.lookup(blindIndex(ctx.pepper, body.email))) ?? ctx.region.code;
  return json(200, { ok: true }, [hintCookie(region)]);
}

export async function login(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const body = readJson(req, loginBody, EMAIL_FIELD_CODES);
  const account = await ctx.silo.findByEmail(normaliseEmail(body.email));
  const ok = await verifyPassword(body.password, account?.passwordHash ?? (await DUMMY_HASH_PROMISE));
  if (!account || !ok || account.erasing) {
    throw new ApiError(401, 'invalid_credentials', 'That e-mail and password do not match an account.');
  }
  await ctx.silo.addActivity(account.id, activityEntry(ctx, 'login'));
  const token = await mintSession(ctx.signer, account.id, nowSeconds(ctx));
  ctx.log({ event: 'login', user: account.id });
  return json(200, { user: userView(ctx, account) }, [sessionCookie(token), hintCookie(ctx.region.code)]);
}

export function logout(): ApiResponse {
  return noContent([clearSessionCookie()]);
}
