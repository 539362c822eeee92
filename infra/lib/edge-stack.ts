// The global layer, in us-east-1: one CloudFront distribution in front of every silo, the
// static app (no PII, one build for every region), and the Lambda@Edge router.
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Token, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Catalog } from '../../catalog/schema.ts';
import { CONFIG_FILE_NAME } from '../../edge/adapters/lambda-edge.ts';
import type { EdgeConfigFile } from '../../edge/adapters/lambda-edge.ts';
import { DEFAULT_EDGE_BUNDLE, readBundle, stageAssetFolder } from './assets.ts';
import { awsEdgeConfig, PENDING_ORIGIN_DOMAIN } from './edge-config.ts';
import { forwardedOriginRequestPolicy, securityResponseHeadersPolicy } from './edge-policies.ts';
import { EDGE_REGION, ROUTING_CATALOG_KEY, ROUTING_LOG_PREFIX, routingBucketName } from './names.ts';
import { ssmPublications, type PublicationSource } from './region-publications.ts';
import { acknowledge } from './rule-packs.ts';

export const EDGE_FUNCTION_NAME = 'residency-edge-router';
/** Behaviours handled by the router; everything else is the static app. */
export const ROUTED_PATHS = ['/api/*', '/files/*'] as const;

export interface EdgeStackProps extends StackProps {
  /** The validated region catalog. */
  readonly catalog: Catalog;
  /**
   * Where the silos' published values come from (region-publications.ts).
   * @default ssmPublications (context lookups; pending without credentials)
   */
  readonly publications?: PublicationSource;
  /**
   * The built Lambda@Edge bundle (esbuild output of edge/adapters/lambda-edge.ts).
   * @default dist/edge/index.js
   */
  readonly edgeBundle?: string;
  /**
   * Custom domain names of the distribution; needs `certificateArn` (ACM, us-east-1).
   * @default - the distribution's cloudfront.net name only
   */
  readonly domainNames?: string[];
  /**
   * ACM certificate for `domainNames`. With it the viewer minimum is TLS 1.2 (TLSv1.2_2021).
   * @default - CloudFront's default certificate
   */
  readonly certificateArn?: string;
  /**
   * ARN of a WAFv2 web ACL (scope CLOUDFRONT) to attach.
   * @default - none (about $5/month plus $1 per rule and $0.60 per million requests)
   */
  readonly webAclArn?: string;
  /**
   * CloudFront price class; also decides where Lambda@Edge runs and therefore where its logs land.
   * @default cloudfront.PriceClass.PRICE_CLASS_ALL (silos include Asia-Pacific)
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * Days CloudFront access logs are kept.
   * @default 90
   */
  readonly accessLogDays?: number;
  /**
   * Where `catalog` came from, for humans (an output of the stack): `s3://.../routing/catalog.json`
   * with its ETag and version, or the repository file. Never part of the edge config.
   * @default 'unspecified'
   */
  readonly catalogOrigin?: string;
}

