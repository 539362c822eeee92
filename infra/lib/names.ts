// Every name that two stacks (or a stack and the edge) must agree on, computed from the catalog,
// never passed as a CloudFormation reference. Stacks in different regions meet only through
// these names: no strong cross-stack export exists, so nothing can hit "Exports cannot be
// updated" (aws-cdk issues 22842, 27902).

export const APP_PREFIX = 'Residency';

/** The global stack must live in us-east-1: Lambda@Edge functions are deployed there. */
export const EDGE_REGION = 'us-east-1';

export const stackNames = {
  edge: `${APP_PREFIX}-Edge`,
  directory: `${APP_PREFIX}-Directory`,
  silo: (region: string) => `${APP_PREFIX}-Silo-${region}`,
} as const;

/**
 * Alias of each silo's customer-managed data key. Same name in every region; an alias resolves
 * in its own region, so the directory stack can name the key of a replica region without a
 * reference to the silo stack that owns it.
 */
export const DATA_KEY_ALIAS = 'alias/residency-data';
export const SIGNING_KEY_ALIAS = 'alias/residency-session-signing';

/** Secrets Manager names (resolved in the caller's region, so replicas share the name). */
export const DIRECTORY_PEPPER_SECRET_NAME = 'residency/directory-pepper';
export const originSecretName = (region: string) => `residency/${region}/origin-secret`;

/**
 * SSM parameters a silo stack publishes in its own region for the synth of the edge (and of
 * the other silos). Read at synth time by context lookups (see region-publications.ts).
 */
export const publicationParameters = (region: string) =>
  ({
    apiDomain: `/residency/silo/${region}/api-domain`,
    sessionPublicKey: `/residency/silo/${region}/session-public-key`,
    originSecret: `/residency/silo/${region}/origin-secret`,
    filesDomain: `/residency/silo/${region}/files-domain`,
  }) as const;

/** S3 bucket names are global across all AWS accounts: the account id keeps ours unique. */
export const filesBucketName = (base: string, account: string) => `${base}-${account}`;

/**
 * The regional virtual-hosted endpoint of a bucket, `<bucket>.s3.<region>.<urlSuffix>`: the
 * host the edge sends file requests to and the host the silo signs its presigned URLs for
 * (SigV4 signs `host`, so the two must be byte-identical). The same form in every region,
 * us-east-1 included (its legacy global name `<bucket>.s3.amazonaws.com` is not used). Bucket
 * names here contain no dots, so the host matches S3's `*.s3.<region>` TLS certificate.
 */
export const bucketRegionalDomain = (bucketName: string, region: string, urlSuffix = 'amazonaws.com') =>
  `${bucketName}.s3.${region}.${urlSuffix}`;

/** Session key id: names its region for humans; the binding that counts is the key set entry. */
export const kidPrefix = (region: string) => `${region}-kms-`;

/** Where the Lambda runtime unpacks a function's code. */
export const LAMBDA_TASK_ROOT = '/var/task';

/**
 * The router's deploy-time configuration on AWS: the catalog the edge stack is synthesised from,
 * in a versioned bucket of the edge stack (us-east-1). `npm run regions -- apply --target aws`
 * replaces it with a conditional write (If-Match on its ETag), and appends one object per apply
 * under the log prefix (If-None-Match: '*', so an entry is never overwritten).
 */
export const routingBucketName = (account: string) => `residency-routing-${account}`;
export const ROUTING_CATALOG_KEY = 'routing/catalog.json';
export const ROUTING_LOG_PREFIX = 'routing/log/';
