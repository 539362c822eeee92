// The running local stack as an apply target: its running catalog, and how many users each
// region holds (counted from the directory; no user data is read).
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Catalog } from '../catalog/schema.ts';
import { localDynamo } from '../local/aws-clients.ts';
import type { StackManifest } from '../local/manifest.ts';
import { readDeployment, readRunningCatalog, writeRunningCatalog, type ApplyRecord, type Deployment } from '../local/running-catalog.ts';
import { readRunningManifest } from '../local/settings.ts';

export interface LocalTarget {
  describe: string;
  running: Catalog;
  etag: string;
  /** Regions that have a silo in the running stack. */
  silos: string[];
  usersByRegion(): Promise<Record<string, number>>;
  apply(catalog: Catalog, expectedEtag: string, record: Omit<ApplyRecord, 'from' | 'to'>): string;
  /** What the running edge made of catalog `etag`, or undefined if it did not answer in time. */
  awaitDeployment(etag: string, timeoutMs?: number): Promise<Deployment | undefined>;
}

export function openLocalTarget(dataDir: string): LocalTarget {
  const manifest = readRunningManifest<StackManifest>(dataDir);
  const { catalog, etag } = readRunningCatalog(dataDir);
  return {
    describe: `local stack ${manifest.url} (${dataDir})`,
    running: catalog,
    etag,
    silos: Object.keys(manifest.regions),
    async usersByRegion() {
      const { endpoint, table } = manifest.global.directory;
      const client = localDynamo(endpoint, 'us-east-1');
      const counts: Record<string, number> = {};
      let start: Record<string, any> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: table, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'region' }, ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) {
          const region = item.region?.S;
          if (region) counts[region] = (counts[region] ?? 0) + 1;
        }
        start = page.LastEvaluatedKey;
      } while (start);
      client.destroy();
      return counts;
    },
    apply: (next, expected, record) => writeRunningCatalog(dataDir, next, expected, record),
    async awaitDeployment(etag, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const d = readDeployment(dataDir);
        if (d?.etag === etag) return d;
        await new Promise((r) => setTimeout(r, 200));
      }
      return undefined;
    },
  };
}
