// Health records (PHI): measurements with a unit, a validated range and the time they were taken.
import { z } from 'zod';
import { activityEntry } from './activity.ts';
import { readJson } from './body.ts';
import type { SiloContext } from './context.ts';
import { ApiError } from './errors.ts';
import { json, noContent, type ApiRequest, type ApiResponse } from './http.ts';
import { timeOrderedId } from './ids.ts';
import { pageRequest } from './paging.ts';
import type { HealthRecord } from './ports.ts';
import { requireAccount } from './session.ts';

/** kind -> unit -> [min, max]: what a plausible measurement of a living person looks like. */
export const MEASUREMENTS = {
  heart_rate: { bpm: [20, 250] },
  blood_oxygen: { '%': [50, 100] },
  blood_glucose: { 'mmol/L': [1, 40], 'mg/dL': [18, 720] },
  weight: { kg: [1, 500], lb: [2, 1100] },
} as const satisfies Record<string, Record<string, readonly [number, number]>>;

/** Clocks differ; a measurement may be stamped a little ahead of ours, not more. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

const takenAt = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2026-12-03T08:15:00Z' });

function scalar<K extends keyof typeof MEASUREMENTS>(kind: K) {
  const units = Object.keys(MEASUREMENTS[kind]) as [string, ...string[]];
  return z
    .strictObject({ kind: z.literal(kind), unit: z.enum(units), value: z.number(), takenAt })
    .superRefine((r, ctx) => {
      const [min, max] = (MEASUREMENTS[kind] as Record<string, readonly [number, number]>)[r.unit]!;
      if (r.value < min || r.value > max) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be between ${min} and ${max} ${r.unit}` });
    });
}

const bloodPressure = z.strictObject({
  kind: z.literal('blood_pressure'),
  unit: z.literal('mmHg'),
  value: z
    .strictObject({ systolic: z.int().min(50).max(250), diastolic: z.int().min(30).max(150) })
    .refine((v) => v.systolic > v.diastolic, { message: 'systolic must be higher than diastolic', path: ['systolic'] }),
  takenAt,
});

const recordBody = z.discriminatedUnion('kind', [scalar('heart_rate'), scalar('blood_oxygen'), scalar('blood_glucose'), scalar('weight'), bloodPressure]);

export async function addRecord(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const body = readJson(req, recordBody);
  const taken = Date.parse(body.takenAt);
  const nowMs = ctx.nowMs();
  if (taken > nowMs + FUTURE_SKEW_MS || taken < Date.UTC(1900, 0, 1)) {
    throw new ApiError(400, 'invalid_request', 'takenAt: must be a time between 1900 and now', 'takenAt');
  }
  const record: HealthRecord = {
    id: timeOrderedId(taken),
    kind: body.kind,
    value: body.value,
    unit: body.unit,
    takenAt: new Date(taken).toISOString(),
    createdAt: new Date(nowMs).toISOString(),
  };
  await ctx.silo.addRecord(account.id, record, activityEntry(ctx, 'record_add', record.kind));
  return json(201, { record });
}

export async function listRecords(ctx: SiloContext, req: ApiRequest): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  const page = await ctx.silo.listRecords(account.id, pageRequest(req));
  return json(200, { records: page.items, nextCursor: page.next });
}

export async function deleteRecord(ctx: SiloContext, req: ApiRequest, id: string): Promise<ApiResponse> {
  const account = await requireAccount(ctx, req);
  // Another user's id answers exactly like a missing one: the lookup is inside the caller's partition.
  if (!(await ctx.silo.deleteRecord(account.id, id, activityEntry(ctx, 'record_delete')))) {
    throw new ApiError(404, 'not_found', 'There is no such record.');
  }
  return noContent();
}
