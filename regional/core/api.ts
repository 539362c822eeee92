// The silo API: origin check, route table, and the one place errors become responses.
import { timingSafeEqual } from 'node:crypto';
import { getMe, getProfile, putProfile } from './account.ts';
import { locate, login, logout, signup } from './auth.ts';
import type { SiloContext } from './context.ts';
import { ApiError } from './errors.ts';
import { toErrorResponse, type ApiRequest, type ApiResponse } from './http.ts';

type Handler = (ctx: SiloContext, req: ApiRequest) => Promise<ApiResponse> | ApiResponse;

const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  '/api/auth/signup': { POST: signup },
  '/api/auth/locate': { POST: locate },
  '/api/auth/login': { POST: login },
  '/api/auth/logout': { POST: logout },
  '/api/me': { GET: getMe },
  '/api/profile': { GET: getProfile, PUT: putProfile },
};

export const ORIGIN_SECRET_HEADER = 'x-residency-origin-secret';

export function createApi(ctx: SiloContext): (req: ApiRequest) => Promise<ApiResponse> {
  const secret = Buffer.from(ctx.originSecret);
  return async (req) => {
    const started = performance.now();
    let res: ApiResponse;
    try {
      res = await dispatch(ctx, secret, req);
    } catch (err) {
      if (!(err instanceof ApiError)) ctx.log({ event: 'error', kind: err instanceof Error ? err.name : 'unknown' });
      res = toErrorResponse(err);
    }
    ctx.log({ event: 'request', method: req.method, route: routeName(req.path), status: res.status, ms: Math.round(performance.now() - started) });
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
  const methods = Object.hasOwn(ROUTES, req.path) ? ROUTES[req.path]! : undefined;
  if (!methods) throw new ApiError(404, 'not_found', 'There is nothing at this path.');
  const handler = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined;
  if (!handler) {
    throw new ApiError(405, 'method_not_allowed', 'This path does not accept that method.', undefined, {
      allow: Object.keys(methods).join(', '),
    });
  }
  return handler(ctx, req);
}

/** Route templates only, so ids never reach the logs. */
function routeName(path: string): string {
  return Object.hasOwn(ROUTES, path) ? path : 'unmatched';
}