export class EdgeStack extends Stack {
  /** Exactly what travels beside the edge bundle as edge-config.json. */
  readonly edgeConfig: EdgeConfigFile;
  readonly pendingRegions: string[];
  readonly distribution: cloudfront.Distribution;
  readonly router: cloudfront.experimental.EdgeFunction;
  readonly appBucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  /** `residency-routing-<account>`: the catalog the edge is synthesised from, and the apply log. */
  readonly routingBucket: s3.Bucket;
  readonly originRequestPolicy: cloudfront.OriginRequestPolicy;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);

    // ---- validate ----
    if (this.region !== EDGE_REGION) throw new Error(`${id}: Lambda@Edge functions live in ${EDGE_REGION}, not ${this.region}`);
    if (Token.isUnresolved(this.account)) throw new Error(`${id}: give the stack a concrete account (env.account)`);
    if (props.domainNames?.length && !props.certificateArn) throw new Error(`${id}: domainNames need certificateArn`);
    const accessLogDays = props.accessLogDays ?? 90;
    if (!Number.isInteger(accessLogDays) || accessLogDays < 1) throw new Error(`${id}: accessLogDays must be a positive integer`);
    const bundle = readBundle(props.edgeBundle ?? DEFAULT_EDGE_BUNDLE, 'edge');
    const publications = (props.publications ?? ssmPublications).resolve(this, props.catalog);
    const { config, pending } = awsEdgeConfig(props.catalog, publications);
    this.edgeConfig = config;
    this.pendingRegions = pending;
    if (pending.length) {
      // Info, not a warning: a pending lookup is the normal state of phase 1 and of credential-less synths.
      Annotations.of(this).addInfo(
        `silo values not looked up yet for ${pending.join(', ')}: the edge treats them as offline (503). ` +
          'Deploy their silo stacks, then synthesize again with credentials (see infra/README.md, phase 2).',
      );
    }

    // ---- build ----
    this.logsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      // CloudFront standard logging writes with ACLs and supports SSE-S3 targets only.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(accessLogDays), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The Svelte app: public static files, one build for every region (invariant 5).
    this.appBucket = new s3.Bucket(this, 'AppBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'app-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.routingBucket = this.newRoutingBucket();

    // Lambda@Edge has no environment variables (CloudFront rejects an association with a version
    // that has any), so the routing config and public keys travel as edge-config.json beside the
    // unchanged bundle. A new config or bundle gives a new asset hash, hence a new version, in
    // this same stack: no export changes (aws-cdk 22842/27902).
    const code = stageAssetFolder('edge', {
      'index.js': bundle,
      [CONFIG_FILE_NAME]: `${JSON.stringify(config)}\n`,
    });
    const routerRole = new iam.Role(this, 'RouterRole', {
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal('lambda.amazonaws.com'),
        new iam.ServicePrincipal('edgelambda.amazonaws.com'),
      ),
      description: 'Residency edge router: writes its own logs, nothing else',
    });
    this.router = new cloudfront.experimental.EdgeFunction(this, 'Router', {
      functionName: EDGE_FUNCTION_NAME,
      description: 'Residency edge router (edge/adapters/lambda-edge.ts, built by esbuild) + edge-config.json',
      runtime: lambda.Runtime.NODEJS_22_X,
      // Lambda@Edge runs x86_64 only.
      architecture: lambda.Architecture.X86_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(code),
      memorySize: 256,
      timeout: Duration.seconds(5),
      role: routerRole,
    });

    this.originRequestPolicy = new cloudfront.OriginRequestPolicy(this, 'RouterInputs', forwardedOriginRequestPolicy());
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', securityResponseHeadersPolicy());

    // The origin CloudFront would use if the router did not switch; it always does for these
    // paths (it forwards to the caller's silo or answers itself), so this is never contacted.
    const defaultSilo = publications[props.catalog.defaultRegion];
    const placeholderApi = new origins.HttpOrigin(defaultSilo?.apiDomain ?? PENDING_ORIGIN_DOMAIN, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
    });
    const routed = (allowedMethods: cloudfront.AllowedMethods, includeBody: boolean): cloudfront.BehaviorOptions => ({
      origin: placeholderApi,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods,
      // Never cached: every answer is one user's data, and the router must run on every request.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: this.originRequestPolicy,
      responseHeadersPolicy: this.responseHeadersPolicy,
      compress: true,
      edgeLambdas: [
        { functionVersion: this.router.currentVersion, eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST, includeBody },
      ],
    });

    const certificate = props.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Residency: one global URL, every user routed to their home silo',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.appBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      additionalBehaviors: {
        // The API reads JSON bodies at the edge (e.g. signup's country), hence includeBody.
        '/api/*': routed(cloudfront.AllowedMethods.ALLOW_ALL, true),
        // File bytes: GET/HEAD (download) and PUT (upload) straight to the home bucket with the
        // silo's presigned query string (see siloOrigin). CloudFront has only three method
        // presets and PUT is only in ALLOW_ALL; the router refuses the other methods itself. No
        // includeBody: the router never needs the bytes, so none of them (up to 1 MB would be
        // exposed otherwise) enters the function; with read-only access CloudFront sends the
        // full original body to the origin either way (Lambda@Edge restrictions, "include body").
        '/files/*': routed(cloudfront.AllowedMethods.ALLOW_ALL, false),
      },
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      // Cookies carry the session token and the region hint: never logged.
      logIncludesCookies: false,
      ...(certificate
        ? { certificate, domainNames: props.domainNames, minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });

    // ---- grant ----
    // Lambda@Edge writes logs in the region where each request ran, to /aws/lambda/us-east-1.<name>.
    const logGroupArns = [
      `arn:${this.partition}:logs:*:${this.account}:log-group:/aws/lambda/${EDGE_REGION}.${EDGE_FUNCTION_NAME}:*`,
      `arn:${this.partition}:logs:${EDGE_REGION}:${this.account}:log-group:/aws/lambda/${EDGE_FUNCTION_NAME}:*`,
    ];
    new iam.ManagedPolicy(this, 'RouterPolicy', {
      description: 'Residency edge router: its own logs in every edge region, nothing else',
      roles: [routerRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'OwnLogsInEveryEdgeRegion',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: logGroupArns,
        }),
      ],
    });

    new CfnOutput(this, 'RoutingBucketName', {
      description: `The routing catalog (${ROUTING_CATALOG_KEY}) and its apply log (${ROUTING_LOG_PREFIX}); see infra/README.md`,
      value: this.routingBucket.bucketName,
    });
    new CfnOutput(this, 'RoutingCatalogOrigin', {
      description: 'The catalog this edge config was synthesised from (source, ETag, version)',
      value: props.catalogOrigin ?? 'unspecified',
    });

    this.acknowledgeFindings(logGroupArns, !certificate, !props.webAclArn);
  }

  /**
   * The router's deploy-time configuration: the catalog object that `npm run regions -- apply
   * --target aws` replaces with a conditional write and that the synth reads with
   * `-c residency:catalogSource=s3` (infra/bin/synth.ts), plus one log object per apply. Nothing at
   * run time reads it: the router gets its config baked into the package (Lambda@Edge has no
   * environment variables, and a fetch at the edge would need credentials and SigV4 there), so no
   * grant to the router exists. Versioned, so every catalog that was ever applied stays readable.
   */
  private newRoutingBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'RoutingBucket', {
      bucketName: routingBucketName(this.account),
      // SSE-KMS with the AWS-managed key aws/s3: meets HIPAA S3DefaultEncryptionKMS without a
      // customer-managed key ($1/month) in this stack; readers need no KMS grant of their own.
      // (ETags of SSE-KMS objects are not the MD5 of the content: compare them, never compute them.)
      encryption: s3.BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'routing-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const catalogArn = bucket.arnForObjects(ROUTING_CATALOG_KEY);
    const logArn = bucket.arnForObjects(`${ROUTING_LOG_PREFIX}*`);
    const deny = (sid: string, actions: string[], resources: string[], conditions?: Record<string, Record<string, string>>) =>
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions, resources, conditions }),
      );
    // Append-only log: no principal (the account root included) deletes an entry or a version of
    // one; the catalog object keeps its history the same way (versions are never deleted).
    deny('ApplyLogAndCatalogHistoryAreNeverDeleted', ['s3:DeleteObject*'], [logArn, catalogArn]);
    // Writes must be conditional (S3 condition keys s3:if-none-match / s3:if-match, enforced on
    // PutObject and CompleteMultipartUpload): a log entry is only ever created (If-None-Match '*'),
    // never replaced (no If-Match); the catalog is replaced only against the ETag the operator
    // planned with (If-Match), or created when there is none (If-None-Match '*'). A concurrent apply
    // then fails with 412 instead of overwriting. Multipart uploads of these small objects are
    // refused as a side effect (CreateMultipartUpload carries no conditional header).
    deny('ApplyLogEntriesAreCreatedOnly', ['s3:PutObject'], [logArn], { Null: { 's3:if-none-match': 'true' } });
    deny('ApplyLogEntriesAreNeverReplaced', ['s3:PutObject'], [logArn], { Null: { 's3:if-match': 'false' } });
    deny('CatalogWritesAreCompareAndSwap', ['s3:PutObject'], [catalogArn], { Null: { 's3:if-match': 'true', 's3:if-none-match': 'true' } });
    return bucket;
  }

  private acknowledgeFindings(logGroupArns: string[], defaultCertificate: boolean, noWaf: boolean): void {
    const edgeOnly = 'Lambda@Edge does not support';
    acknowledge(this.router, {
      'AwsSolutions-L1':
        'nodejs22.x is the newest Lambda@Edge runtime in the platform notes (shared/notes/aws-edge.md); the bundle is CommonJS with jose inlined for it. Revisit when the edge accepts nodejs24.x.',
      'HIPAA.Security-LambdaDLQ': `${edgeOnly} dead-letter queues; CloudFront invokes the router synchronously and a failure becomes the viewer's 5xx, which the router avoids by design.`,
      'HIPAA.Security-LambdaConcurrency': `${edgeOnly} reserved concurrency; its scaling is per edge location and bounded by the regional Lambda@Edge quotas instead.`,
      'HIPAA.Security-LambdaInsideVPC': `${edgeOnly} VPC configuration; the router reaches nothing but the silos' public Function URLs over HTTPS with the origin secret.`,
    });
    const [anyRegionLogs, ownRegionLogs] = logGroupArns as [string, string];
    acknowledge(this.node.findChild('RouterPolicy'), {
      [`AwsSolutions-IAM5[Resource::${anyRegionLogs}]`]:
        'Lambda@Edge writes its logs in whichever region served the request, so the region of its own log group cannot be narrowed; the group name pins it to this function.',
      [`AwsSolutions-IAM5[Resource::${ownRegionLogs}]`]:
        'Log streams are named by Lambda at run time; the trailing wildcard covers only the streams of this function own log group in us-east-1.',
    });
    acknowledge(this.router.node.findChild('Fn').node.findChild('LogGroup'), {
      'HIPAA.Security-CloudWatchLogGroupEncrypted':
        'This us-east-1 group only gets logs of direct test invocations (edge logs land in /aws/lambda/us-east-1.<name> per edge region); the router never logs PII, and a KMS key here would cost $1/month for nothing.',
    });
    acknowledge(this.logsBucket, {
      'AwsSolutions-S1':
        'This is the access-log bucket itself (CloudFront and app-bucket logs); logging its own writes into itself would loop. CloudTrail data events can cover it if ever required.',
      'HIPAA.Security-S3BucketLoggingEnabled':
        'This is the access-log bucket itself (CloudFront and app-bucket logs); logging its own writes into itself would loop. CloudTrail data events can cover it if ever required.',
      'HIPAA.Security-S3DefaultEncryptionKMS':
        'CloudFront standard logging and S3 server access logging deliver only to buckets with SSE-S3 default encryption; the logs carry no cookies and no bodies.',
      'HIPAA.Security-S3BucketReplicationEnabled':
        'Edge access logs are operational data with a 90-day life; replicating them to another region would spread viewer metadata further for no recovery need.',
    });
    acknowledge(this.appBucket, {
      'HIPAA.Security-S3DefaultEncryptionKMS':
        'The app bucket holds only the public static build (no PII, invariant 5); SSE-KMS would add a KMS call to every cache miss and a key policy for CloudFront, for files anyone can download.',
      'HIPAA.Security-S3BucketReplicationEnabled':
        'The app bucket content is a reproducible build of app/ (npm run build); a replica adds cost without recovering anything that a redeploy cannot.',
    });
    acknowledge(this.routingBucket, {
      'HIPAA.Security-S3BucketReplicationEnabled':
        'The routing catalog holds no personal data (regions and the country mapping) and is written by the operators tool from a file kept in git; versioning keeps every applied catalog, so a replica would recover nothing.',
    });
    acknowledge(this.distribution, {
      'AwsSolutions-CFR1':
        'The service is global by design; where data lives is decided by the signed region claim and the silo mapping, not by blocking viewer countries.',
      ...(noWaf
        ? {
            'AwsSolutions-CFR2':
              'A WAF web ACL is opt-in (EdgeStackProps.webAclArn) because it costs about $5/month plus per-rule and per-request fees at rest; the router already rejects unknown paths and oversized tokens.',
          }
        : {}),
      ...(defaultCertificate
        ? {
            'AwsSolutions-CFR4':
              'Without a custom domain CloudFront uses its default *.cloudfront.net certificate, which pins the TLSv1 security policy; give certificateArn and the viewer minimum becomes TLSv1.2_2021.',
          }
        : {}),
    });
  }
}
