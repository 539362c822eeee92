// `npm run regions -- --target aws`: the router's deploy-time configuration in the routing
// bucket. Runs the real CLI with the AWS SDK's standard endpoint variables pointed at the local
// stand-ins: an S3 that performs conditional writes and signature checks (local/s3-server.ts)
// and DynamoDB Local holding a directory. Nothing here knows it is not AWS.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CATALOG_FILE } from '../../catalog/default-file.ts';
import { parseCatalog, type Catalog } from '../../catalog/schema.ts';
import { ROUTING_CATALOG_KEY, ROUTING_LOG_PREFIX, routingBucketName } from '../../infra/lib/names.ts';
import { LOCAL_CREDENTIALS, localDynamo, localS3 } from '../../local/aws-clients.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { freePort } from '../../local/free-port.ts';
import { Supervisor } from '../../local/processes.ts';
import { ConcurrentEditError } from '../../local/running-catalog.ts';
import { startS3rver } from '../../local/s3rver.ts';
import { DIRECTORY_TABLE } from '../../regional/adapters/tables.ts';
import { openAwsTarget } from '../../ops/aws-target.ts';

const ACCOUNT = '123456789012';
const BUCKET = routingBucketName(ACCOUNT);
const work = mkdtempSync(join(tmpdir(), 'residency-aws-target-'));
const catalogFile = join(work, 'regions.json');
const base = JSON.parse(readFileSync(DEFAULT_CATALOG_FILE, 'utf8')) as Catalog;
const supervisor = new Supervisor(join(work, 'logs'));
let s3Endpoint: string;
let dynamoEndpoint: string;

before(async () => {
  [s3Endpoint, dynamoEndpoint] = await Promise.all([
    startS3rver(supervisor, { name: 'routing-s3', dataDir: join(work, 's3'), port: await freePort(), region: 'us-east-1', buckets: [BUCKET] }),
    startDynamoDbLocal(supervisor, { name: 'directory', dataDir: join(work, 'db'), port: await freePort(), region: 'eu-west-1', tables: [{ name: DIRECTORY_TABLE, partitionKey: 'bidx' }] }),
  ]);
  const db = localDynamo(dynamoEndpoint, 'eu-west-1');
  for (const [i, region] of ['eu-west-1', 'eu-west-1', 'us-east-2'].entries()) {
    await db.send(new PutItemCommand({ TableName: DIRECTORY_TABLE, Item: { bidx: { S: `${i}`.padStart(64, 'a') }, region: { S: region } } }));
  }
  db.destroy();
  // The SDK's own configuration, as an operator's shell would set it for another endpoint.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
  writeFileSync(catalogFile, JSON.stringify(base, null, 2));
});
after(async () => {
  await supervisor.stopAll();
  rmSync(work, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'ops/regions.ts', ...args, '--catalog', catalogFile, '--target', 'aws', '--account', ACCOUNT], {
    encoding: 'utf8',
    env: process.env,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const edit = (change: (c: Catalog) => Catalog) => writeFileSync(catalogFile, JSON.stringify(change(JSON.parse(readFileSync(catalogFile, 'utf8')) as Catalog), null, 2));

async function stored(): Promise<{ catalog: Catalog; etag: string }> {
  const s3 = localS3(s3Endpoint, 'us-east-1');
  const obj = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: ROUTING_CATALOG_KEY }));
  const catalog = parseCatalog(JSON.parse(await obj.Body!.transformToString()), 'stored');
  s3.destroy();
  return { catalog, etag: obj.ETag! };
}
async function logKeys(): Promise<string[]> {
  const s3 = localS3(s3Endpoint, 'us-east-1');
  const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: ROUTING_LOG_PREFIX }));
  s3.destroy();
  return (list.Contents ?? []).map((o) => o.Key!);
}

