// Lambda Function URL (payload format 2.0) <-> the silo API's neutral request/response.
import type { ApiRequest, ApiResponse } from '../core/http.ts';

/** The fields of a Function URL event this API reads (the full event carries more). */
export interface FunctionUrlEvent {
  version: '2.0';
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: { http: { method: string; path: string; sourceIp: string }; requestId: string; timeEpoch: number };
  body?: string;
  isBase64Encoded: boolean;
}

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: string;
  isBase64Encoded: boolean;
}

export function fromFunctionUrl(event: FunctionUrlEvent): ApiRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const body = event.body === undefined ? new Uint8Array() : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: event.queryStringParameters ?? {},
    headers,
    cookies: event.cookies ?? [],
    body,
  };
}

export function toFunctionUrl(res: ApiResponse): FunctionUrlResult {
  return { statusCode: res.status, headers: res.headers, cookies: res.cookies, body: res.body, isBase64Encoded: false };
}
