// The router's deploy-time configuration on AWS as an apply target: the catalog object the edge
// stack is synthesised from (infra/lib/names.ts), replaced with an S3 conditional write so a
// concurrent edit fails instead of being overwritten, plus one log object per apply. The edge
// takes the change on its next deploy (Lambda@Edge cannot read configuration at start-up from
// anywhere but its own bundle). Credentials and endpoints come from the SDK's usual chain.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { parseCatalog, type Catalog } from '../catalog/schema.ts';
import { EDGE_REGION, ROUTING_CATALOG_KEY, ROUTING_LOG_PREFIX, routingBucketName, stackNames } from '../infra/lib/names.ts';
import { ConcurrentEditError, type ApplyRecord } from '../local/running-catalog.ts';
import { DIRECTORY_TABLE } from '../regional/adapters/tables.ts';
import { usersByRegion } from './directory-counts.ts';
import { TargetError, type ApplyTarget } from './target.ts';

export interface AwsTargetOptions {
  /** Default: residency-routing-<account>. */
  bucket?: string;
  account?: string;
  /** Where the edge stack and its routing bucket live. */
  region?: string;
  /** Used until the bucket holds a catalog: what the edge was first deployed with. */
  seed: Catalog;
}

const DEPLOY_HINT = `npx aws-cdk@2 deploy --app "npx tsx infra/bin/synth.ts" -c residency:catalogSource=s3 ${stackNames.edge}`;

export async function openAwsTarget(opts: AwsTargetOptions): Promise<ApplyTarget> {
  const region = opts.region ?? EDGE_REGION;
  const bucket = opts.bucket ?? (opts.account ? routingBucketName(opts.account) : undefined);
  if (!bucket) throw new TargetError('--target aws needs --routing-bucket NAME, or --account ID (or CDK_DEFAULT_ACCOUNT) to derive it');
  const s3 = new S3Client({ region, requestChecksumCalculation: 'WHEN_REQUIRED' });
  const where = `s3://${bucket}/${ROUTING_CATALOG_KEY}`;

  let running = opts.seed;
  let etag: string | null = null;
  try {
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: ROUTING_CATALOG_KEY }));
    running = parseCatalog(JSON.parse(await obj.Body!.transformToString()), where);
    etag = obj.ETag ?? null;
  } catch (err) {
    if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 403) {
      // Without s3:ListBucket, S3 answers a missing key with 403 too.
      throw new TargetError(`cannot read ${where}: access denied (the operator needs s3:GetObject and s3:ListBucket on ${bucket})`);
    }
    if (err instanceof S3ServiceException && err.name === 'NoSuchBucket') throw new TargetError(`there is no bucket ${bucket} in ${region}: is the edge stack deployed, and the account right?`);
    if (!(err instanceof NoSuchKey)) throw err;
  }

  return {
    describe: `the router's deploy-time configuration ${where}${etag ? '' : ' (empty: this apply seeds it)'}`,
    running,
    etag,
    async usersByRegion() {
      // The directory is a global table with a replica in every silo region: any one answers.
      const client = new DynamoDBClient({ region: running.defaultRegion });
      try {
        return await usersByRegion(client, DIRECTORY_TABLE);
      } finally {
        client.destroy();
      }
    },
    readiness(proposed) {
      const added = proposed.regions.filter((r) => !running.regions.some((x) => x.code === r.code)).map((r) => r.code);
      return {
        refusals: [],
        warnings: added.map((c) => `${c} is new: the edge routes it only once ${stackNames.silo(c)} is deployed (until then it is offline)`),
      };
    },
    async apply(catalog, expected, entry) {
      const text = `${JSON.stringify(catalog, null, 2)}\n`;
      let to: string;
      try {
        const put = await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: ROUTING_CATALOG_KEY,
            Body: text,
            ContentType: 'application/json',
            ...(expected === null ? { IfNoneMatch: '*' } : { IfMatch: expected }),
          }),
        );
        to = put.ETag ?? '';
      } catch (err) {
        if (err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 412 || err.$metadata.httpStatusCode === 409)) {
          throw new ConcurrentEditError(`${where} changed since it was planned against (${expected ?? 'none'}); run plan again`);
        }
        throw err;
      }
      const record: ApplyRecord = { ...entry, from: expected, to };
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${ROUTING_LOG_PREFIX}${entry.at.replace(/[:.]/g, '-')}-${to.replace(/"/g, '')}.json`,
          Body: `${JSON.stringify(record)}\n`,
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
      return to;
    },
    async settle(applied) {
      return {
        ok: true,
        message: `Applied: ${where} is now ${applied}. Existing users keep their silo. Deploy the edge to put the new mapping into effect:\n  ${DEPLOY_HINT}`,
      };
    },
    async log() {
      const lines: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: ROUTING_LOG_PREFIX, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
          lines.push((await obj.Body!.transformToString()).trim());
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return lines.length ? `${lines.join('\n')}\n` : '';
    },
  };
}
