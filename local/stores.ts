// Reads every store of every silo and of the global layer directly (not through the API): for
// operators inspecting a silo and for tests proving residency against what is really stored.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localDynamo, localS3 } from './aws-clients.ts';
import type { StackManifest } from './manifest.ts';

export interface StoreDump {
  /** `region` code, or `global:directory` / `global:static`. */
  store: string;
  items: Record<string, unknown>[];
  /** Object key -> bytes as text. */
  objects: Record<string, string>;
}

async function scanAll(endpoint: string, region: string, table: string) {
  const client = localDynamo(endpoint, region);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return items;
}

async function readBucket(endpoint: string, region: string, bucket: string) {
  const client = localS3(endpoint, region);
  const objects: Record<string, string> = {};
  let token: string | undefined;
  do {
    const list = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of list.Contents ?? []) {
      const obj = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      objects[o.Key!] = await obj.Body!.transformToString();
    }
    token = list.IsTruncated ? list.NextContinuationToken : undefined;
  } while (token);
  client.destroy();
  return objects;
}

/** A store that could not be read (its process is down, say): whatever reads it is incomplete. */
export class StoreReadError extends Error {
  readonly code = 'store_unreadable';
  constructor(
    readonly store: string,
    cause: unknown,
  ) {
    super(`${store} could not be read (${(cause as Error)?.name ?? 'error'}: ${(cause as Error)?.message ?? cause})`);
  }
}

async function reading<T>(store: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw new StoreReadError(store, err);
  }
}

export async function dumpEverything(m: StackManifest): Promise<StoreDump[]> {
  const dumps: StoreDump[] = [];
  for (const [region, r] of Object.entries(m.regions)) {
    const items = await reading(`${region} DynamoDB`, async () => (await Promise.all(r.dynamodb.tables.map((t) => scanAll(r.dynamodb.endpoint, region, t)))).flat());
    const objects = await reading(`${region} S3`, async () => Object.assign({}, ...(await Promise.all(r.s3.buckets.map((b) => readBucket(r.s3.endpoint, region, b))))));
    dumps.push({ store: region, items, objects });
  }
  dumps.push({
    store: 'global:directory',
    items: await reading('global directory', () => scanAll(m.global.directory.endpoint, 'us-east-1', m.global.directory.table)),
    objects: {},
  });
  dumps.push({ store: 'global:static', items: [], objects: await reading('global static bucket', () => readBucket(m.global.static.endpoint, 'us-east-1', m.global.static.bucket)) });
  return dumps;
}

/** Stores whose items or objects contain `needle` (case-insensitive). */
export function storesContaining(dumps: StoreDump[], needle: string): string[] {
  const n = needle.toLowerCase();
  return dumps
    .filter((d) => JSON.stringify(d.items).toLowerCase().includes(n) || Object.values(d.objects).some((o) => o.toLowerCase().includes(n)))
    .map((d) => d.store);
}

export const itemCounts = (dumps: StoreDump[]) => Object.fromEntries(dumps.map((d) => [d.store, d.items.length]));
