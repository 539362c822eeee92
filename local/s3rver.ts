// s3rver, one per silo (and one for the global static bucket), each with its own folder.
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { localS3 } from './aws-clients.ts';
import { waitFor, type Supervisor } from './processes.ts';

export async function startS3rver(
  supervisor: Supervisor,
  opts: { name: string; dataDir: string; port: number; region: string; buckets: string[] },
): Promise<string> {
  mkdirSync(opts.dataDir, { recursive: true });
  const bin = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  // s3rver's ListObjectsV2 continuation tokens use a digest OpenSSL 3 only offers in its legacy provider.
  const proc = supervisor.spawn(opts.name, process.execPath, [
    '--openssl-legacy-provider',
    bin,
    '--directory',
    opts.dataDir,
    '--address',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--silent',
    '--no-vhost-buckets',
    ...opts.buckets.flatMap((b) => ['--configure-bucket', b]),
  ]);
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = localS3(endpoint, opts.region);
  for (const bucket of opts.buckets) {
    await waitFor(`s3rver (${opts.name})`, () => client.send(new HeadBucketCommand({ Bucket: bucket })), { proc, logFile: supervisor.logFile(opts.name) });
  }
  client.destroy();
  return endpoint;
}
