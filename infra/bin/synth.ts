// The CDK app entry: `npm run synth` (no credentials needed), or the CDK CLI for deploys:
//   npx aws-cdk@2 deploy --app "npx tsx infra/bin/synth.ts" ...   (see infra/README.md)
// Context (-c key=value): residency:phase=silos|all, residency:account, residency:catalog,
// residency:catalogSource=file|s3 (env RESIDENCY_CATALOG_SOURCE), residency:policy,
// residency:routingBucket, residency:routingRegion.
// An ES module (package.json "type": "module") run by tsx, hence the top-level await.
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_CATALOG_FILE, DEFAULT_POLICY_FILE } from '../../catalog/default-file.ts';
import { catalogSourceSetting, selectCatalog } from '../lib/catalog-source.ts';
import { newResidencyApp } from '../lib/feature-flags.ts';
import { buildResidencyApp, type DeployPhase } from '../lib/residency-app.ts';

/** Used when no account is known (npm run synth without credentials): synthesis only. */
export const PLACEHOLDER_ACCOUNT = '111111111111';

// The CDK CLI passes its output folder in CDK_OUTDIR; standalone runs write to cdk.out/.
const app = newResidencyApp(process.env.CDK_OUTDIR ? {} : { outdir: 'cdk.out' });
const context = (key: string): string | undefined => {
  const v: unknown = app.node.tryGetContext(key);
  return typeof v === 'string' && v !== '' ? v : undefined;
};

const account = context('residency:account') ?? process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT;
const phase = (context('residency:phase') ?? 'all') as DeployPhase;

// The repository's catalog file by default; with catalogSource=s3 the routing bucket's catalog
// object (what `npm run regions -- apply --target aws` wrote), for every stack.
let selected;
try {
  selected = await selectCatalog({
    source: catalogSourceSetting(context('residency:catalogSource')),
    catalogFile: context('residency:catalog') ?? (process.env.RESIDENCY_CATALOG_FILE || undefined),
    defaultCatalogFile: DEFAULT_CATALOG_FILE,
    policyFile: context('residency:policy') ?? DEFAULT_POLICY_FILE,
    account,
    placeholderAccount: PLACEHOLDER_ACCOUNT,
    routingBucket: context('residency:routingBucket'),
    routingRegion: context('residency:routingRegion'),
    s3: (region) => new S3Client({ region }),
  });
} catch (err) {
  console.error(`synth: ${(err as Error).message}`);
  process.exit(1);
}
console.log(`catalog: ${selected.describe}`);

const stacks = buildResidencyApp(app, {
  catalog: selected.catalog,
  catalogFile: selected.catalogFile,
  catalogOrigin: selected.describe,
  account,
  phase,
});
const assembly = app.synth();

console.log(`synthesized ${assembly.stacks.length} stacks for account ${account} (phase ${phase}) into ${assembly.directory}`);
for (const s of assembly.stacks) console.log(`  ${s.stackName.padEnd(34)} ${s.environment.region}`);
if (stacks.edge?.pendingRegions.length) {
  console.log(`  silo values not looked up yet: ${stacks.edge.pendingRegions.join(', ')} (offline at the edge until phase 2)`);
}
