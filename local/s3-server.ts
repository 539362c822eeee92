// One local S3 endpoint: s3rver behind the signature check a private bucket performs
// (local/s3-signature.ts). Run as its own process; configured by environment.
import { createServer, type ServerResponse } from 'node:http';
import S3rver from 's3rver';
import { LOCAL_CREDENTIALS } from './aws-clients.ts';
import { objectGate } from './s3-object-gate.ts';
import { s3SignatureChecker } from './s3-signature.ts';

const port = Number(process.env.S3_PORT);
const directory = process.env.S3_DIRECTORY;
const buckets = (process.env.S3_BUCKETS ?? '').split(',').filter(Boolean);
if (!port || !directory || !buckets.length) throw new Error('S3_PORT, S3_DIRECTORY and S3_BUCKETS must be set');

const s3 = new S3rver({ directory, silent: true, vhostBuckets: false, configureBuckets: buckets.map((name) => ({ name })) });
await s3.configureBuckets();
const serve = s3.callback();
const check = s3SignatureChecker(LOCAL_CREDENTIALS);
const gate = objectGate({
  async etagOf(bucket, key) {
    if (!(await s3.store.existsObject(bucket, key))) return undefined;
    return (await s3.store.getMetadata(bucket, key)).etag;
  },
});

function deny(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

/** Percent-decoding that leaves a malformed sequence as it is (s3rver then answers for it). */
function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Path-style `/<bucket>/<key>`; the key as S3 stores it (decoded). */
function target(path: string): { bucket: string; key: string } {
  const [, bucket = '', ...rest] = path.split('/');
  return { bucket, key: decoded(rest.join('/')) };
}

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  check(
    { method: req.method ?? 'GET', host: req.headers.host ?? '', path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers: req.headers },
    Date.now(),
  ).then(
    async (verdict) => {
      if (!verdict.ok) {
        req.resume();
        return deny(res, 403, verdict.code, verdict.message);
      }
      const { bucket, key } = target(q < 0 ? url : url.slice(0, q));
      const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      const source = header('x-amz-copy-source');
      const written = await gate(
        {
          method: req.method ?? 'GET',
          bucket,
          key,
          copySource: source === undefined ? undefined : decoded(source.replace(/^\//, '')),
          ifMatch: header('if-match'),
          ifNoneMatch: header('if-none-match'),
        },
        () => new Promise<void>((done) => {
          res.once('finish', done);
          res.once('close', done);
          serve(req, res);
        }),
      );
      if (!written.ok) {
        req.resume();
        deny(res, written.status, written.code, written.message);
      }
    },
    () => {
      req.resume();
      res.writeHead(500).end();
    },
  );
});
server.listen(port, '127.0.0.1');
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)));
