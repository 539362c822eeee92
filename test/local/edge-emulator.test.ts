// The CloudFront emulator's fidelity: what it hands the function, and what it does with what the
// function returns. A stand-in function (written per test) echoes the event or returns a result
// chosen by the test, so every rule here can fail on its own.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { createEdgeEmulator } from '../../local/edge-emulator.ts';

const dirs: string[] = [];
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const listen = (s: Server) =>
  new Promise<number>((resolve) => {
    servers.push(s);
    s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
  });

/** Starts the emulator around a stand-in function whose body is `fn` (receives the event). */
async function emulatorWith(fn: string, viewerCountry?: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'residency-emu-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'index.js'), `exports.handler = async (event) => { ${fn} };`);
  const { server } = createEdgeEmulator({
    edgeDir: dir,
    staticS3: new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
    staticBucket: 'unused',
    viewerCountry,
    log: () => {},
  });
  return listen(server);
}

/** Raw HTTP so that tests control repeated headers exactly (fetch would merge them). */
function send(port: number, path: string, headers: [string, string][], body?: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const raw = [['Host', `127.0.0.1:${port}`], ...headers].flat() as unknown as Record<string, string>;
    const req = request({ host: '127.0.0.1', port, path, method, headers: raw }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ECHO = `return { status: '200', headers: { 'content-type': [{ key: 'Content-Type', value: 'application/json' }] }, body: JSON.stringify(event) };`;

describe('the event the function receives', () => {
  let port: number;
  before(async () => {
    port = await emulatorWith(ECHO, 'IE');
  });

  test('is an origin-request event with lower-cased, policy-filtered headers in CloudFront shape', async () => {
    const res = await send(port, '/api/me?b=2&a=%2F+x', [
      ['Accept', 'application/json'],
      ['X-Residency-Subject', 'forged'],
      ['Authorization', 'Bearer not-forwarded'],
      ['User-Agent', 'test'],
    ]);
    const { cf } = JSON.parse(res.body).Records[0];
    assert.equal(cf.config.eventType, 'origin-request');
    const req = cf.request;
    assert.equal(req.uri, '/api/me');
    assert.equal(req.querystring, 'b=2&a=%2F+x');
    assert.deepEqual(req.headers.accept, [{ key: 'accept', value: 'application/json' }]);
    for (const name of Object.keys(req.headers)) assert.equal(name, name.toLowerCase());
    for (const dropped of ['x-residency-subject', 'authorization', 'user-agent']) assert.equal(req.headers[dropped], undefined, dropped);
    assert.deepEqual(req.headers['cloudfront-viewer-country'], [{ key: 'cloudfront-viewer-country', value: 'IE' }]);
    assert.equal(req.headers.host.length, 1);
  });

  test('keeps several cookie headers as several entries, with only the allow-listed cookies', async () => {
    const res = await send(port, '/api/me', [
      ['Cookie', '__Host-session=aaa; tracking=1'],
      ['Cookie', 'other=2; __Host-region-hint=eu-west-1'],
      ['Cookie', 'only=junk'],
    ]);
    const { headers } = JSON.parse(res.body).Records[0].cf.request;
    assert.deepEqual(
      headers.cookie.map((c: { value: string }) => c.value),
      ['__Host-session=aaa', '__Host-region-hint=eu-west-1'],
    );
  });

  test('a per-request viewer country overrides the default; a client CloudFront-Viewer-Country does not', async () => {
    const set = await send(port, '/api/me', [['x-emulator-viewer-country', 'AU']]);
    assert.equal(JSON.parse(set.body).Records[0].cf.request.headers['cloudfront-viewer-country'][0].value, 'AU');
    const spoofed = await send(port, '/api/me', [['CloudFront-Viewer-Country', 'US']]);
    assert.equal(JSON.parse(spoofed.body).Records[0].cf.request.headers['cloudfront-viewer-country'][0].value, 'IE');
  });

  test('carries the body as includeBody does: base64, truncated past 1 MB', async () => {
    const port = await emulatorWith(
      `const b = event.Records[0].cf.request.body;
       const bytes = Buffer.from(b.data, 'base64');
       return { status: '200', headers: {}, body: JSON.stringify({ encoding: b.encoding, truncated: b.inputTruncated, length: bytes.length, head: bytes.subarray(0, 16).toString() }) };`,
    );
    const small = JSON.parse((await send(port, '/api/auth/signup', [['content-type', 'application/json']], '{"country":"IE"}', 'POST')).body);
    assert.deepEqual(small, { encoding: 'base64', truncated: false, length: 16, head: '{"country":"IE"}' });
    const big = JSON.parse((await send(port, '/api/auth/signup', [], 'x'.repeat(1024 * 1024 + 10), 'POST')).body);
    assert.deepEqual([big.truncated, big.length], [true, 1024 * 1024]);
  });

  test('file bytes never enter the function (no includeBody on /files/*), but the event says how many there are', async () => {
    const port = await emulatorWith(
      `const r = event.Records[0].cf.request;
       return { status: '200', headers: {}, body: JSON.stringify({ body: r.body ?? null, length: r.headers['content-length']?.[0].value }) };`,
    );
    const res = JSON.parse((await send(port, '/files/f1/content', [], 'x'.repeat(5000), 'PUT')).body);
    assert.deepEqual(res, { body: null, length: '5000' });
  });

  test('a generated response over 1 MB is invalid, as in CloudFront', async () => {
    const port = await emulatorWith(`return { status: '200', headers: {}, body: 'x'.repeat(1024 * 1024 + 1) };`);
    assert.equal((await send(port, '/api/me', [])).status, 502);
  });
});

describe('what the emulator does with the result', () => {
  const invalid: [string, string][] = [
    ['throws', `throw new Error('boom');`],
    ['returns nothing', `return undefined;`],
    ['returns a bad status', `return { status: '99', headers: {} };`],
    ['returns upper-case header names', `return { status: '200', headers: { 'Content-Type': [{ value: 'x' }] } };`],
    ['forgets to choose an origin', `const r = event.Records[0].cf.request; delete r.origin; return r;`],
    ['routes with two host headers', `const r = event.Records[0].cf.request; r.headers.host = [{value:'a'},{value:'b'}]; r.origin = { custom: { domainName: '127.0.0.1', port: 1, protocol: 'http', path: '' } }; return r;`],
    ['removes a read-only header (via)', `const r = event.Records[0].cf.request; delete r.headers.via; r.origin = { custom: { domainName: '127.0.0.1', port: 1, protocol: 'http', path: '' } }; return r;`],
    ['changes a read-only header (content-length)', `const r = event.Records[0].cf.request; r.headers['content-length'] = [{value:'1'}]; r.origin = { custom: { domainName: '127.0.0.1', port: 1, protocol: 'http', path: '' } }; return r;`],
  ];
  for (const [name, fn] of invalid) {
    test(`a function that ${name} gets CloudFront's 502`, async () => {
      const port = await emulatorWith(fn);
      const res = await send(port, '/api/me', []);
      assert.equal(res.status, 502);
      assert.match(res.body, /The request could not be satisfied/);
      assert.match(String(res.headers['x-cache']), /Lambda(Validation|Execution)Error from cloudfront/);
    });
  }

  test('a forwarded request reaches the chosen origin with the headers, URI and query string the function set', async () => {
    let seen: { url?: string; headers?: Record<string, unknown>; body?: string } = {};
    const origin = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { url: req.url, headers: req.headers, body };
        res.writeHead(201, { 'x-from-origin': 'yes' }).end('done');
      });
    });
    const originPort = await listen(origin);
    const port = await emulatorWith(
      `const r = event.Records[0].cf.request; r.headers.host = [{ key: 'host', value: '127.0.0.1' }];
       r.headers['x-residency-region'] = [{ value: 'eu-west-1' }];
       r.origin = { custom: { domainName: '127.0.0.1', port: ${originPort}, protocol: 'http', path: '/prefix', readTimeout: 5, keepaliveTimeout: 5, customHeaders: {} } };
       return r;`,
    );
    const res = await send(port, '/api/records?x=%2F&x=2', [['cookie', '__Host-session=a'], ['cookie', '__Host-region-hint=b']], 'payload', 'POST');
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-from-origin'], 'yes');
    assert.equal(res.headers['content-security-policy']?.toString().startsWith("default-src 'self'"), true);
    assert.equal(seen.url, '/prefix/api/records?x=%2F&x=2');
    assert.equal(seen.headers!['x-residency-region'], 'eu-west-1');
    assert.equal(seen.headers!.cookie, '__Host-session=a; __Host-region-hint=b');
    assert.equal(seen.body, 'payload');
  });

  test('an origin that is down is a 502 from CloudFront, not a hang', async () => {
    const port = await emulatorWith(
      `const r = event.Records[0].cf.request; r.headers.host = [{ value: '127.0.0.1' }];
       r.origin = { custom: { domainName: '127.0.0.1', port: 9, protocol: 'http', path: '', readTimeout: 2 } }; return r;`,
    );
    const res = await send(port, '/api/me', []);
    assert.equal(res.status, 502);
    assert.equal(res.headers['x-cache'], 'Error from cloudfront');
  });
});
