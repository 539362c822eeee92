// The silo API: origin check, route table, and the one place errors become responses.
import { timingSafeEqual } from 'node:crypto';
import { OBJECT_ID } from '../../files/object-keys.ts';
import { getMe, getProfile, putProfile } from './account.ts';
import { listActivity } from './activity.ts';
import { locate, login, logout, signup } from './auth.ts';
import type { SiloContext } from './context.ts';
import { eraseMe, exportData, stats } from './data-subject.ts';
import { ApiError } from './errors.ts';
import { toErrorResponse, type ApiRequest, type ApiResponse } from './http.ts';
import { InvalidCursorError, StoreUnavailableError } from './ports.ts';
import { completeUpload, deleteFile, downloadFile, listFiles, startUpload, uploadFile } from './files.ts';
import { addRecord, deleteRecord, listRecords } from './records.ts';

type Handler = (ctx: SiloContext, req: ApiRequest, id: string) => Promise<ApiResponse> | ApiResponse;

/** Route templates; `:id` matches the same raw id alphabet the edge allows. */
const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  '/api/auth/signup': { POST: signup },
  '/api/auth/locate': { POST: locate },
  '/api/auth/login': { POST: login },
  '/api/auth/logout': { POST: logout },
  '/api/me': { GET: getMe, DELETE: eraseMe },
  '/api/profile': { GET: getProfile, PUT: putProfile },
  '/api/records': { GET: listRecords, POST: addRecord },
  '/api/records/:id': { DELETE: deleteRecord },
  '/api/activity': { GET: listActivity },
  '/api/stats': { GET: stats },
  '/api/export': { GET: exportData },
  '/api/files': { GET: listFiles, POST: uploadFile },
  '/api/files/:id': { DELETE: deleteFile },
  '/api/uploads': { POST: startUpload },
  '/api/uploads/:id/complete': { POST: completeUpload },
  '/files/:id': { GET: downloadFile },
};

const TEMPLATES = Object.keys(ROUTES).map((template) => ({ template, segments: template.split('/') }));

/** The template a raw path matches, and its id; never decodes the path. */
function match(path: string): { template: string; id: string } | undefined {
  const segments = path.split('/');
  for (const { template, segments: expected } of TEMPLATES) {
    if (expected.length !== segments.length) continue;
    let id = '';
    const fits = expected.every((part, i) => {
      if (part !== ':id') return part === segments[i];
      id = segments[i]!;
      return OBJECT_ID.test(id);
    });
    if (fits) return { template, id };
  }
  return undefined;
}

export const ORIGIN_SECRET_HEADER = 'x-residency-origin-secret';

export function createApi(ctx: SiloContext): (req: ApiRequest) => Promise<ApiResponse> {
  const secret = Buffer.from(ctx.originSecret);
  return async (req) => {
    const started = performance.now();
    let res: ApiResponse;
    try {
      res = await dispatch(ctx, secret, req);
    } catch (err) {
      if (err instanceof InvalidCursorError) err = new ApiError(400, 'invalid_cursor', 'cursor: use the nextCursor of the previous page.', 'cursor');
      if (err instanceof StoreUnavailableError) {
        // The silo's store is down: its users wait (503 + Retry-After); nothing is served elsewhere.
        err = new ApiError(503, 'region_unavailable', 'The region that holds your data is temporarily unavailable. Try again later.', undefined, {
          'retry-after': String(ctx.catalog.retryAfterSeconds),
        });
      }
      if (!(err instanceof ApiError)) ctx.log({ event: 'error', kind: err instanceof Error ? err.name : 'unknown' });
      res = toErrorResponse(err);
    }
    ctx.log({ event: 'request', method: req.method, route: match(req.path)?.template ?? 'unmatched', status: res.status, ms: Math.round(performance.now() - started) });
    return res;
  };
}

async function dispatch(ctx: SiloContext, secret: Buffer, req: ApiRequest): Promise<ApiResponse> {
  const presented = Buffer.from(req.headers[ORIGIN_SECRET_HEADER] ?? '');
  if (presented.length !== secret.length || !timingSafeEqual(presented, secret)) {
    throw new ApiError(403, 'origin_forbidden', 'This API is reachable only through the global URL.');
  }
  const edgeRegion = req.headers['x-residency-region'];
  if (edgeRegion !== undefined && edgeRegion !== ctx.region.code) {
    throw new ApiError(421, 'wrong_region', 'This request was meant for another region.');
  }
  const route = match(req.path);
  if (!route) throw new ApiError(404, 'not_found', 'There is nothing at this path.');
  const methods = ROUTES[route.template]!;
  const handler = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined;
  if (!handler) {
    throw new ApiError(405, 'method_not_allowed', 'This path does not accept that method.', undefined, {
      allow: Object.keys(methods).join(', '),
    });
  }
  return handler(ctx, req, route.id);
}
