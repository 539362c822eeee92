// One silo: everything that stores or processes a region's personal and health data, all of it
// in that region and encrypted with that region's own customer-managed key.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  CustomResource,
  CustomResourceProvider,
  CustomResourceProviderRuntime,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
  type StackProps,
} from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { regionOf, type Catalog } from '../../catalog/schema.ts';
import { DIRECTORY_TABLE, SILO_TABLE_KEYS, SILO_TTL_ATTRIBUTE, siloBucketName, siloTableName } from '../../regional/adapters/tables.ts';
import type { PublicKeyEntry } from '../../session/claims.ts';
import { DEFAULT_REGIONAL_BUNDLE, readBundle, stageAssetFolder } from './assets.ts';
import {
  DATA_KEY_ALIAS,
  DIRECTORY_PEPPER_SECRET_NAME,
  LAMBDA_TASK_ROOT,
  SIGNING_KEY_ALIAS,
  bucketRegionalDomain,
  filesBucketName,
  kidPrefix,
  originSecretName,
  publicationParameters,
} from './names.ts';
import { noPublications, resolvePublishedKeys, type PublicationSource } from './region-publications.ts';
import { acknowledge } from './rule-packs.ts';

export interface SiloStackProps extends StackProps {
  /** The validated region catalog; the file it came from travels beside the handler. */
  readonly catalog: Catalog;
  /** Path of the catalog file (copied into the API asset as `regions.json`). */
  readonly catalogFile: string;
  /** This silo's region: must be in the catalog and equal `env.region`. */
  readonly region: string;
  /**
   * Where every region's session public keys come from (the silos' SSM parameters, looked up
   * at synth). They are written beside the handler as `session-public-keys.json`: the silo
   * re-verifies sessions (invariant 4).
   * @default noPublications (first deploy phase: no key is published yet)
   */
  readonly publications?: PublicationSource;
  /**
   * The built regional handler (esbuild output of regional/index.ts).
   * @default dist/regional/index.js
   */
  readonly regionalBundle?: string;
  /**
   * Retention of the API's log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Reserved concurrency of the API function. New accounts start with a concurrency quota of
   * 10, below which nothing can be reserved, so it is opt-in.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Days before a superseded or deleted object version is purged from the files bucket.
   * Bounds how long an erased receipt survives (GDPR erasure) while still allowing recovery.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Memory of the API function, in MB.
   * @default 512
   */
  readonly apiMemoryMb?: number;
}

/** Environment of the regional handler on AWS: the names regional/config.ts reads. */
export const API_FILES = {
  catalog: 'regions.json',
  publicKeys: 'session-public-keys.json',
} as const;

/**
 * Oldest signature the files bucket accepts on a presigned (query-string) request. The silo
 * signs uploads for 5 minutes; this bucket-side bound caps any URL the API might mint, so a
 * leaked or mis-minted URL dies within minutes whatever its X-Amz-Expires says.
 */
export const PRESIGNED_MAX_AGE_SECONDS = 600;

const PUBLIC_KEY_HANDLER_DIR = fileURLToPath(new URL('./custom-resources/session-public-key', import.meta.url));

export class SiloStack extends Stack {
  readonly regionCode: string;
  readonly dataKey: kms.Key;
  readonly signingKey: kms.Key;
  readonly table: dynamodb.TableV2;
  readonly filesBucket: s3.Bucket;
  /** `<bucket>.s3.<region>.<urlSuffix>`: the edge's origin for file bytes (a token). */
  readonly filesDomain: string;
  readonly accessLogsBucket: s3.Bucket;
  readonly api: lambda.Function;
  readonly apiUrl: lambda.FunctionUrl;
  readonly apiLogGroup: logs.LogGroup;
  readonly originSecret: secretsmanager.Secret;
  /** The `kid` of this region's session keys (a token: contains the KMS key id). */
  readonly kid: string;
  /** Written beside the handler; empty until the silos have published their keys. */
  readonly sessionPublicKeys: PublicKeyEntry[];

  constructor(scope: Construct, id: string, props: SiloStackProps) {
    super(scope, id, props);

    // ---- validate ----
    const region = regionOf(props.catalog, props.region);
    if (!region) throw new Error(`${id}: region ${props.region} is not in the catalog`);
    if (this.region !== region.code) throw new Error(`${id}: the stack is in ${this.region}, its silo is ${region.code}`);
    if (Token.isUnresolved(this.account)) throw new Error(`${id}: give the stack a concrete account (env.account)`);
    // Only the keys: a silo never waits for another silo's other values (api-domain, files-domain).
    this.sessionPublicKeys = resolvePublishedKeys(props.publications ?? noPublications, this, props.catalog);
    const noncurrentDays = props.noncurrentVersionDays ?? 30;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) throw new Error(`${id}: noncurrentVersionDays must be a positive integer`);
    const bundle = readBundle(props.regionalBundle ?? DEFAULT_REGIONAL_BUNDLE, 'regional');
    const catalogText = readFileSync(props.catalogFile, 'utf8');
    this.regionCode = region.code;

