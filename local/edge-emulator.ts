// Plays CloudFront in front of the local silos: the default behaviour serves the static bucket;
// /api/* and /files/* build a Lambda@Edge origin-request event (forwarding only what the
// deployed policies forward), run the *built* edge bundle on it, and proxy to the origin the
// bundle chose. An invalid function result gets CloudFront's 502, as it would in AWS.
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CfRequest, CfResponse, OriginRequestEvent } from '../edge/adapters/lambda-edge.ts';
import { EDGE_BODY_LIMIT_BYTES, FORWARDED, READ_ONLY_ORIGIN_REQUEST_HEADERS, SECURITY_HEADERS } from '../edge/policies.ts';
import { cloudFrontError, type CloudFrontErrorKind } from './cloudfront-errors.ts';

/** Set this request header to pretend the viewer is in another country (local testing only). */
export const VIEWER_COUNTRY_OVERRIDE = 'x-emulator-viewer-country';
const MAX_VIEWER_BODY_BYTES = 20 * 1024 * 1024;
const LAMBDA_TIMEOUT_MS = 30_000;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

type EdgeHandler = (event: OriginRequestEvent) => Promise<unknown>;

export interface EmulatorOptions {
  /** Folder holding the built bundle (index.js) and its edge-config.json. */
  edgeDir: string;
  staticS3: S3Client;
  staticBucket: string;
  viewerCountry: string | undefined;
  log(line: string): void;
}

/** The emulator, and `reload()` to load the bundle and its config afresh (a new function version). */
export function createEdgeEmulator(opts: EmulatorOptions): { server: Server; reload(): void } {
  const require = createRequire(import.meta.url);
  const bundle = require.resolve(join(opts.edgeDir, 'index.js'));
  const load = () => {
    delete require.cache[bundle];
    return (require(bundle) as { handler: EdgeHandler }).handler;
  };
  let handler = load();
  const server = createServer((req, res) => {
    serve(req, res, handler, opts).catch((err) => {
      opts.log(`emulator error: ${(err as Error).message}`);
      if (!res.headersSent) send(res, cloudFrontError('OriginError'));
      else res.destroy();
    });
  });
  // Clients reuse idle connections; a server that drops one just as a request goes out makes the
  // client fail with "other side closed" (seen under load with Node's 5 s default). CloudFront
  // keeps viewer connections open longer too.
  server.keepAliveTimeout = 60_000;
  return { server, reload: () => (handler = load()) };
}

async function serve(req: IncomingMessage, res: ServerResponse, handler: EdgeHandler, opts: EmulatorOptions) {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const uri = q < 0 ? url : url.slice(0, q);
  const querystring = q < 0 ? '' : url.slice(q + 1);
  if (!uri.startsWith('/api/') && !uri.startsWith('/files/')) return serveStatic(req, res, uri, opts);

  const body = await readBody(req);
  if (body === null) return send(res, cloudFrontError('TooLarge'));
  // Only the /api/* behaviour has includeBody: file bytes never enter the function.
  const cfRequest = toOriginRequest(req, uri, querystring, body, uri.startsWith('/api/'), opts.viewerCountry);
  const event: OriginRequestEvent = {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: req.headers.host ?? 'localhost',
            distributionId: 'LOCALEMULATOR',
            eventType: 'origin-request',
            requestId: randomBytes(16).toString('base64url'),
          },
          request: cfRequest,
        },
      },
    ],
  };

  let result: unknown;
  try {
    result = await withTimeout(handler(structuredClone(event)), LAMBDA_TIMEOUT_MS);
  } catch (err) {
    opts.log(`edge function threw: ${(err as Error)?.name ?? 'error'}`);
    return send(res, cloudFrontError('LambdaExecutionError'));
  }
  const checked = validateResult(result, cfRequest);
  if (typeof checked === 'string') {
    opts.log(`edge function returned an invalid result: ${checked}`);
    return send(res, cloudFrontError('LambdaValidationError'));
  }
  if ('status' in checked) {
    return send(res, {
      status: Number(checked.status),
      headers: flatten(checked.headers),
      body: checked.body ?? '',
    });
  }
  return proxy(res, checked, body);
}

