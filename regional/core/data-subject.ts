// The data subject's rights over what this silo holds: see it (stats), take it (export), erase it.
import { userPrefixes } from '../../files/object-keys.ts';
import { activityEntry } from './activity.ts';
import { blindIndex, normaliseEmail } from './blind-index.ts';
import type { SiloContext } from './context.ts';
import { clearSessionCookie } from './cookies.ts';
import { ApiError } from './errors.ts';
import { json, noContent, type ApiRequest, type ApiResponse } from './http.ts';
import { everything } from './paging.ts';
import { requireAccount } from './session.ts';

export async function stats(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const [records, files, latest] = await Promise.all([
    everything((cursor) => ctx.silo.listRecords(account.id, { limit: 100, cursor })),
    everything((cursor) => ctx.silo.listFiles(account.id, { limit: 100, cursor })),
    ctx.silo.listActivity(account.id, { limit: 1 }),
  ]);
  const byKind: Record<string, number> = {};
  for (const r of records) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  return json(200, {
    records: { total: records.length, byKind },
    files: { total: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) },
    lastActivityAt: latest.items[0]?.at ?? null,
  });
}

/** Everything the silo holds about the caller, as one document (GDPR art. 15 / 20). */
export async function exportData(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  await ctx.silo.addActivity(account.id, activityEntry(ctx, 'export'));
  const [records, files, activity] = await Promise.all([
    everything((cursor) => ctx.silo.listRecords(account.id, { limit: 100, cursor })),
    everything((cursor) => ctx.silo.listFiles(account.id, { limit: 100, cursor })),
    everything((cursor) => ctx.silo.listActivity(account.id, { limit: 100, cursor })),
  ]);
  const { passwordHash: _secret, erasing: _state, profile, ...identity } = account;
  const res = json(200, {
    exportedAt: new Date(ctx.nowMs()).toISOString(),
    storedIn: { region: ctx.region.code, label: ctx.region.label, jurisdiction: ctx.region.jurisdiction },
    account: identity,
    profile: { name: account.name, ...profile },
    records,
    // Links, not bytes: each one downloads through the edge with the same session.
    files: files.map((f) => ({ ...f, download: `/files/${f.id}` })),
    activity,
  });
  res.headers['content-disposition'] = 'attachment; filename="my-data.json"';
  return res;
}

const ATTEMPTS = 3;

async function withRetries(step: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

/**
 * Erasure (GDPR art. 17). Marks the account first, so nothing is served from it from then on;
 * deletes the file objects (every version), then records, files and activity, then the directory entry, then the account and e-mail claim
 * last. Each step is retried; if one still fails, the caller is told, and calling again resumes
 * (the marked account accepts nothing but this call).
 */
export async function eraseMe(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req, { allowErasing: true });
  const removeObjects = async () => {
    for (const prefix of userPrefixes(account.id)) await withRetries(async () => void (await ctx.files.removeAll(prefix)));
  };
  try {
    await withRetries(() => ctx.silo.beginErasure(account.id));
    await removeObjects();
    await withRetries(() => ctx.silo.eraseData(account.id));
    await withRetries(() => ctx.directory.release(blindIndex(ctx.pepper, account.email), ctx.region.code));
    await withRetries(() => ctx.silo.eraseAccount(account.id, normaliseEmail(account.email)));
    // Again, last: a completion or upload that was in flight when erasure began may have put
    // bytes back since the first sweep (a completion that finds the account gone removes its own copy).
    await removeObjects();
  } catch (err) {
    ctx.log({ event: 'erasure_incomplete', user: account.id, kind: err instanceof Error ? err.name : 'unknown' });
    throw new ApiError(503, 'erasure_incomplete', 'Your account is closed, but part of its data could not be deleted yet. Try again in a minute: erasure resumes where it stopped.', undefined, {
      'retry-after': '60',
    });
  }
  ctx.log({ event: 'erased', user: account.id });
  return noContent([clearSessionCookie()]);
}
