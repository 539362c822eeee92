// Runs the *built* Lambda@Edge artifact the way Lambda does: the minified CJS file alone in a
// folder with its `edge-config.json` beside it, called with a CloudFront origin-request event.
import { copyFileSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CfRequest, CfResponse, EdgeConfigFile, OriginRequestEvent } from '../../../edge/adapters/lambda-edge.ts';
import type { Decision, EdgeRequest, OriginSpec } from '../../../edge/core/types.ts';
import { TEST_TARGETS } from './fixture.ts';

export const BUNDLE_FILE = resolve('dist/edge/index.js');

export type EdgeHandler = (event: OriginRequestEvent) => Promise<CfRequest | CfResponse>;

/** A fresh copy of the bundle per call, so each gets its own cold start with its own config. */
export function loadBundle(config: EdgeConfigFile): { handler: EdgeHandler; dir: string } {
  if (!existsSync(BUNDLE_FILE)) {
    throw new Error(`${BUNDLE_FILE} is missing: build it with \`npx tsx scripts/build.ts edge\` (npm test builds first).`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'residency-edge-bundle-'));
  copyFileSync(BUNDLE_FILE, join(dir, 'index.js'));
  // Lambda treats index.js as CommonJS; say so, whatever package.json lies above the temp folder.
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
  writeFileSync(join(dir, 'edge-config.json'), JSON.stringify(config));
  const mod = createRequire(join(dir, 'index.js'))(join(dir, 'index.js')) as { handler?: EdgeHandler };
  if (typeof mod.handler !== 'function') throw new Error(`${BUNDLE_FILE} does not export a handler function`);
  return { handler: mod.handler, dir };
}

/** Newest mtime under the given source folders, to warn when the bundle predates its sources. */
export function bundleIsStale(sourceFiles: string[]): boolean {
  if (!existsSync(BUNDLE_FILE)) return false;
  const built = statSync(BUNDLE_FILE).mtimeMs;
  return sourceFiles.some((f) => existsSync(f) && statSync(f).mtimeMs > built);
}

/** The behaviour's own origin in the event: never a real place (as in the local emulator). */
export const UNROUTED_ORIGIN = { custom: { domainName: 'unrouted.invalid', port: 443, protocol: 'https', path: '', sslProtocols: ['TLSv1.2'], readTimeout: 30, keepaliveTimeout: 5, customHeaders: {} } };

/** CloudFront keeps the viewer's spelling in `key`; the map key is lower-case. */
function headerKey(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

export function toOriginRequestEvent(req: EdgeRequest): OriginRequestEvent {
  const headers: CfRequest['headers'] = {};
  for (const [name, values] of Object.entries(req.headers)) headers[name] = values.map((value) => ({ key: headerKey(name), value }));
  const request: CfRequest = {
    clientIp: '203.0.113.178',
    method: req.method,
    uri: req.uri,
    querystring: req.querystring,
    headers,
    origin: structuredClone(UNROUTED_ORIGIN),
  };
  if (req.body) {
    request.body = {
      action: 'read-only',
      encoding: 'base64',
      data: Buffer.from(req.body.text, 'utf8').toString('base64'),
      inputTruncated: req.body.truncated,
    };
  }
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'origin-request',
            requestId: '4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==',
          },
          request,
        },
      },
    ],
  };
}

/** What both runs are compared on: the source Decision and the bundle's CloudFront result. */
export type Outcome =
  | { action: 'static' }
  | { action: 'forward'; region: string | undefined; origin: OriginSpec; uri: string; querystring: string; headers: Record<string, string[]> }
  | { action: 'respond'; status: number; headers: Record<string, string>; body: string };

export function fromDecision(d: Decision): Outcome {
  if (d.action === 'static') return d;
  if (d.action === 'respond') return { action: 'respond', status: d.status, headers: d.headers, body: d.body };
  return { action: 'forward', region: d.region, origin: d.origin, uri: d.uri, querystring: d.querystring, headers: d.headers };
}

/**
 * Translates the bundle's result back, checking on the way what CloudFront itself would refuse
 * (the local emulator answers such results with a 502): lower-case header names, `{key, value}`
 * entries, a string status in 200-599, an origin with every field set, exactly one host.
 */
export function fromCloudFront(event: OriginRequestEvent, result: CfRequest | CfResponse): Outcome {
  const input = event.Records[0].cf.request;
  const headers = (h: unknown): Record<string, string[]> => {
    if (!h || typeof h !== 'object') throw new Error('result headers are not an object');
    const out: Record<string, string[]> = {};
    for (const [name, entries] of Object.entries(h as Record<string, unknown>)) {
      if (name !== name.toLowerCase()) throw new Error(`result header ${name} is not lower-case`);
      if (!Array.isArray(entries)) throw new Error(`result header ${name} is not an array`);
      out[name] = entries.map((e: { key?: unknown; value?: unknown }) => {
        if (typeof e?.value !== 'string') throw new Error(`result header ${name} has a non-string value`);
        if (e.key !== undefined && (typeof e.key !== 'string' || e.key.toLowerCase() !== name)) throw new Error(`result header ${name} has key ${String(e.key)}`);
        return e.value;
      });
    }
    return out;
  };
  if ('status' in result) {
    if (typeof result.status !== 'string' || !/^[2-5]\d\d$/.test(result.status)) throw new Error(`status ${String(result.status)} is not a CloudFront status string`);
    if (result.body !== undefined && typeof result.body !== 'string') throw new Error('response body is not a string');
    if (result.bodyEncoding !== undefined && result.bodyEncoding !== 'text') throw new Error('edge responses are expected as text');
    const flat: Record<string, string> = {};
    for (const [name, values] of Object.entries(headers(result.headers))) {
      if (values.length !== 1) throw new Error(`response header ${name} has ${values.length} values`);
      flat[name] = values[0]!;
    }
    return { action: 'respond', status: Number(result.status), headers: flat, body: result.body ?? '' };
  }
  const r = result as CfRequest;
  if (r.method !== input.method || r.clientIp !== input.clientIp) throw new Error('method or clientIp changed');
  const custom = (r.origin as { custom?: Record<string, unknown> } | undefined)?.custom;
  if (JSON.stringify(r.origin) === JSON.stringify(UNROUTED_ORIGIN)) {
    // Static: CloudFront gets its request back untouched.
    if (JSON.stringify(r) !== JSON.stringify(input)) throw new Error('a static result must be the request unchanged');
    return { action: 'static' };
  }
  if (!custom) throw new Error('a forwarded request must name a custom origin');
  if (JSON.stringify(r.body) !== JSON.stringify(input.body)) throw new Error('the body must pass through unchanged');
  for (const f of ['sslProtocols', 'customHeaders'] as const) if (custom[f] === undefined) throw new Error(`origin.custom.${f} is missing`);
  const hs = headers(r.headers);
  if (hs.host?.length !== 1) throw new Error('exactly one host header is required');
  // A bucket request carries no residency headers: its region is the one whose bucket it names.
  const bucketOf = Object.entries(TEST_TARGETS).find(([, t]) => t.files.domainName === custom.domainName && t.files.port === custom.port)?.[0];
  return {
    action: 'forward',
    region: hs['x-residency-region']?.[0] ?? bucketOf,
    origin: {
      protocol: custom.protocol as OriginSpec['protocol'],
      domainName: custom.domainName as string,
      port: custom.port as number,
      path: custom.path as string,
      readTimeout: custom.readTimeout as number,
      keepaliveTimeout: custom.keepaliveTimeout as number,
    },
    uri: r.uri,
    querystring: r.querystring,
    headers: hs,
  };
}
