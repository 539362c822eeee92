// Publishes the built app into the global static bucket (what `aws s3 sync` does on deploy).
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { contentTypeOf } from './edge-emulator.ts';

export async function publishApp(s3: S3Client, bucket: string, appDir: string): Promise<number> {
  if (!existsSync(join(appDir, 'index.html'))) throw new Error(`${appDir}/index.html is missing: run npm run build`);
  const files = readdirSync(appDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  for (const f of files) {
    const path = join(f.parentPath, f.name);
    const key = relative(appDir, path).split('\\').join('/');
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: readFileSync(path),
        ContentType: contentTypeOf(key),
        // Vite fingerprints assets, so they never change; index.html must be revalidated.
        CacheControl: key.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      }),
    );
  }
  return files.length;
}