describe('regions CLI against the AWS routing configuration', () => {
  test('plan on an empty routing bucket says the apply will seed it, with users per region from the directory', () => {
    const r = cli('plan');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`s3://${BUCKET}/${ROUTING_CATALOG_KEY} \\(empty: this apply seeds it\\)`));
    assert.match(r.out, /Users per region \(directory, counts only\): eu-west-1 2, us-east-2 1/);
  });

  test('apply seeds the bucket (a conditional create) and logs it', async () => {
    const r = cli('apply', '--yes');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Deploy the edge to put the new mapping into effect:\n.*-c residency:catalogSource=s3 Residency-Edge/);
    assert.deepEqual((await stored()).catalog, parseCatalog(base, 'base'));
    assert.equal((await logKeys()).length, 1);
    assert.match(cli('plan').out, /No changes: the target already runs this catalog/);
  });

  test('a mapping change is planned with its impact, applied with If-Match, and logged with from and to', async () => {
    const before = await stored();
    edit((c) => ({ ...c, countries: { ...c.countries, CA: 'us-east-2' } }));
    const plan = cli('plan');
    assert.equal(plan.code, 0, plan.out);
    assert.match(plan.out, /CA/);
    const r = cli('apply', '--yes');
    assert.equal(r.code, 0, r.out);
    const after = await stored();
    assert.notEqual(after.etag, before.etag);
    assert.equal(after.catalog.countries.CA, 'us-east-2');
    const log = cli('log');
    assert.equal(log.code, 0);
    const entries = log.out.trim().split('\n').map((l) => JSON.parse(l) as { from: string | null; to: string; changes: string[]; who: string });
    assert.equal(entries.length, 2);
    assert.deepEqual([entries[1]!.from, entries[1]!.to], [before.etag, after.etag]);
    assert.ok(entries[1]!.changes.some((c) => c.includes('CA')));
    assert.ok(entries[1]!.who);
  });

  test('a concurrent edit is detected, not overwritten', async () => {
    const seed = parseCatalog(JSON.parse(readFileSync(catalogFile, 'utf8')), 'file');
    const mine = await openAwsTarget({ account: ACCOUNT, seed });
    const theirs = await openAwsTarget({ account: ACCOUNT, seed });
    const entry = { at: new Date().toISOString(), who: 'test', source: 'test', changes: ['x'] };
    const theirCatalog = { ...seed, retryAfterSeconds: seed.retryAfterSeconds + 1 };
    await theirs.apply(theirCatalog, theirs.etag, entry);
    await assert.rejects(mine.apply({ ...seed, retryAfterSeconds: seed.retryAfterSeconds + 2 }, mine.etag, entry), ConcurrentEditError);
    assert.equal((await stored()).catalog.retryAfterSeconds, theirCatalog.retryAfterSeconds, 'their edit stands');
    // Seeding twice is a concurrent edit too: the create is conditional.
    const s3 = localS3(s3Endpoint, 'us-east-1');
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: ROUTING_CATALOG_KEY, Body: '{}', IfNoneMatch: '*' })), /PreconditionFailed/);
    s3.destroy();
    // Put the file's catalog back for the next test.
    const now = await openAwsTarget({ account: ACCOUNT, seed });
    await now.apply(seed, now.etag, entry);
  });

  test('guardrails hold here too: a region that still holds users is not removed, and nothing is written', async () => {
    const before = await stored();
    edit((c) => ({
      ...c,
      regions: c.regions.filter((r) => r.code !== 'us-east-2'),
      countries: Object.fromEntries(Object.entries(c.countries).filter(([, r]) => r !== 'us-east-2')),
      defaultRegion: 'eu-west-1',
    }));
    const r = cli('apply', '--yes');
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /refused: .*us-east-2.*1 user/);
    assert.equal((await stored()).etag, before.etag);
    writeFileSync(catalogFile, JSON.stringify(before.catalog, null, 2));
  });

  test('a bucket that does not exist is named, not a crash', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'ops/regions.ts', 'plan', '--catalog', catalogFile, '--target', 'aws', '--routing-bucket', 'no-such-routing-bucket'], {
      encoding: 'utf8',
      env: process.env,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /there is no bucket no-such-routing-bucket in us-east-1/);
  });

  test('without a bucket or an account the target is named as missing, not a crash', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'ops/regions.ts', 'plan', '--catalog', catalogFile, '--target', 'aws'], {
      encoding: 'utf8',
      env: { ...process.env, CDK_DEFAULT_ACCOUNT: '' },
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--target aws needs --routing-bucket NAME, or --account ID/);
  });
});