/** The event CloudFront would build: policy-filtered headers and cookies, its own headers added. */
function toOriginRequest(req: IncomingMessage, uri: string, querystring: string, body: Buffer, includeBody: boolean, defaultCountry: string | undefined): CfRequest {
  const headers: CfRequest['headers'] = {};
  const add = (name: string, value: string) => (headers[name] ??= []).push({ key: name, value });
  let country = defaultCountry;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === VIEWER_COUNTRY_OVERRIDE) {
      if (/^[A-Z]{2}$/.test(value)) country = value;
    } else if (name === 'cookie') {
      // CloudFront rebuilds each Cookie header with only the allow-listed cookies.
      const kept = value
        .split(';')
        .filter((pair) => (FORWARDED.cookies as readonly string[]).includes(pair.split('=')[0]!.trim()))
        .map((p) => p.trim());
      if (kept.length) add('cookie', kept.join('; '));
    } else if ((FORWARDED.headers as readonly string[]).includes(name) && name !== 'cloudfront-viewer-country') {
      add(name, value);
    }
  }
  add('host', req.headers.host ?? 'localhost');
  if (body.length) add('content-length', String(body.length));
  if (country) add('cloudfront-viewer-country', country);
  add('via', '2.0 local.cloudfront.net (CloudFront)');
  add('x-forwarded-for', req.socket.remoteAddress ?? '127.0.0.1');
  const method = req.method ?? 'GET';
  return {
    clientIp: req.socket.remoteAddress ?? '127.0.0.1',
    method,
    uri,
    querystring,
    headers,
    ...(includeBody && body.length
      ? {
          body: {
            action: 'read-only',
            encoding: 'base64',
            data: body.subarray(0, EDGE_BODY_LIMIT_BYTES).toString('base64'),
            inputTruncated: body.length > EDGE_BODY_LIMIT_BYTES,
          },
        }
      : {}),
    // The behaviour's own origin: never a real place, so a request the function forgot to
    // route fails loudly instead of landing in some region.
    origin: { custom: { domainName: 'unrouted.invalid', port: 443, protocol: 'https', path: '', customHeaders: {} } },
  };
}

type Checked = CfResponse | (CfRequest & { origin: { custom: { domainName: string; port: number; protocol: string; path: string; readTimeout?: number } } });

/** CloudFront's checks on what an origin-request function returns; a string says what is wrong. */
function validateResult(result: unknown, sent: CfRequest): Checked | string {
  if (!result || typeof result !== 'object') return 'not an object';
  const r = result as Record<string, unknown>;
  if (!validHeaders(r.headers)) return 'headers are not { name: [{ key?, value }] } with lower-case names';
  if (!('status' in r)) {
    const values = (h: CfRequest['headers'], name: string) => JSON.stringify((h[name] ?? []).map((e) => e.value));
    const touched = READ_ONLY_ORIGIN_REQUEST_HEADERS.find((name) => values(r.headers as CfRequest['headers'], name) !== values(sent.headers, name));
    if (touched) return `the function tried to add, delete, or change the read-only header ${touched}`;
  }
  if ('status' in r) {
    const status = Number(r.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) return `status ${String(r.status)} is not an HTTP status`;
    if (r.body !== undefined && typeof r.body !== 'string') return 'body is not a string';
    if (typeof r.body === 'string' && Buffer.byteLength(r.body) > 1024 * 1024) return 'generated body exceeds 1 MB';
    return r as unknown as CfResponse;
  }
  if (typeof r.uri !== 'string' || !r.uri.startsWith('/')) return 'uri must start with /';
  if (typeof r.querystring !== 'string') return 'querystring is not a string';
  const custom = (r.origin as { custom?: Record<string, unknown> } | undefined)?.custom;
  if (!custom) return 'origin.custom is missing (no S3 origins are routed by this function)';
  if (typeof custom.domainName !== 'string' || !custom.domainName) return 'origin.custom.domainName is empty';
  if (!Number.isInteger(custom.port) || (custom.port as number) < 1 || (custom.port as number) > 65535) return 'origin.custom.port is invalid';
  if (custom.protocol !== 'http' && custom.protocol !== 'https') return 'origin.custom.protocol must be http or https';
  if (typeof custom.path !== 'string') return 'origin.custom.path is not a string';
  if (custom.readTimeout !== undefined && !(Number.isInteger(custom.readTimeout) && (custom.readTimeout as number) >= 1 && (custom.readTimeout as number) <= 60)) {
    return 'origin.custom.readTimeout must be 1-60 s';
  }
  const hosts = (r.headers as CfRequest['headers']).host;
  if (!hosts || hosts.length !== 1) return 'exactly one host header is required';
  return r as unknown as Checked;
}

