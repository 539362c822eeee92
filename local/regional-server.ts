// One silo's API, locally: an HTTP server that turns each request into the Lambda Function URL
// event (payload 2.0) the deployed function receives, and runs the *built* handler on it.
// Run as its own process per region, with the region's environment, as Lambda would.
import { randomUUID } from 'node:crypto';
import { watchFile } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { FunctionUrlEvent, FunctionUrlResult } from '../regional/adapters/function-url.ts';

/** Lambda's synchronous invocation payload limit, which Function URLs inherit. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const TEXT_TYPES = /^(application\/json|text\/|application\/x-www-form-urlencoded)/i;

const port = Number(process.env.LOCAL_API_PORT);
const bundle = process.env.RESIDENCY_HANDLER;
if (!port || !bundle) throw new Error('LOCAL_API_PORT and RESIDENCY_HANDLER must be set');
type Handler = (e: FunctionUrlEvent) => Promise<FunctionUrlResult>;
const require = createRequire(import.meta.url);
const bundlePath = require.resolve(bundle);
const load = (): Handler => {
  delete require.cache[bundlePath];
  return (require(bundlePath) as { handler: Handler }).handler;
};
let handler = load();
// A changed catalog reaches this silo as a redeploy would: a fresh module, a new cold start.
if (process.env.RESIDENCY_CATALOG_FILE) {
  watchFile(process.env.RESIDENCY_CATALOG_FILE, { interval: 500 }, () => {
    handler = load();
    console.log(JSON.stringify({ event: 'catalog_reloaded' }));
  });
}

export function toEvent(req: IncomingMessage, body: Buffer): FunctionUrlEvent {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQueryString = q < 0 ? '' : url.slice(q + 1);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    // Function URLs move cookies out of the headers into `cookies`, one pair per entry.
    if (name === 'cookie') cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const query = new URLSearchParams(rawQueryString);
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    rawPath,
    rawQueryString,
    cookies: cookies.length ? cookies : undefined,
    headers,
    queryStringParameters: rawQueryString ? Object.fromEntries(query) : undefined,
    requestContext: {
      http: { method: req.method ?? 'GET', path: rawPath, sourceIp: req.socket.remoteAddress ?? '' },
      requestId: randomUUID(),
      timeEpoch: Date.now(),
    },
    body: body.length ? body.toString(isText ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  };
}

const server = createServer(async (req, res) => {
  const tooLarge = () =>
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ message: 'Request Entity Too Large' }));
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit, so the 413 reaches the client instead of a reset.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
  }
  if (size > MAX_REQUEST_BYTES) return tooLarge();
  // The limit applies to the invocation payload: a binary body counts base64-encoded.
  const event = toEvent(req, Buffer.concat(chunks));
  if (Buffer.byteLength(JSON.stringify(event)) > MAX_REQUEST_BYTES) return tooLarge();
  try {
    const result = await handler(event);
    const headers: Record<string, string | string[]> = { ...result.headers };
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    res.writeHead(result.statusCode, headers);
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  } catch (err) {
    // What Lambda answers when the function throws.
    console.error(JSON.stringify({ event: 'invoke_error', kind: (err as Error)?.name }));
    res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Internal Server Error' }));
  }
});

server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