    // ---- build ----
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: `Residency ${region.code}: personal and health data of this silo (tables, files, logs, secrets)`,
      alias: DATA_KEY_ALIAS,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch Logs encrypts this silo's log groups with the data key; scoped to this account's
    // log groups in this region through the encryption context.
    this.dataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisSilo',
        principals: [new iam.ServicePrincipal(`logs.${region.code}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${region.code}:${this.account}:log-group:*` },
        },
      }),
    );

    // Session tokens are ES256: KMS signs with ECDSA_SHA_256 and returns DER, which
    // regional/adapters/signers.ts (kmsSigner) converts to the raw r||s a JWS needs.
    this.signingKey = new kms.Key(this, 'SessionSigningKey', {
      description: `Residency ${region.code}: signs this region's session tokens (ES256)`,
      alias: SIGNING_KEY_ALIAS,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(7),
    });
    this.kid = Fn.join('', [kidPrefix(region.code), this.signingKey.keyId]);

    this.table = new dynamodb.TableV2(this, 'SiloTable', {
      tableName: siloTableName(region.code),
      partitionKey: { name: SILO_TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SILO_TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: SILO_TTL_ATTRIBUTE,
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.dataKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      // S3 server access log delivery supports SSE-S3 only on the target bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.filesBucket = new s3.Bucket(this, 'FilesBucket', {
      bucketName: filesBucketName(siloBucketName(region.code), this.account),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'files/',
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(noncurrentDays),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        // Browser uploads wait here only until the API has checked them; whatever was never
        // completed (or arrived after its account was erased) goes by itself.
        { prefix: 'incoming/', expiration: Duration.days(1), noncurrentVersionExpiration: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Computed rather than the RegionalDomainName attribute so the form is the same in every
    // region (the host the edge sends and the silo signs must match byte for byte).
    this.filesDomain = bucketRegionalDomain(this.filesBucket.bucketName, region.code, this.urlSuffix);

    // Origin verification: the edge router injects this value as x-residency-origin-secret and
    // the handler refuses requests without it. Generated here, never in a template or an asset
    // of this stack; published for the edge synth below.
    this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
      secretName: originSecretName(region.code),
      description: `Residency ${region.code}: proves a request to the silo API came through the edge router`,
      encryptionKey: this.dataKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.apiLogGroup = new logs.LogGroup(this, 'ApiLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.dataKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const apiRole = new iam.Role(this, 'ApiRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Residency ${region.code}: the silo API (least privilege, no managed policies)`,
    });

    const code = stageAssetFolder(`regional-${region.code}`, {
      'index.js': bundle,
      [API_FILES.catalog]: catalogText,
      [API_FILES.publicKeys]: `${JSON.stringify(this.sessionPublicKeys, null, 2)}\n`,
    });
    this.api = new lambda.Function(this, 'Api', {
      description: `Residency ${region.code}: silo API (regional/index.ts, built by esbuild)`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(code),
      memorySize: props.apiMemoryMb ?? 512,
      // Below the edge's 30 s origin read timeout, so the edge sees the silo's own answer.
      timeout: Duration.seconds(25),
      role: apiRole,
      logGroup: this.apiLogGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environmentEncryption: this.dataKey,
      environment: {
        // The contract of regional/config.ts.
        RESIDENCY_REGION: region.code,
        RESIDENCY_CATALOG_FILE: `${LAMBDA_TASK_ROOT}/${API_FILES.catalog}`,
        SILO_TABLE: this.table.tableName,
        DIRECTORY_TABLE,
        SESSION_PUBLIC_KEYS_FILE: `${LAMBDA_TASK_ROOT}/${API_FILES.publicKeys}`,
        SIGNING_KMS_KEY_ID: this.signingKey.keyArn,
        SIGNING_KID: this.kid,
        // Secrets come from Secrets Manager (read once per cold start), not files in the asset.
        DIRECTORY_PEPPER_SECRET_ID: DIRECTORY_PEPPER_SECRET_NAME,
        ORIGIN_SECRET_ID: this.originSecret.secretArn,
        SILO_BUCKET: this.filesBucket.bucketName,
        // The bucket keeps versions: erasure must delete every version, not just the current one.
        SILO_BUCKET_VERSIONED: 'true',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    // Reachable only through the edge: the URL is public (CloudFront OAC cannot sign for an
    // origin that Lambda@Edge switched to), and the handler refuses any request that lacks the
    // origin secret the router injects (invariant 4).
    this.apiUrl = this.api.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE, invokeMode: lambda.InvokeMode.BUFFERED });

    // Public half of the signing key, as a JWK, for the edge and the other silos.
    const publicKeyProvider = CustomResourceProvider.getOrCreateProvider(this, 'Custom::ResidencySessionPublicKey', {
      codeDirectory: PUBLIC_KEY_HANDLER_DIR,
      runtime: CustomResourceProviderRuntime.NODEJS_22_X,
      description: 'Residency: reads the public half of the session signing key (kms:GetPublicKey)',
      timeout: Duration.seconds(30),
      policyStatements: [{ Effect: 'Allow', Action: ['kms:GetPublicKey'], Resource: this.signingKey.keyArn }],
    });
    const publicKey = new CustomResource(this, 'SessionPublicKey', {
      serviceToken: publicKeyProvider.serviceToken,
      resourceType: 'Custom::ResidencySessionPublicKey',
      properties: { KeyId: this.signingKey.keyArn },
    });

    // Publication for the synth of the edge and of the other silos (region-publications.ts).
    const names = publicationParameters(region.code);
    new ssm.StringParameter(this, 'PublishedApiDomain', {
      parameterName: names.apiDomain,
      description: 'Host of this silo API Function URL (read by the edge synth)',
      stringValue: Fn.select(2, Fn.split('/', this.apiUrl.url)),
    });
    new ssm.StringParameter(this, 'PublishedFilesDomain', {
      parameterName: names.filesDomain,
      description: 'Regional domain of this silo files bucket, the edge origin for presigned file requests (read by the edge synth)',
      stringValue: this.filesDomain,
    });
    new ssm.StringParameter(this, 'PublishedSessionPublicKey', {
      parameterName: names.sessionPublicKey,
      description: 'Session public key entry {kid, region, jwk} of this silo (read by the edge synth)',
      stringValue: this.toJsonString({
        kid: this.kid,
        region: region.code,
        jwk: { kty: 'EC', crv: 'P-256', x: publicKey.getAttString('X'), y: publicKey.getAttString('Y') },
      }),
    });
    // A String parameter, resolved from the secret by CloudFormation: the context lookup cannot
    // decrypt SecureStrings, and the value ends up in the Lambda@Edge package anyway (no env
    // vars there), so its readers are bounded by who can read the edge code. It is an
    // anti-bypass token, not a credential: every request still needs a KMS-signed session.
    new ssm.StringParameter(this, 'PublishedOriginSecret', {
      parameterName: names.originSecret,
      description: 'Origin secret of this silo, for the edge router config (read by the edge synth)',
      stringValue: this.originSecret.secretValue.unsafeUnwrap(),
    });

    // ---- grant ----
    // Explicit actions on exactly these resources, in a customer-managed policy (HIPAA
    // IAMNoInlinePolicy; no AWS-managed policy either).
    const directoryTableArn = this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: DIRECTORY_TABLE });
    const pepperReplicaArn = this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      // A replica of the directory stack's secret: same name, random 6-character suffix.
      resourceName: `${DIRECTORY_PEPPER_SECRET_NAME}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const statement = (sid: string, actions: string[], resources: string[]) => new iam.PolicyStatement({ sid, actions, resources });
    const apiPolicy = new iam.ManagedPolicy(this, 'ApiPolicy', {
      description: `Residency ${region.code}: what the silo API may touch`,
      roles: [apiRole],
      statements: [
        statement('SiloTable', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'], [this.table.tableArn]),
        statement('DirectoryReplicaInThisRegion', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'], [directoryTableArn]),
        statement('DataKey', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], [this.dataKey.keyArn]),
        statement('SignSessions', ['kms:Sign'], [this.signingKey.keyArn]),
        statement('Secrets', ['secretsmanager:GetSecretValue'], [this.originSecret.secretArn, pepperReplicaArn]),
        statement('FilesObjects', ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'], [this.filesBucket.arnForObjects('*')]),
        statement('FilesListing', ['s3:ListBucket', 's3:ListBucketVersions'], [this.filesBucket.bucketArn]),
        statement('OwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [this.apiLogGroup.logGroupArn]),
      ],
    });
    // Only the silo API role reads or writes object bytes; no other principal of the account
    // can, whatever its IAM policies say. The edge holds no AWS credentials for files: browsers
    // reach the bucket through CloudFront with a presigned URL the API minted (after checking the
    // session and the record), and a presigned request runs as its signer, i.e. as this role
    // (aws:PrincipalArn is the role ARN), with the role's S3 and KMS permissions (see README).
    this.filesBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ObjectsOnlyThroughTheSiloApi',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
        resources: [this.filesBucket.arnForObjects('*')],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': apiRole.roleArn } },
      }),
    );
    // Presigned URLs are short-lived by the bucket's rule, not only by the signer's choice.
    this.filesBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PresignedUrlsAreShortLived',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:*'],
        resources: [this.filesBucket.bucketArn, this.filesBucket.arnForObjects('*')],
        conditions: {
          StringEquals: { 's3:authType': 'REST-QUERY-STRING' },
          NumericGreaterThan: { 's3:signatureAge': PRESIGNED_MAX_AGE_SECONDS * 1000 },
        },
      }),
    );

    this.acknowledgeFindings(apiPolicy, publicKeyProvider, region.code, props.reservedConcurrency === undefined);
  }

  private acknowledgeFindings(apiPolicy: iam.ManagedPolicy, provider: CustomResourceProvider, region: string, unreserved: boolean): void {
    const filesBucketId = this.getLogicalId(this.filesBucket.node.defaultChild as s3.CfnBucket);
    acknowledge(this.api, {
      'AwsSolutions-L1':
        'nodejs22.x is deliberate: the regional bundle is built for node22 and Lambda@Edge (same build pipeline, same Node major) supports at most nodejs22.x; move both together.',
      'HIPAA.Security-LambdaDLQ':
        'The API is invoked synchronously through its Function URL; a dead-letter queue only receives failed asynchronous invocations, so it would never hold anything.',
      'HIPAA.Security-LambdaInsideVPC':
        'The API talks only to regional AWS APIs (DynamoDB, S3, KMS, Secrets Manager) over TLS with IAM auth; a VPC would add NAT or four interface endpoints per AZ (~$60/month/region) without narrowing access.',
      'HIPAA.Security-LambdaFunctionPublicAccessProhibited':
        'CloudFront must reach the Function URL after Lambda@Edge switches the origin, and OAC does not follow such origins; the handler rejects requests without the per-region origin secret (invariant 4).',
      ...(unreserved
        ? {
            'HIPAA.Security-LambdaConcurrency':
              'Reserved concurrency is opt-in (SiloStackProps.reservedConcurrency): new accounts have a quota of 10 concurrent executions, below which reserving fails the deploy.',
          }
        : {}),
    });
    acknowledge(apiPolicy, {
      [`AwsSolutions-IAM5[Resource::<${filesBucketId}.Arn>/*]`]:
        'Receipts are objects keyed by random ids under the caller prefix; the API needs every object of its own silo bucket, and only it may touch them (bucket policy denies all other principals).',
    });
    acknowledge(this.accessLogsBucket, {
      'AwsSolutions-S1':
        'This bucket is the target of the files bucket access logs; logging its own writes into itself would loop, and CloudTrail data events cover it if ever needed.',
      'HIPAA.Security-S3BucketLoggingEnabled':
        'This bucket is the target of the files bucket access logs; logging its own writes into itself would loop, and CloudTrail data events cover it if ever needed.',
      'HIPAA.Security-S3DefaultEncryptionKMS':
        'S3 server access log delivery writes only to targets with SSE-S3 default encryption; the logs hold object keys (random ids) and request metadata, never object bytes.',
      'HIPAA.Security-S3BucketReplicationEnabled': `Replicating logs of the ${region} silo to another region would move data about its users out of their jurisdiction; durability comes from S3 itself.`,
    });
    acknowledge(this.filesBucket, {
      'HIPAA.Security-S3BucketReplicationEnabled': `Cross-region replication would copy PHI out of ${region}, which residency forbids; versioning plus a 30-day noncurrent window covers accidental deletion instead.`,
    });
    acknowledge(this.originSecret, {
      'AwsSolutions-SMG4':
        'The origin secret is baked into the Lambda@Edge package at synth time; an automatic rotation would break every edge request until the edge is re-synthesized, so it rotates with an edge deploy.',
      'HIPAA.Security-SecretsManagerRotationEnabled':
        'The origin secret is baked into the Lambda@Edge package at synth time; an automatic rotation would break every edge request until the edge is re-synthesized, so it rotates with an edge deploy.',
    });
    // The custom resource provider is a raw CfnResource pair (role + function) made by CDK core.
    acknowledge(provider, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'CDK core CustomResourceProvider attaches the basic execution role to its deploy-time provider; it runs only during deploys, reads one public key and touches no data.',
      'AwsSolutions-L1':
        'The deploy-time public-key provider pins nodejs22.x like the rest of the stack so one runtime version is patched and reviewed; it runs only on stack create/update.',
      'HIPAA.Security-LambdaDLQ':
        'CloudFormation invokes the custom resource provider synchronously and retries through the stack operation; a dead-letter queue would never receive anything.',
      'HIPAA.Security-LambdaConcurrency':
        'The public-key provider runs once per stack create/update; reserving concurrency for it would only take capacity from the silo API.',
      'HIPAA.Security-LambdaInsideVPC':
        'The public-key provider calls only kms:GetPublicKey on this silo key during deploys and handles no personal data; a VPC adds cost without reducing exposure.',
    });
  }
}
