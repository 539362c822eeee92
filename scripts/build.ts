// Builds the artifacts that deploy and that the local stack runs: the Lambda@Edge bundle, the
// regional API bundle and the static app. `npm run build`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build as viteBuild } from 'vite';

/** Issue #3's budget for the minified edge bundle (Lambda@Edge itself allows 1 MB for viewer triggers). */
const EDGE_BUDGET_BYTES = 50 * 1024;

const only = process.argv[2];

async function buildEdge() {
  await build({
    entryPoints: ['edge/adapters/lambda-edge.ts'],
    outfile: 'dist/edge/index.js',
    bundle: true,
    minify: true,
    platform: 'node',
    // Lambda@Edge runs nodejs22.x/20.x and refuses require(esm): one self-contained CJS file.
    format: 'cjs',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const bytes = readFileSync('dist/edge/index.js');
  const report = {
    bytes: bytes.length,
    gzipBytes: gzipSync(bytes).length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    budget: EDGE_BUDGET_BYTES,
  };
  writeFileSync('dist/edge/size.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log(`edge bundle: ${(report.bytes / 1024).toFixed(1)} KB minified, ${(report.gzipBytes / 1024).toFixed(1)} KB gzip (budget ${EDGE_BUDGET_BYTES / 1024} KB)`);
  if (report.bytes > EDGE_BUDGET_BYTES) {
    throw new Error(`edge bundle is ${report.bytes} bytes, over its ${EDGE_BUDGET_BYTES}-byte budget`);
  }
}

async function buildRegional() {
  await build({
    entryPoints: ['regional/index.ts'],
    outfile: 'dist/regional/index.js',
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    legalComments: 'none',
    logLevel: 'warning',
  });
  console.log(`regional bundle: ${(readFileSync('dist/regional/index.js').length / 1024).toFixed(0)} KB`);
}

async function buildApp() {
  await viteBuild({ configFile: 'app/vite.config.ts', logLevel: 'warn' });
  console.log('app: dist/app');
}

const steps: Record<string, () => Promise<void>> = { edge: buildEdge, regional: buildRegional, app: buildApp };
for (const [name, step] of Object.entries(steps)) {
  if (!only || only === name) await step();
}
