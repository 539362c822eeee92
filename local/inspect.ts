// `npm run inspect [-- REGION|global] [--json]`: what each store of the running local stack holds,
// read directly from DynamoDB Local and s3rver (not through the API).
import { existsSync, readFileSync } from 'node:fs';
import type { StackManifest } from './manifest.ts';
import { manifestPath, readSettings } from './settings.ts';
import { dumpEverything } from './stores.ts';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const only = args.find((a) => !a.startsWith('--'));
const file = manifestPath(readSettings().dataDir);
if (!existsSync(file)) {
  console.error(`No local stack manifest at ${file}: start the stack with npm start (or set RESIDENCY_DATA).`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(file, 'utf8')) as StackManifest;
const dumps = (await dumpEverything(manifest)).filter((d) => !only || d.store === only || d.store.startsWith(`${only}:`));
if (dumps.length === 0) {
  console.error(`No store named "${only}". Stores: ${Object.keys(manifest.regions).join(', ')}, global`);
  process.exit(1);
}
if (asJson) {
  console.log(JSON.stringify(dumps, null, 2));
} else {
  for (const d of dumps) {
    const r = manifest.regions[d.store];
    console.log(`\n== ${d.store}${r ? ` — ${r.label} [${r.jurisdiction}]  DynamoDB ${r.dynamodb.endpoint}  S3 ${r.s3.endpoint}` : ''}`);
    console.log(`   ${d.items.length} items, ${Object.keys(d.objects).length} objects`);
    for (const item of d.items) console.log(`   ${JSON.stringify(item, (k, v) => (k === 'passwordHash' ? '[scrypt hash]' : v))}`);
    if (d.store !== 'global:static') for (const key of Object.keys(d.objects)) console.log(`   object ${key}`);
  }
}
