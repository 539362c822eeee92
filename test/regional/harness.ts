// Calls a silo API in-process with the neutral request shape, as the Function URL adapter would.
import type { ApiRequest, ApiResponse } from '../../regional/core/http.ts';

export interface TestReply {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: string;
  json: any;
}

export interface TestSilo {
  raw(req: Partial<ApiRequest> & { method: string; path: string; headers?: Record<string, string> }): Promise<TestReply>;
  get(path: string, headers?: Record<string, string>): Promise<TestReply>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TestReply>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<TestReply>;
  del(path: string, headers?: Record<string, string>): Promise<TestReply>;
}

export function api(handle: (req: ApiRequest) => Promise<ApiResponse>, originSecret: string): TestSilo {
  const raw: TestSilo['raw'] = async (req) => {
    const { cookie, ...headers } = req.headers ?? {};
    const [path, qs] = req.path.split('?') as [string, string | undefined];
    const res = await handle({
      query: Object.fromEntries(new URLSearchParams(qs ?? '')),
      cookies: cookie ? cookie.split(';').map((c) => c.trim()) : [],
      body: new Uint8Array(),
      ...req,
      path,
      headers,
    });
    return { ...res, json: res.body ? JSON.parse(res.body) : undefined };
  };
  const withSecret = (h: Record<string, string> = {}) => ({ 'x-residency-origin-secret': originSecret, ...h });
  const send = (method: string, path: string, body: unknown, headers?: Record<string, string>) =>
    raw({
      method,
      path,
      headers: withSecret({ 'content-type': 'application/json', ...headers }),
      body: new TextEncoder().encode(JSON.stringify(body)),
    });
  return {
    raw,
    get: (path, headers) => raw({ method: 'GET', path, headers: withSecret(headers) }),
    post: (path, body, headers) => send('POST', path, body, headers),
    put: (path, body, headers) => send('PUT', path, body, headers),
    del: (path, headers) => raw({ method: 'DELETE', path, headers: withSecret(headers) }),
  };
}