function validHeaders(h: unknown): boolean {
  if (!h || typeof h !== 'object') return false;
  return Object.entries(h).every(
    ([name, entries]) =>
      name === name.toLowerCase() && Array.isArray(entries) && entries.every((e) => e && typeof e.value === 'string'),
  );
}

function proxy(res: ServerResponse, r: Extract<Checked, { uri: string }>, body: Buffer): Promise<void> {
  const { custom } = r.origin;
  if (custom.protocol !== 'http') {
    // The local silos speak plain HTTP on loopback; an https origin here would be a config bug.
    send(res, cloudFrontError('OriginError'));
    return Promise.resolve();
  }
  const headers: Record<string, string> = {};
  for (const [name, entries] of Object.entries(r.headers)) {
    headers[name] = entries.map((e) => e.value).join(name === 'cookie' ? '; ' : ', ');
  }
  if (body.length) headers['content-length'] = String(body.length);
  return new Promise((resolve) => {
    const upstream = httpRequest(
      {
        host: custom.domainName,
        port: custom.port,
        method: r.method,
        path: `${custom.path}${r.uri}${r.querystring ? `?${r.querystring}` : ''}`,
        headers,
        timeout: (custom.readTimeout ?? 30) * 1000,
      },
      (up) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
        res.writeHead(up.statusCode ?? 502, { ...out, ...SECURITY_HEADERS, via: '1.1 local.cloudfront.net (CloudFront)', 'x-cache': 'Miss from cloudfront' });
        up.pipe(res);
        up.on('end', resolve);
        up.on('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    const fail = (kind: CloudFrontErrorKind) => {
      if (!res.headersSent) send(res, cloudFrontError(kind));
      resolve();
    };
    upstream.on('timeout', () => {
      upstream.destroy();
      fail('OriginTimeout');
    });
    upstream.on('error', () => fail('OriginError'));
    upstream.end(body);
  });
}

const STATIC_KEY = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
};
export const contentTypeOf = (key: string) => CONTENT_TYPES[key.split('.').pop() ?? ''] ?? 'application/octet-stream';

/** Default behaviour: the global static bucket, with the SPA fallback CloudFront's custom error responses give. */
async function serveStatic(req: IncomingMessage, res: ServerResponse, uri: string, opts: EmulatorOptions) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, cloudFrontError('MethodNotAllowed'));
  // S3 keys are flat; the emulator's s3rver maps them onto folders. So a key is used only when it
  // is plainly a file of the app (no decoding, no '..', no empty segment); anything else gets the
  // SPA's index.html, as CloudFront's custom error response would for a missing key.
  let key = uri.slice(1);
  if (key === '' || key.endsWith('/')) key += 'index.html';
  if (!STATIC_KEY.test(key)) key = 'index.html';
  const get = (k: string) => opts.staticS3.send(new GetObjectCommand({ Bucket: opts.staticBucket, Key: k }));
  let obj;
  try {
    obj = await get(key);
  } catch (err) {
    if (!(err instanceof NoSuchKey)) opts.log(`static bucket: ${(err as Error).name} for a request; serving index.html`);
    obj = await get('index.html');
  }
  const bytes = Buffer.from(await obj.Body!.transformToByteArray());
  res.writeHead(200, {
    'content-type': obj.ContentType ?? 'application/octet-stream',
    'cache-control': obj.CacheControl ?? 'no-cache',
    'content-length': String(bytes.length),
    ...SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_VIEWER_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_VIEWER_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: { status: number; headers: Record<string, string | string[]>; body: string }) {
  res.writeHead(r.status, { ...r.headers, ...SECURITY_HEADERS, 'content-length': String(Buffer.byteLength(r.body)) });
  res.end(r.body);
}

function flatten(h: CfResponse['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, entries] of Object.entries(h)) out[name] = entries.length === 1 ? entries[0]!.value : entries.map((e) => e.value);
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]);
}
