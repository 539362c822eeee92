// s3rver, one per silo (and one for the global static bucket), each with its own folder, behind
// the SigV4 check a private bucket makes (local/s3-server.ts).
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { localS3 } from './aws-clients.ts';
import { waitFor, type Supervisor } from './processes.ts';

const SERVER = fileURLToPath(new URL('./s3-server.ts', import.meta.url));

export async function startS3rver(
  supervisor: Supervisor,
  opts: { name: string; dataDir: string; port: number; region: string; buckets: string[] },
): Promise<string> {
  mkdirSync(opts.dataDir, { recursive: true });
  // s3rver's ListObjectsV2 continuation tokens use a digest OpenSSL 3 only offers in its legacy provider.
  const proc = supervisor.spawn(opts.name, process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', SERVER], {
    S3_PORT: String(opts.port),
    S3_DIRECTORY: opts.dataDir,
    S3_BUCKETS: opts.buckets.join(','),
  });
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = localS3(endpoint, opts.region);
  for (const bucket of opts.buckets) {
    await waitFor(`s3rver (${opts.name})`, () => client.send(new HeadBucketCommand({ Bucket: bucket })), { proc, logFile: supervisor.logFile(opts.name) });
  }
  client.destroy();
  return endpoint;
}
