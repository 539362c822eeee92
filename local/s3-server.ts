// One local S3 endpoint: s3rver behind the signature check a private bucket performs
// (local/s3-signature.ts). Run as its own process; configured by environment.
import { createServer } from 'node:http';
import S3rver from 's3rver';
import { LOCAL_CREDENTIALS } from './aws-clients.ts';
import { s3SignatureChecker } from './s3-signature.ts';

const port = Number(process.env.S3_PORT);
const directory = process.env.S3_DIRECTORY;
const buckets = (process.env.S3_BUCKETS ?? '').split(',').filter(Boolean);
if (!port || !directory || !buckets.length) throw new Error('S3_PORT, S3_DIRECTORY and S3_BUCKETS must be set');

const s3 = new S3rver({ directory, silent: true, vhostBuckets: false, configureBuckets: buckets.map((name) => ({ name })) });
await s3.configureBuckets();
const serve = s3.callback();
const check = s3SignatureChecker(LOCAL_CREDENTIALS);

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  check(
    { method: req.method ?? 'GET', host: req.headers.host ?? '', path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers: req.headers },
    Date.now(),
  ).then(
    (verdict) => {
      if (verdict.ok) return serve(req, res);
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${verdict.code}</Code><Message>${verdict.message}</Message></Error>`);
    },
    () => {
      req.resume();
      res.writeHead(500).end();
    },
  );
});
server.listen(port, '127.0.0.1');
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)));
