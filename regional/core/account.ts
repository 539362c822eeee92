// The signed-in user's own account and profile.
import { activityEntry } from './activity.ts';
import { readJson } from './body.ts';
import type { SiloContext } from './context.ts';
import { ApiError } from './errors.ts';
import { json, type ApiRequest, type ApiResponse } from './http.ts';
import type { Account, Profile } from './ports.ts';
import { profileBody } from './schemas.ts';
import { requireAccount, userView } from './session.ts';

export async function getMe(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  return json(200, userView(ctx, await requireAccount(ctx, req)));
}

const profileOf = (a: Account): Profile => ({ name: a.name, ...a.profile });

export async function getProfile(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  return json(200, { profile: profileOf(await requireAccount(ctx, req)) });
}

export async function putProfile(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const profile = readJson(req, profileBody);
  if (!(await ctx.silo.updateProfile(account.id, profile, activityEntry(ctx, 'profile_update')))) {
    throw new ApiError(401, 'session_invalid', 'Your session is not valid any more. Sign in again.');
  }
  ctx.log({ event: 'profile_update', user: account.id });
  return json(200, { profile });
}
