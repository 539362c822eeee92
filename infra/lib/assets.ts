// Lambda code assets: the same esbuild artifacts the local stack runs (invariant 6), copied into
// a folder together with the files that travel beside them.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoFile = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));

export const DEFAULT_EDGE_BUNDLE = repoFile('dist/edge/index.js');
export const DEFAULT_REGIONAL_BUNDLE = repoFile('dist/regional/index.js');

export class MissingBundleError extends Error {
  readonly code = 'bundle_missing';
}

/** Reads a built bundle, or says exactly how to build it. */
export function readBundle(file: string, buildTarget: 'edge' | 'regional'): Buffer {
  if (!existsSync(file)) {
    throw new MissingBundleError(
      `${file} is missing: build it with \`npx tsx scripts/build.ts ${buildTarget}\` (\`npm test\` runs \`npm run build\` first)`,
    );
  }
  return readFileSync(file);
}

const staged: string[] = [];
// CDK copies an asset into the cloud assembly when the construct is created; the source folder
// is only needed until the process ends.
process.once('exit', () => {
  for (const dir of staged) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` into a fresh folder and returns it; the asset hash depends only on the contents. */
export function stageAssetFolder(label: string, files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), `residency-${label}-`));
  staged.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
