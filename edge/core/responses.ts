// Every answer the edge generates itself: small, JSON, never cached, never carrying a token or PII.
import { SESSION_COOKIE } from '../../session/claims.ts';
import type { Decision } from './types.ts';

export type EdgeErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'unauthenticated'
  | 'session_invalid'
  | 'region_unavailable'
  | 'signup_unavailable'
  | 'request_denied';

const MESSAGES: Record<EdgeErrorCode, string> = {
  not_found: 'There is nothing at this path.',
  method_not_allowed: 'This path does not accept that method.',
  unauthenticated: 'Sign in to continue.',
  session_invalid: 'Your session is not valid any more. Sign in again.',
  region_unavailable: 'The region that holds your data is temporarily unavailable. Try again later.',
  signup_unavailable: 'New accounts cannot be created in your region right now. Try again later.',
  request_denied: 'The request could not be processed.',
};

const STATUS: Record<EdgeErrorCode, number> = {
  not_found: 404,
  method_not_allowed: 405,
  unauthenticated: 401,
  session_invalid: 401,
  region_unavailable: 503,
  signup_unavailable: 503,
  request_denied: 403,
};

const CLEAR_SESSION = `${SESSION_COOKIE}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax`;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function edgeError(code: EdgeErrorCode, extra: Record<string, string> = {}): Decision {
  return {
    action: 'respond',
    status: STATUS[code],
    headers: { ...JSON_HEADERS, ...extra },
    body: JSON.stringify({ error: code, message: MESSAGES[code] }),
  };
}

export const clearSessionHeader = { 'set-cookie': CLEAR_SESSION };

export function jsonResponse(status: number, body: string): Decision {
  return { action: 'respond', status, headers: { ...JSON_HEADERS }, body };
}
