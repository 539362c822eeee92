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
  /** Object key -> what S3 keeps beside the bytes (Content-Disposition with the download name, user metadata). */
  meta?: Record<string, string>;
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
  const meta: Record<string, string> = {};
  let token: string | undefined;
  do {
    const list = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of list.Contents ?? []) {
      const obj = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      objects[o.Key!] = await obj.Body!.transformToString();
      meta[o.Key!] = JSON.stringify({ contentType: obj.ContentType, contentDisposition: obj.ContentDisposition, metadata: obj.Metadata });
    }
    token = list.IsTruncated ? list.NextContinuationToken : undefined;
  } while (token);
  client.destroy();
  return { objects, meta };
}

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
    const buckets = await reading(`${region} S3`, () => Promise.all(r.s3.buckets.map((b) => readBucket(r.s3.endpoint, region, b))));
    dumps.push({ store: region, items, objects: Object.assign({}, ...buckets.map((b) => b.objects)), meta: Object.assign({}, ...buckets.map((b) => b.meta)) });
  }
  dumps.push({
    store: 'global:directory',
    items: await reading('global directory', () => scanAll(m.global.directory.endpoint, 'us-east-1', m.global.directory.table)),
    objects: {},
  });
  dumps.push({ store: 'global:static', items: [], ...(await reading('global static bucket', () => readBucket(m.global.static.endpoint, 'us-east-1', m.global.static.bucket))) });
  return dumps;
}

/** Everything a store holds as text: items, object keys, bytes and metadata. */
export const storeTexts = (d: StoreDump): string[] => [
  ...d.items.map((i) => JSON.stringify(i)),
  ...Object.entries(d.objects).flatMap(([key, bytes]) => [key, bytes, d.meta?.[key] ?? '']),
];

/** Stores whose items or objects (keys, bytes, metadata) contain `needle` (case-insensitive). */
export function storesContaining(dumps: StoreDump[], needle: string): string[] {
  const n = needle.toLowerCase();
  return dumps.filter((d) => storeTexts(d).some((t) => t.toLowerCase().includes(n))).map((d) => d.store);
}

export const itemCounts = (dumps: StoreDump[]) => Object.fromEntries(dumps.map((d) => [d.store, d.items.length]));
