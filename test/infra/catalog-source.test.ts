// Which catalog the synth builds from (infra/lib/catalog-source.ts, infra/bin/synth.ts): the
// repository file by default, the routing bucket's catalog object with catalogSource=s3. Against a
// real local S3 (s3rver behind the SigV4 check and the conditional writes of local/s3-server.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client, type S3ServiceException } from '@aws-sdk/client-s3';
import { DEFAULT_CATALOG_FILE, DEFAULT_POLICY_FILE } from '../../catalog/default-file.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { CatalogError } from '../../catalog/schema.ts';
import { localS3 } from '../../local/aws-clients.ts';
import { freePort } from '../../local/free-port.ts';
import { Supervisor } from '../../local/processes.ts';
import { startS3rver } from '../../local/s3rver.ts';
import {
  CatalogSourceError,
  NO_CATALOG_YET,
  catalogSourceSetting,
  parseCatalogSourceKind,
  selectCatalog,
  type CatalogObjectReader,
  type CatalogSourceSettings,
} from '../../infra/lib/catalog-source.ts';
import { EDGE_REGION, ROUTING_CATALOG_KEY, routingBucketName, stackNames } from '../../infra/lib/names.ts';
import { ACCOUNT, functionAssetDir, onlyResource, requireBundles, synthesize } from './fixture.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** A real-looking account (the fixture's ACCOUNT is synth.ts's placeholder, refused for s3). */
const REAL = '123456789012';
const EMPTY = '210987654321';
const PLACEHOLDER = ACCOUNT;

let dataDir: string;
let supervisor: Supervisor;
let endpoint: string;
const regionsAsked: string[] = [];
const s3 = () => localS3(endpoint, EDGE_REGION);

const settings = (over: Partial<CatalogSourceSettings> = {}): CatalogSourceSettings => ({
  source: 's3',
  defaultCatalogFile: DEFAULT_CATALOG_FILE,
  policyFile: DEFAULT_POLICY_FILE,
  account: REAL,
  placeholderAccount: PLACEHOLDER,
  s3: (region) => {
    regionsAsked.push(region);
    return s3();
  },
  ...over,
});

/** The repository catalog with Canada added to the US silo (allowed: CA may be served from US). */
const movedText = () => {
  const raw = JSON.parse(readFileSync(DEFAULT_CATALOG_FILE, 'utf8'));
  raw.countries.CA = 'us-east-2';
  return `${JSON.stringify(raw, null, 2)}\n`;
};

