// `npm start`: the whole multi-region stack on this machine, no AWS account.
// Per region: DynamoDB Local, s3rver and the regional API (the built Lambda handler). Globally:
// the directory, the static bucket with the built app, and the CloudFront emulator running the
// built edge bundle. Ctrl-C stops everything; data stays in the data folder.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, watchFile, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_CATALOG_FILE, DEFAULT_POLICY_FILE } from '../catalog/default-file.ts';
import { loadCheckedCatalog } from '../catalog/load.ts';
import type { Catalog } from '../catalog/schema.ts';
import { CONFIG_FILE_NAME } from '../edge/adapters/lambda-edge.ts';
import { buildEdgeConfig, type RegionTarget } from '../edge/build/edge-config.ts';
import { DIRECTORY_TABLE, DIRECTORY_TABLE_KEYS, SILO_TABLE_KEYS, SILO_TTL_ATTRIBUTE, siloBucketName, siloTableName } from '../regional/adapters/tables.ts';
import { LOCAL_CREDENTIALS, localS3 } from './aws-clients.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';
import { createEdgeEmulator } from './edge-emulator.ts';
import { portPicker } from './free-port.ts';
import type { StackManifest } from './manifest.ts';
import { Supervisor, waitFor } from './processes.ts';
import { startS3rver } from './s3rver.ts';
import { ensureLocalSecrets } from './secrets.ts';
import { manifestPath, readSettings, runningStackPid } from './settings.ts';
import { publishApp } from './static-site.ts';
import { readRunningCatalog, recordDeployment, runningCatalogFile, writeRunningCatalog } from './running-catalog.ts';

const STATIC_BUCKET = 'residency-static';
const GLOBAL_REGION = 'us-east-1';
const dist = resolve('dist');

const step = (what: string) => console.log(`  … ${what}`);
const done = (what: string) => console.log(`  ✓ ${what}`);

