// `npm run inspect [-- REGION|global] [--json] [--data DIR]`: what each store of the running local stack holds,
// read directly from DynamoDB Local and s3rver (not through the API).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { StackManifest } from './manifest.ts';
import { readRunningManifest, readSettings } from './settings.ts';
import { dumpEverything, StoreReadError } from './stores.ts';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false }, data: { type: 'string' } } });
const asJson = args.json;
const only = positionals[0];
let manifest: StackManifest;
try {
  manifest = readRunningManifest<StackManifest>(args.data ? resolve(args.data) : readSettings().dataDir);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const all = await dumpEverything(manifest).catch((err: unknown) => {
  if (!(err instanceof StoreReadError)) throw err;
  console.error(`${err.message}. Is that store's process running?`);
  process.exit(1);
});
const dumps = all.filter((d) => !only || d.store === only || d.store.startsWith(`${only}:`));
if (dumps.length === 0) {
  console.error(`No store named "${only}". Stores: ${Object.keys(manifest.regions).join(', ')}, global`);
  process.exit(1);
}
const redact = (k: string, v: unknown) => (k === 'passwordHash' ? '[scrypt hash]' : v);
if (asJson) {
  console.log(JSON.stringify(dumps, redact, 2));
} else {
  for (const d of dumps) {
    const r = manifest.regions[d.store];
    console.log(`\n== ${d.store}${r ? ` — ${r.label} [${r.jurisdiction}]  DynamoDB ${r.dynamodb.endpoint}  S3 ${r.s3.endpoint}` : ''}`);
    console.log(`   ${d.items.length} items, ${Object.keys(d.objects).length} objects`);
    for (const item of d.items) console.log(`   ${JSON.stringify(item, redact)}`);
    for (const key of Object.keys(d.objects)) console.log(`   object ${key}`);
  }
}
