// A minimal HTTP client with a cookie jar, so tests can act like one browser.

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
  bytes: Buffer;
  setCookies: string[];
}

export class Browser {
  readonly jar = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string | undefined {
    return this.jar.size ? [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  async send(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...this.headers, ...extra };
    const cookie = this.cookieHeader();
    if (cookie && !('cookie' in extra)) headers.cookie = cookie;
    let payload: string | Uint8Array | undefined;
    if (body instanceof Uint8Array) payload = body;
    else if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body: payload, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1);
      if (attrs.some((a) => a.trim().toLowerCase() === 'max-age=0') || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text, bytes, setCookies };
  }

  get = (path: string, extra?: Record<string, string>) => this.send('GET', path, undefined, extra);
  post = (path: string, body?: unknown, extra?: Record<string, string>) => this.send('POST', path, body, extra);
  put = (path: string, body?: unknown, extra?: Record<string, string>) => this.send('PUT', path, body, extra);
  del = (path: string, extra?: Record<string, string>) => this.send('DELETE', path, undefined, extra);
}