async function seed(account: string, body: string, condition: { IfNoneMatch?: string; IfMatch?: string } = { IfNoneMatch: '*' }) {
  return s3().send(new PutObjectCommand({ Bucket: routingBucketName(account), Key: ROUTING_CATALOG_KEY, Body: body, ContentType: 'application/json', ...condition }));
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'residency-catalog-source-'));
  supervisor = new Supervisor(join(dataDir, 'logs'));
  endpoint = await startS3rver(supervisor, {
    name: 'test-routing-s3',
    dataDir: join(dataDir, 's3'),
    port: await freePort(),
    region: EDGE_REGION,
    buckets: [routingBucketName(REAL), routingBucketName(EMPTY), 'residency-routing-bad'],
  });
});
after(async () => {
  await supervisor?.stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('selecting the source', () => {
  it('context wins over RESIDENCY_CATALOG_SOURCE; empty is unset; the default is the file', () => {
    assert.equal(catalogSourceSetting('s3', {}), 's3');
    assert.equal(catalogSourceSetting(undefined, { RESIDENCY_CATALOG_SOURCE: 's3' }), 's3');
    assert.equal(catalogSourceSetting('file', { RESIDENCY_CATALOG_SOURCE: 's3' }), 'file');
    assert.equal(catalogSourceSetting(undefined, { RESIDENCY_CATALOG_SOURCE: '' }), undefined);
    assert.equal(parseCatalogSourceKind(undefined), 'file');
    assert.throws(() => parseCatalogSourceKind('S3'), CatalogSourceError);
    assert.throws(() => parseCatalogSourceKind('bucket'), /expected "file" or "s3"/);
  });

  it('by default reads the repository file exactly as before, and never builds an S3 client', async () => {
    const never = () => {
      throw new Error('no S3 client for the file source');
    };
    const picked = await selectCatalog(settings({ source: undefined, account: PLACEHOLDER, s3: never }));
    assert.equal(picked.kind, 'file');
    assert.equal(picked.catalogFile, DEFAULT_CATALOG_FILE);
    assert.deepEqual(picked.catalog, loadCatalog(DEFAULT_CATALOG_FILE));
    assert.equal(picked.describe, 'file catalog/regions.json');
    assert.equal(picked.etag, undefined);
    const named = await selectCatalog(settings({ source: 'file', catalogFile: DEFAULT_CATALOG_FILE, s3: never }));
    assert.equal(named.catalogFile, DEFAULT_CATALOG_FILE);
  });

  it('s3 refuses the placeholder account and a catalog file named at the same time', async () => {
    await assert.rejects(selectCatalog(settings({ account: PLACEHOLDER })), (e: Error) => e instanceof CatalogSourceError && /CDK_DEFAULT_ACCOUNT/.test(e.message));
    await assert.rejects(selectCatalog(settings({ catalogFile: DEFAULT_CATALOG_FILE })), /drop one of them/);
  });
});

describe('the routing bucket as the source', () => {
  it('an empty bucket fails with the seeding instruction', async () => {
    await assert.rejects(selectCatalog(settings({ account: EMPTY })), (e: Error) => {
      assert.ok(e instanceof CatalogSourceError);
      assert.ok(e.message.startsWith(NO_CATALOG_YET), e.message);
      assert.match(e.message, new RegExp(`s3://${routingBucketName(EMPTY)}/${ROUTING_CATALOG_KEY}`));
      return true;
    });
    assert.equal(
      NO_CATALOG_YET,
      'the routing bucket has no catalog yet: seed it with `npm run regions -- apply --target aws` (it writes the catalog you deploy with)',
    );
  });

  it('reads residency-routing-<account>/routing/catalog.json in us-east-1, with its ETag, and keeps its bytes for the silos', async () => {
    const text = movedText();
    const put = await seed(REAL, text);
    regionsAsked.length = 0;
    const picked = await selectCatalog(settings());
    assert.deepEqual(regionsAsked, [EDGE_REGION]);
    assert.equal(picked.kind, 's3');
    assert.equal(picked.location, `s3://residency-routing-${REAL}/routing/catalog.json`);
    assert.equal(picked.etag, put.ETag);
    assert.match(picked.etag!, /^".+"$/, 'quoted, as S3 sends it and If-Match takes it');
    assert.equal(picked.catalog.countries.CA, 'us-east-2');
    assert.equal(readFileSync(picked.catalogFile, 'utf8'), text, 'the object bytes, verbatim');
    assert.equal(picked.describe, `s3://residency-routing-${REAL}/routing/catalog.json (us-east-1) ETag ${put.ETag}`);
  });

  it('its ETag is the one a compare-and-swap apply must send: a stale one gets 412', async () => {
    const first = await selectCatalog(settings());
    const next = movedText().replace('"CA": "us-east-2"', '"CA": "us-east-2",\n    "GB": "eu-west-1"');
    const swapped = await seed(REAL, next, { IfMatch: first.etag! });
    const second = await selectCatalog(settings());
    assert.equal(second.etag, swapped.ETag);
    assert.equal(second.catalog.countries.GB, 'eu-west-1');
    await assert.rejects(seed(REAL, movedText(), { IfMatch: first.etag! }), (e: S3ServiceException) => e.$metadata.httpStatusCode === 412);
    assert.equal((await selectCatalog(settings())).etag, swapped.ETag, 'the concurrent edit was not written');
  });

  it('checks the object like the CLI does: schema and residency policy, every problem listed', async () => {
    const raw = JSON.parse(movedText());
    raw.countries.US = 'eu-west-1';
    raw.regions[1].status = 'sleeping';
    await seed('bad', JSON.stringify(raw));
    await assert.rejects(selectCatalog(settings({ routingBucket: 'residency-routing-bad' })), (e: Error) => {
      assert.ok(e instanceof CatalogError, e.message);
      assert.ok(e.problems.some((p) => /^s3:\/\/residency-routing-bad\/routing\/catalog\.json: regions\.1\.status/.test(p)), e.message);
      return true;
    });
    raw.regions[1].status = 'active';
    await seed('bad', JSON.stringify(raw), {});
    await assert.rejects(selectCatalog(settings({ routingBucket: 'residency-routing-bad' })), (e: Error) => {
      assert.ok(e instanceof CatalogError, e.message);
      assert.deepEqual(e.problems, [
        's3://residency-routing-bad/routing/catalog.json: countries.US: maps to eu-west-1 (EU), but the policy allows US only in US',
      ]);
      return true;
    });
    await seed('bad', '{"product": ', {});
    await assert.rejects(selectCatalog(settings({ routingBucket: 'residency-routing-bad' })), /not valid JSON/);
  });

  it('says what is wrong when the bucket is missing or the credentials are refused', async () => {
    await assert.rejects(selectCatalog(settings({ account: '999999999999' })), /routing bucket residency-routing-999999999999 does not exist: deploy Residency-Edge once/);
    const wrongKeys = (region: string): CatalogObjectReader =>
      new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' } });
    await assert.rejects(selectCatalog(settings({ s3: wrongKeys })), /access denied reading s3:\/\/residency-routing-123456789012\/routing\/catalog\.json/);
  });

  it('every stack is built from it: edge-config countries, the silo regions.json, the edge output', async () => {
    requireBundles();
    const picked = await selectCatalog(settings());
    const s = synthesize(
      { catalog: picked.catalog, catalogFile: picked.catalogFile, catalogOrigin: picked.describe, rulePacks: false },
      { cfnValidation: false },
    );
    assert.equal(s.stacks.edge!.edgeConfig.routing.countries.CA, 'us-east-2');
    assert.equal(s.stacks.edge!.edgeConfig.routing.countries.GB, 'eu-west-1');
    for (const region of picked.catalog.regions.map((r) => r.code)) {
      const t = s.json[stackNames.silo(region)];
      const [fnId] = onlyResource(t, 'AWS::Lambda::Function', (r) => r.Properties.Handler === 'index.handler');
      assert.equal(readFileSync(join(functionAssetDir(s.assembly, t, fnId), 'regions.json'), 'utf8'), readFileSync(picked.catalogFile, 'utf8'));
    }
    assert.equal(s.json[stackNames.edge].Outputs.RoutingCatalogOrigin.Value, picked.describe);
    assert.match(picked.describe, /ETag "/);
  });
});

describe('infra/bin/synth.ts', () => {
  /** Runs the app entry as the CDK CLI would, with the SDK's default chain pointed at s3rver. */
  const runSynth = (env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const outdir = mkdtempSync(join(tmpdir(), 'residency-synth-'));
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|CDK_|RESIDENCY_)/.test(k)));
      const proc = spawn(process.execPath, ['--import', 'tsx', 'infra/bin/synth.ts'], {
        cwd: REPO,
        env: {
          ...base,
          CDK_OUTDIR: outdir,
          AWS_ENDPOINT_URL_S3: endpoint,
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      proc.stdout.on('data', (d) => (out += d));
      proc.stderr.on('data', (d) => (out += d));
      proc.on('close', (code) => {
        rmSync(outdir, { recursive: true, force: true });
        resolve({ code, out });
      });
    });

  it('RESIDENCY_CATALOG_SOURCE=s3 with an empty bucket stops before synthesis with the seeding instruction', async () => {
    const r = await runSynth({ RESIDENCY_CATALOG_SOURCE: 's3', CDK_DEFAULT_ACCOUNT: EMPTY });
    assert.equal(r.code, 1, r.out);
    assert.ok(r.out.includes(NO_CATALOG_YET), r.out);
    assert.doesNotMatch(r.out, /synthesized/);
  });

  it('-c residency:catalogSource=s3 (as the CDK CLI passes it) synthesizes from the bucket and prints its ETag', async () => {
    const etag = (await selectCatalog(settings())).etag!;
    const r = await runSynth({ CDK_CONTEXT_JSON: JSON.stringify({ 'residency:catalogSource': 's3' }), CDK_DEFAULT_ACCOUNT: REAL });
    assert.equal(r.code, 0, r.out);
    assert.ok(r.out.includes(`catalog: s3://residency-routing-${REAL}/routing/catalog.json (us-east-1) ETag ${etag}`), r.out);
    assert.match(r.out, new RegExp(`synthesized 5 stacks for account ${REAL}`));
  });
});
