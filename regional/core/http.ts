// The silo API's own request/response shapes (runtime-neutral) and the single place where
// errors become responses.
import { oneCookie, type OneCookie } from '../../session/cookies.ts';
import { ApiError } from './errors.ts';

export interface ApiRequest {
  method: string;
  /** Raw path, never decoded. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Every `name=value` cookie pair the browser sent. */
  cookies: string[];
  body: Uint8Array;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: string;
}

const BASE_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(status: number, body: unknown, cookies: string[] = []): ApiResponse {
  return { status, headers: { ...BASE_HEADERS }, cookies, body: JSON.stringify(body) };
}

export function noContent(cookies: string[] = []): ApiResponse {
  return { status: 204, headers: { 'cache-control': 'no-store' }, cookies, body: '' };
}

export function toErrorResponse(err: unknown): ApiResponse {
  if (err instanceof ApiError) {
    const body: Record<string, string> = { error: err.code, message: err.message };
    if (err.field) body.field = err.field;
    return { status: err.status, headers: { ...BASE_HEADERS, ...err.headers }, cookies: [], body: JSON.stringify(body) };
  }
  return json(500, { error: 'internal_error', message: 'Something went wrong on our side. Nothing was changed.' });
}

/** The cookie `name`, read by the same rules as at the edge (session/cookies.ts). */
export const cookie = (req: ApiRequest, name: string): OneCookie => oneCookie(req.cookies, name);