async function main() {
  const settings = readSettings();
  const catalogFile = process.env.RESIDENCY_CATALOG_FILE || DEFAULT_CATALOG_FILE;
  const catalog = loadCheckedCatalog(catalogFile, process.env.RESIDENCY_POLICY_FILE || DEFAULT_POLICY_FILE);
  const { dataDir } = settings;
  mkdirSync(dataDir, { recursive: true });
  const running = runningStackPid(dataDir);
  if (running !== undefined) {
    throw new Error(`a stack is already running on ${dataDir} (pid ${running}); stop it, or set RESIDENCY_DATA to another folder`);
  }
  const runningFile = adoptCatalog(dataDir, catalog, catalogFile);
  const nextPort = portPicker([settings.port]);
  const supervisor = new Supervisor(join(dataDir, 'logs'));
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local stack…');
    await supervisor.stopAll();
    console.log('Stopped: every process of the stack has exited. The data stays in the data folder.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    console.log(`Residency local stack — data in ${dataDir}`);
    const secrets = await ensureLocalSecrets(dataDir, catalog);
    done(`keys and secrets (${join(dataDir, 'keys')})`);

    step('global layer: directory and static bucket');
    const globalDir = join(dataDir, 'global');
    const [directoryEndpoint, staticEndpoint] = await Promise.all([
      startDynamoDbLocal(supervisor, {
        name: 'global-directory',
        dataDir: join(globalDir, 'dynamodb'),
        port: await nextPort(),
        region: GLOBAL_REGION,
        tables: [{ name: DIRECTORY_TABLE, ...DIRECTORY_TABLE_KEYS }],
      }),
      startS3rver(supervisor, {
        name: 'global-static',
        dataDir: join(globalDir, 's3'),
        port: await nextPort(),
        region: GLOBAL_REGION,
        buckets: [STATIC_BUCKET],
      }),
    ]);
    const staticS3 = localS3(staticEndpoint, GLOBAL_REGION);
    const published = await publishApp(staticS3, STATIC_BUCKET, join(dist, 'app'));
    done(`global layer: directory ${directoryEndpoint}, static bucket ${staticEndpoint} (${published} app files)`);

    const regions: StackManifest['regions'] = {};
    const targets: Record<string, RegionTarget> = {};
    await Promise.all(
      catalog.regions.map(async (region) => {
        const code = region.code;
        step(`${code}: starting DynamoDB Local, s3rver and the API`);
        const siloDir = join(dataDir, 'regions', code);
        const table = siloTableName(code);
        const bucket = siloBucketName(code);
        const [dynamoEndpoint, s3Endpoint] = await Promise.all([
          startDynamoDbLocal(supervisor, {
            name: `${code}-dynamodb`,
            dataDir: join(siloDir, 'dynamodb'),
            port: await nextPort(),
            region: code,
            tables: [{ name: table, ...SILO_TABLE_KEYS, ttlAttribute: SILO_TTL_ATTRIBUTE }],
          }),
          startS3rver(supervisor, { name: `${code}-s3`, dataDir: join(siloDir, 's3'), port: await nextPort(), region: code, buckets: [bucket] }),
        ]);
        const apiPort = await nextPort();
        const apiProc = supervisor.spawn(`${code}-api`, process.execPath, ['--import', 'tsx', resolve('local/regional-server.ts')], {
          LOCAL_API_PORT: String(apiPort),
          RESIDENCY_HANDLER: join(dist, 'regional', 'index.js'),
          RESIDENCY_REGION: code,
          RESIDENCY_CATALOG_FILE: runningFile,
          SILO_TABLE: table,
          SILO_DYNAMODB_ENDPOINT: dynamoEndpoint,
          SILO_BUCKET: bucket,
          SILO_S3_ENDPOINT: s3Endpoint,
          DIRECTORY_TABLE,
          DIRECTORY_DYNAMODB_ENDPOINT: directoryEndpoint,
          SESSION_PUBLIC_KEYS_FILE: secrets.publicKeysFile,
          SIGNING_KEY_FILE: secrets.signingKeyFile(code),
          DIRECTORY_PEPPER_FILE: secrets.pepperFile,
          ORIGIN_SECRET_FILE: secrets.originSecretFile(code),
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_REGION: code,
        });
        const api = `http://127.0.0.1:${apiPort}`;
        await waitFor(`${code} API`, () => fetch(`${api}/api/me`), { proc: apiProc, logFile: supervisor.logFile(`${code}-api`) });
        targets[code] = {
          api: { protocol: 'http', domainName: '127.0.0.1', port: apiPort, path: '', readTimeout: 30, keepaliveTimeout: 5 },
          // Path-style, as the silo's S3 client signs its URLs locally.
          files: { protocol: 'http', domainName: '127.0.0.1', port: Number(new URL(s3Endpoint).port), path: `/${bucket}`, readTimeout: 30, keepaliveTimeout: 5 },
          originSecret: secrets.originSecret(code),
        };
        regions[code] = {
          label: region.label,
          jurisdiction: region.jurisdiction,
          status: region.status,
          api,
          signingKid: secrets.kid(code),
          dynamodb: { endpoint: dynamoEndpoint, tables: [table], dataDir: join(siloDir, 'dynamodb') },
          s3: { endpoint: s3Endpoint, buckets: [bucket], dataDir: join(siloDir, 's3') },
        };
        done(`${code} (${region.label}): API ${api}, DynamoDB ${dynamoEndpoint}, S3 ${s3Endpoint}`);
      }),
    );

    step('edge: the built Lambda@Edge bundle behind the CloudFront emulator');
    const edgeDir = join(dataDir, 'edge');
    mkdirSync(edgeDir, { recursive: true });
    copyFileSync(join(dist, 'edge', 'index.js'), join(edgeDir, 'index.js'));
    // Keys of regions the catalog no longer has are not deployed (their sessions route nowhere).
    const writeEdgeConfig = (c: Catalog) => {
      const keys = secrets.publicKeys.filter((k) => c.regions.some((r) => r.code === k.region));
      writeFileSync(join(edgeDir, CONFIG_FILE_NAME), `${JSON.stringify(buildEdgeConfig(c, targets, keys), null, 2)}\n`, { mode: 0o600 });
    };
    writeEdgeConfig(catalog);
    const sha256 = createHash('sha256').update(readFileSync(join(edgeDir, 'index.js'))).digest('hex');
    const { server: emulator, reload: reloadEdge } = createEdgeEmulator({
      edgeDir,
      staticS3,
      staticBucket: STATIC_BUCKET,
      viewerCountry: settings.viewerCountry,
      log: (line) => console.error(`  ! edge: ${line}`),
    });
    await new Promise<void>((ok, fail) => {
      emulator.once('error', fail);
      emulator.listen(settings.port, '127.0.0.1', ok);
    });
    const url = `http://localhost:${settings.port}`;
    // An apply (npm run regions -- apply) rewrites the running catalog: deploy it to the edge as
    // a new function version would be, without a restart. Silo APIs watch the same file.
    watchFile(runningFile, { interval: 500 }, () => {
      let etag = '';
      try {
        ({ etag } = readRunningCatalog(dataDir));
        writeEdgeConfig(readRunningCatalog(dataDir).catalog);
        reloadEdge();
        recordDeployment(dataDir, { etag, ok: true });
        console.log(`  ✓ edge: running catalog ${etag} deployed`);
      } catch (err) {
        recordDeployment(dataDir, { etag, ok: false, error: (err as Error).message });
        console.error(`  ! edge: the running catalog was not deployed: ${(err as Error).message}`);
      }
    });

    const manifest: StackManifest = {
      url,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      localCredentials: { ...LOCAL_CREDENTIALS },
      edge: { bundle: join(edgeDir, 'index.js'), sha256, config: join(edgeDir, CONFIG_FILE_NAME) },
      global: {
        directory: { endpoint: directoryEndpoint, table: DIRECTORY_TABLE, dataDir: join(globalDir, 'dynamodb') },
        static: { endpoint: staticEndpoint, bucket: STATIC_BUCKET, dataDir: join(globalDir, 's3') },
      },
      regions: Object.fromEntries(catalog.regions.map((r) => [r.code, regions[r.code]!])),
      logs: join(dataDir, 'logs'),
    };
    writeFileSync(manifestPath(dataDir), `${JSON.stringify(manifest, null, 2)}\n`);
    done(`edge bundle sha256 ${sha256.slice(0, 16)}… (same bytes as dist/edge/index.js, which infra/ deploys)`);

    console.log(`\nResidency is up: ${url}\n`);
    console.log('Where each region\'s data lives:');
    for (const r of catalog.regions) {
      console.log(`  ${r.code.padEnd(15)} ${r.label} [${r.jurisdiction}, ${r.status}]  ${join(dataDir, 'regions', r.code)}`);
    }
    console.log(`  ${'global'.padEnd(15)} directory (blind index -> region, no PII)  ${globalDir}`);
    console.log('\nNote: DynamoDB Local has no bind-address option and listens on every interface; keep this stack');
    console.log('to synthetic data, or run it on a machine whose firewall refuses inbound connections.');
    console.log(`\nManifest: ${manifestPath(dataDir)}   Logs: ${manifest.logs}   Stop: Ctrl-C   Wipe: npm run wipe`);
  } catch (err) {
    console.error(`\nThe local stack could not start: ${(err as Error).message}`);
    await stop(1);
  }
}

/**
 * Starts from the catalog file given (the reviewed source of truth) and makes it the running
 * catalog. Says so when that discards a catalog applied to the previous run.
 */
function adoptCatalog(dataDir: string, catalog: Catalog, source: string): string {
  const file = runningCatalogFile(dataDir);
  let previous: string | null = null;
  if (existsSync(file)) {
    const before = readRunningCatalog(dataDir);
    previous = before.etag;
    if (JSON.stringify(before.catalog) !== JSON.stringify(catalog)) {
      console.log(`  ! the catalog applied to the last run differs from ${source}; starting with ${source}`);
    } else {
      return file;
    }
  }
  writeRunningCatalog(dataDir, catalog, previous, { at: new Date().toISOString(), who: `${userInfo().username} (npm start)`, source, changes: ['stack start'] });
  return file;
}

try {
  await main();
} catch (err) {
  console.error(`The local stack did not start: ${(err as Error).message}`);
  process.exit(1);
}
