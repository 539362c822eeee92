// The user's own audit trail: one entry per change, written with the change itself.
import type { SiloContext } from './context.ts';
import { json, type ApiRequest, type ApiResponse } from './http.ts';
import { timeOrderedId } from './ids.ts';
import { pageRequest } from './paging.ts';
import type { Activity, ActivityAction } from './ports.ts';
import { requireAccount } from './session.ts';

export function activityEntry(ctx: SiloContext, action: ActivityAction, detail: string | null = null): Activity {
  const ms = ctx.nowMs();
  return { id: timeOrderedId(ms), action, at: new Date(ms).toISOString(), detail };
}

export async function listActivity(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const page = await ctx.silo.listActivity(account.id, pageRequest(req));
  return json(200, { activity: page.items, nextCursor: page.next });
}
