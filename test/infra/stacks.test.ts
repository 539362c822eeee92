// Fine-grained assertions on the synthesized stacks, as phase 2 of a deploy produces them (every
// silo has published its values). One synthesis for the whole file, rule packs included: if any
// cdk-nag AwsSolutions or HIPAA.Security finding were unacknowledged, `synthesize` would throw.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { DEFAULT_CATALOG_FILE } from '../../catalog/default-file.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { CONFIG_FILE_NAME } from '../../edge/adapters/lambda-edge.ts';
import { FORWARDED, SECURITY_HEADERS } from '../../edge/policies.ts';
import { DEFAULT_EDGE_BUNDLE, DEFAULT_REGIONAL_BUNDLE } from '../../infra/lib/assets.ts';
import { DATA_KEY_ALIAS, EDGE_REGION, ROUTING_CATALOG_KEY, ROUTING_LOG_PREFIX, publicationParameters, routingBucketName, stackNames } from '../../infra/lib/names.ts';
import { parsePublication } from '../../infra/lib/region-publications.ts';
import { MIN_REASON_LENGTH } from '../../infra/lib/rule-packs.ts';
import { API_FILES, PRESIGNED_MAX_AGE_SECONDS } from '../../infra/lib/silo-stack.ts';
import { DIRECTORY_TABLE, DIRECTORY_TABLE_KEYS, SILO_TABLE_KEYS, siloTableName } from '../../regional/adapters/tables.ts';
import { ACCOUNT, fixedPublications, functionAssetDir, onlyResource, readJson, resourcesOfType, synthesize, type Synthesized } from './fixture.ts';

const catalog = loadCatalog(DEFAULT_CATALOG_FILE);
const regions = catalog.regions.map((r) => r.code);
const published = fixedPublications(catalog);
let s: Synthesized;

before(() => {
  s = synthesize({ catalog, catalogFile: DEFAULT_CATALOG_FILE, catalogOrigin: 'file catalog/regions.json', publications: published.source });
});

const siloJson = (region: string) => s.json[stackNames.silo(region)];
const edgeJson = () => s.json[stackNames.edge];
const directoryJson = () => s.json[stackNames.directory];
/** The logical id of the silo's own data key (the KMS key with the data alias). */
const dataKeyId = (t: any) => onlyResource(t, 'AWS::KMS::Alias', (r) => r.Properties.AliasName === DATA_KEY_ALIAS)[1].Properties.TargetKeyId['Fn::GetAtt'][0] as string;
const dataKeyArn = (t: any) => ({ 'Fn::GetAtt': [dataKeyId(t), 'Arn'] });
const apiFunction = (t: any) => onlyResource(t, 'AWS::Lambda::Function', (r) => r.Properties.Handler === 'index.handler');
const filesBucket = (t: any) => onlyResource(t, 'AWS::S3::Bucket', (b) => String(b.Properties.BucketName ?? '').startsWith('residency-files-'));
/** The statements of the API's customer-managed policy, by Sid. */
const apiStatements = (t: any): Record<string, any> => {
  const roleId = apiFunction(t)[1].Properties.Role['Fn::GetAtt'][0];
  const [, policy] = onlyResource(t, 'AWS::IAM::ManagedPolicy', (p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId));
  return Object.fromEntries((policy.Properties.PolicyDocument.Statement as any[]).map((st) => [st.Sid, st]));
};
const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
/** The distribution's cache behaviour for a path pattern. */
const behaviour = (pattern: string) => {
  const [, dist] = onlyResource(edgeJson(), 'AWS::CloudFront::Distribution');
  const found = dist.Properties.DistributionConfig.CacheBehaviors.find((b: any) => b.PathPattern === pattern);
  assert.ok(found, `no behaviour for ${pattern}`);
  return found;
};

describe('stacks follow the catalog', () => {
  it('one silo stack per catalog region, in that region, plus the directory and the edge', () => {
    assert.deepEqual(
      s.assembly.stacks.map((a) => a.stackName).sort(),
      [...regions.map(stackNames.silo), stackNames.directory, stackNames.edge].sort(),
    );
    for (const r of regions) assert.equal(s.assembly.getStackByName(stackNames.silo(r)).environment.region, r);
    assert.equal(s.assembly.getStackByName(stackNames.directory).environment.region, catalog.defaultRegion);
    assert.equal(s.assembly.getStackByName(stackNames.edge).environment.region, EDGE_REGION);
  });

  it('a silo template names no other region: every regional resource is in its own region', () => {
    for (const r of regions) {
      const text = JSON.stringify(siloJson(r));
      for (const other of regions.filter((o) => o !== r)) assert.ok(!text.includes(other), `${stackNames.silo(r)} mentions ${other}`);
      assert.ok(!text.includes(EDGE_REGION) || r === EDGE_REGION, `${stackNames.silo(r)} mentions ${EDGE_REGION}`);
    }
  });

  it('no strong cross-stack reference exists (no exports, no Fn::ImportValue)', () => {
    for (const [name, t] of Object.entries(s.json)) {
      assert.ok(!JSON.stringify(t).includes('Fn::ImportValue'), `${name} imports a value`);
      for (const [out, o] of Object.entries((t.Outputs ?? {}) as Record<string, any>)) assert.equal(o.Export, undefined, `${name} exports ${out}`);
    }
  });
});

describe('silo stacks', () => {
  it('the silo table: key schema from regional/adapters/tables.ts, the region key, PITR, deletion protection', () => {
    for (const r of regions) {
      s.silo[r]!.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: siloTableName(r),
        KeySchema: [
          { AttributeName: SILO_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: SILO_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            Region: r,
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: Match.objectLike({ PointInTimeRecoveryEnabled: true }),
            SSESpecification: { KMSMasterKeyId: dataKeyArn(siloJson(r)) },
          }),
        ],
      });
    }
  });

  it('the files bucket: public access blocked, TLS only, SSE-KMS with the region key, versioned, logged', () => {
    for (const r of regions) {
      const t = siloJson(r);
      const [bucketId, bucket] = onlyResource(t, 'AWS::S3::Bucket', (b) => String(b.Properties.BucketName ?? '').startsWith('residency-files-'));
      const p = bucket.Properties;
      assert.deepEqual(p.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      assert.deepEqual(p.VersioningConfiguration, { Status: 'Enabled' });
      assert.deepEqual(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault, {
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: dataKeyArn(t),
      });
      assert.ok(p.LoggingConfiguration?.DestinationBucketName, 'server access logging');
      const [, policy] = onlyResource(t, 'AWS::S3::BucketPolicy', (bp) => bp.Properties.Bucket.Ref === bucketId);
      const statements = policy.Properties.PolicyDocument.Statement as any[];
      assert.ok(statements.some((st) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false'), 'TLS only');
      const onlyApi = statements.find((st) => st.Sid === 'ObjectsOnlyThroughTheSiloApi');
      assert.equal(onlyApi?.Effect, 'Deny');
      assert.deepEqual(onlyApi.Condition.ArnNotEquals['aws:PrincipalArn'], { 'Fn::GetAtt': [apiFunction(t)[1].Properties.Role['Fn::GetAtt'][0], 'Arn'] });
    }
  });

  it('presigned file requests: the API role can sign every S3 and KMS call they need, and the bucket caps their age', () => {
    for (const r of regions) {
      const t = siloJson(r);
      const [bucketId] = filesBucket(t);
      const st = apiStatements(t);
      const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] };
      // Upload (PUT), download and HeadObject (GET), CopyObject incoming -> files (GET + PUT),
      // delete, and erasure of every version of a versioned bucket.
      assert.deepEqual(asList(st.FilesObjects.Action).sort(), ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject']);
      assert.deepEqual(st.FilesObjects.Resource, objects);
      assert.deepEqual(asList(st.FilesListing.Action).sort(), ['s3:ListBucket', 's3:ListBucketVersions']);
      assert.deepEqual(st.FilesListing.Resource, { 'Fn::GetAtt': [bucketId, 'Arn'] });
      // SSE-KMS: a presigned PUT needs GenerateDataKey, a presigned GET needs Decrypt, as the signer.
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) assert.ok(asList(st.DataKey.Action).includes(action), action);
      assert.deepEqual(st.DataKey.Resource, dataKeyArn(t));
      assert.deepEqual(t.Resources[bucketId].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID, dataKeyArn(t));

      const [, policy] = onlyResource(t, 'AWS::S3::BucketPolicy', (bp) => bp.Properties.Bucket.Ref === bucketId);
      const shortLived = (policy.Properties.PolicyDocument.Statement as any[]).find((x) => x.Sid === 'PresignedUrlsAreShortLived');
      assert.equal(shortLived?.Effect, 'Deny');
      assert.deepEqual(shortLived.Condition, {
        StringEquals: { 's3:authType': 'REST-QUERY-STRING' },
        NumericGreaterThan: { 's3:signatureAge': PRESIGNED_MAX_AGE_SECONDS * 1000 },
      });
      assert.ok(PRESIGNED_MAX_AGE_SECONDS >= 300, 'leaves room for the 5-minute upload URLs');
    }
  });

  it('the silo publishes its files bucket regional domain, in the form the edge synth accepts', () => {
    for (const r of regions) {
      const t = siloJson(r);
      const [bucketId, bucket] = filesBucket(t);
      const [, param] = onlyResource(t, 'AWS::SSM::Parameter', (p) => p.Properties.Name === publicationParameters(r).filesDomain);
      assert.deepEqual(param.Properties.Value, { 'Fn::Join': ['', [{ Ref: bucketId }, `.s3.${r}.`, { Ref: 'AWS::URLSuffix' }]] });
      // What CloudFormation will write, resolved with the literal bucket name, passes the strict parse.
      const resolved = `${bucket.Properties.BucketName}.s3.${r}.amazonaws.com`;
      const p = published.values[r]!;
      const parsed = parsePublication(r, { apiDomain: p.apiDomain, publicKey: JSON.stringify(p.publicKey), originSecret: p.originSecret, filesDomain: resolved });
      assert.equal(parsed.filesDomain, resolved);
      assert.equal(resolved, p.filesDomain, 'the test fixture publishes the same form');
    }
  });

  it('the API: nodejs22.x, arm64, Function URL, log group with retention encrypted with the region key', () => {
    for (const r of regions) {
      const t = siloJson(r);
      const [fnId, fn] = apiFunction(t);
      assert.equal(fn.Properties.Runtime, 'nodejs22.x');
      assert.deepEqual(fn.Properties.Architectures, ['arm64']);
      s.silo[r]!.hasResourceProperties('AWS::Lambda::Url', { TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, AuthType: 'NONE' });
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      const lg = t.Resources[logGroupId].Properties;
      assert.ok(lg.RetentionInDays >= 365, 'retention of at least a year');
      assert.deepEqual(lg.KmsKeyId, dataKeyArn(t));
    }
  });

  it('uploads never completed expire from incoming/ by themselves; checked files stay', () => {
    for (const r of regions) {
      const t = siloJson(r);
      const rules = t.Resources[filesBucket(t)[0]].Properties.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number; Status: string }[];
      const incoming = rules.find((rule) => rule.Prefix === 'incoming/');
      assert.deepEqual([incoming?.ExpirationInDays, incoming?.Status], [1, 'Enabled']);
      assert.ok(rules.every((rule) => rule.ExpirationInDays === undefined || rule.Prefix === 'incoming/'), 'nothing under files/ expires');
    }
  });

  it('the API gets the env contract of regional/config.ts, with no secret in it', () => {
    for (const r of regions) {
      const t = siloJson(r);
      const env = apiFunction(t)[1].Properties.Environment.Variables;
      assert.equal(env.RESIDENCY_REGION, r);
      assert.equal(env.DIRECTORY_TABLE, DIRECTORY_TABLE);
      assert.equal(env.RESIDENCY_CATALOG_FILE, `/var/task/${API_FILES.catalog}`);
      assert.equal(env.SESSION_PUBLIC_KEYS_FILE, `/var/task/${API_FILES.publicKeys}`);
      assert.deepEqual(env.SILO_BUCKET, { Ref: filesBucket(t)[0] });
      // The bucket is versioned, so erasure must remove every version: the API is told so.
      assert.equal(env.SILO_BUCKET_VERSIONED, 'true');
      assert.deepEqual(t.Resources[filesBucket(t)[0]].Properties.VersioningConfiguration, { Status: 'Enabled' });
      assert.deepEqual(Object.keys(env).filter((k) => /SECRET$|PEPPER$|_FILE$/.test(k) && !['RESIDENCY_CATALOG_FILE', 'SESSION_PUBLIC_KEYS_FILE'].includes(k)), []);
      const text = JSON.stringify(env);
      for (const p of Object.values(published.values)) assert.ok(!text.includes(p.originSecret));
      assert.ok(!text.includes('resolve:secretsmanager'), 'no resolved secret in the environment');
    }
  });

  it('the session signing key is ECC_NIST_P256 SIGN_VERIFY; the data key rotates', () => {
    for (const r of regions) {
      const t = siloJson(r);
      s.silo[r]!.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
      assert.equal(t.Resources[dataKeyId(t)].Properties.EnableKeyRotation, true);
    }
  });

  it('secrets in a silo are encrypted with its own key; the silo publishes exactly its four parameters', () => {
    for (const r of regions) {
      const t = siloJson(r);
      for (const [, secret] of resourcesOfType(t, 'AWS::SecretsManager::Secret')) assert.deepEqual(secret.Properties.KmsKeyId, dataKeyArn(t));
      const names = resourcesOfType(t, 'AWS::SSM::Parameter').map(([, p]) => p.Properties.Name).sort();
      assert.deepEqual(names, Object.values(publicationParameters(r)).sort());
      assert.equal(names.length, 4);
    }
  });

  it('the API asset carries the same regional bundle bytes, the catalog file and every region key', () => {
    const bundle = readFileSync(DEFAULT_REGIONAL_BUNDLE);
    for (const r of regions) {
      const dir = functionAssetDir(s.assembly, siloJson(r), apiFunction(siloJson(r))[0]);
      assert.ok(readFileSync(join(dir, 'index.js')).equals(bundle), 'same bytes as dist/regional/index.js (invariant 6)');
      assert.equal(readFileSync(join(dir, API_FILES.catalog), 'utf8'), readFileSync(DEFAULT_CATALOG_FILE, 'utf8'));
      const keys = readJson(join(dir, API_FILES.publicKeys));
      assert.deepEqual(keys, regions.map((code) => published.values[code]!.publicKey));
    }
  });
});

describe('directory stack', () => {
  it('a global table of blind indexes whose replicas sit in the silos, each with its own key', () => {
    const t = directoryJson();
    const [, table] = onlyResource(t, 'AWS::DynamoDB::GlobalTable');
    const p = table.Properties;
    assert.equal(p.TableName, DIRECTORY_TABLE);
    assert.deepEqual(p.KeySchema, [{ AttributeName: DIRECTORY_TABLE_KEYS.partitionKey, KeyType: 'HASH' }]);
    assert.deepEqual(p.AttributeDefinitions, [{ AttributeName: DIRECTORY_TABLE_KEYS.partitionKey, AttributeType: 'S' }]);
    assert.deepEqual(p.Replicas.map((x: any) => x.Region).sort(), [...regions].sort(), 'replicas exactly in the silo regions');
    for (const replica of p.Replicas) {
      assert.equal(replica.DeletionProtectionEnabled, true);
      assert.equal(replica.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled, true);
      assert.match(JSON.stringify(replica.SSESpecification.KMSMasterKeyId), new RegExp(`kms:${replica.Region}:111111111111:${DATA_KEY_ALIAS}`));
    }
  });

  it('one pepper, replicated to every other silo under its data key', () => {
    const [, secret] = onlyResource(directoryJson(), 'AWS::SecretsManager::Secret');
    assert.deepEqual(
      secret.Properties.ReplicaRegions.map((x: any) => x.Region).sort(),
      regions.filter((r) => r !== catalog.defaultRegion).sort(),
    );
    for (const replica of secret.Properties.ReplicaRegions) assert.equal(replica.KmsKeyId, DATA_KEY_ALIAS);
  });
});

describe('edge stack', () => {
  it('holds no table, no secret and no bucket of user data (only the static app, the routing catalog and access logs)', () => {
    const t = edgeJson();
    const types = new Set(Object.values(t.Resources as Record<string, any>).map((r) => r.Type));
    for (const type of types) assert.ok(!/DynamoDB|SecretsManager|RDS|KMS::Key/.test(type), `edge stack has ${type}`);
    const buckets = resourcesOfType(t, 'AWS::S3::Bucket');
    assert.equal(buckets.length, 3);
    for (const [id] of buckets) assert.match(id, /^(AppBucket|AccessLogsBucket|RoutingBucket)/);
  });

  it('the router has no environment variables and is built from the same edge bundle', () => {
    const t = edgeJson();
    const [fnId, fn] = onlyResource(t, 'AWS::Lambda::Function', (r) => r.Properties.FunctionName === 'residency-edge-router');
    assert.equal(fn.Properties.Environment, undefined);
    assert.equal(fn.Properties.Runtime, 'nodejs22.x');
    const dir = functionAssetDir(s.assembly, t, fnId);
    assert.ok(readFileSync(join(dir, 'index.js')).equals(readFileSync(DEFAULT_EDGE_BUNDLE)), 'same bytes as dist/edge/index.js');
    assert.deepEqual(readJson(join(dir, CONFIG_FILE_NAME)), s.stacks.edge!.edgeConfig);
  });

  it('edge-config.json routes every region to its published Function URL with its origin secret and key', () => {
    const config = s.stacks.edge!.edgeConfig;
    assert.deepEqual(s.stacks.edge!.pendingRegions, []);
    for (const r of catalog.regions) {
      const route = config.routing.regions[r.code]!;
      assert.equal(route.status, r.status);
      assert.equal(route.api.domainName, published.values[r.code]!.apiDomain);
      assert.equal(route.api.protocol, 'https');
      assert.equal(route.originSecret, published.values[r.code]!.originSecret);
      // File bytes go to the region's own bucket, as an https custom origin (presigned by the silo).
      assert.deepEqual(route.files, {
        protocol: 'https',
        domainName: published.values[r.code]!.filesDomain,
        port: 443,
        path: '',
        readTimeout: 30,
        keepaliveTimeout: 5,
      });
      assert.match(route.files.domainName, new RegExp(`^residency-files-${r.code}-\\d{12}\\.s3\\.${r.code}\\.amazonaws\\.com$`));
    }
    assert.deepEqual(config.keys, regions.map((r) => published.values[r]!.publicKey));
    assert.deepEqual(config.routing.countries, catalog.countries);
  });

  it('the origin request policy forwards exactly FORWARDED', () => {
    const [, orp] = onlyResource(edgeJson(), 'AWS::CloudFront::OriginRequestPolicy');
    const c = orp.Properties.OriginRequestPolicyConfig;
    assert.equal(c.HeadersConfig.HeaderBehavior, 'whitelist');
    assert.deepEqual([...c.HeadersConfig.Headers].sort(), [...FORWARDED.headers].sort());
    assert.equal(c.CookiesConfig.CookieBehavior, 'whitelist');
    assert.deepEqual([...c.CookiesConfig.Cookies].sort(), [...FORWARDED.cookies].sort());
    assert.equal(c.QueryStringsConfig.QueryStringBehavior, FORWARDED.queryStrings);
  });

  it('the response headers policy sends exactly SECURITY_HEADERS', () => {
    const [, rhp] = onlyResource(edgeJson(), 'AWS::CloudFront::ResponseHeadersPolicy');
    const sec = rhp.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const hsts = sec.StrictTransportSecurity;
    const rendered: Record<string, string> = {
      'content-security-policy': sec.ContentSecurityPolicy.ContentSecurityPolicy,
      'strict-transport-security': [`max-age=${hsts.AccessControlMaxAgeSec}`, hsts.IncludeSubdomains && 'includeSubDomains', hsts.Preload && 'preload'].filter(Boolean).join('; '),
      'x-content-type-options': sec.ContentTypeOptions ? 'nosniff' : '',
      'x-frame-options': sec.FrameOptions.FrameOption,
      'referrer-policy': sec.ReferrerPolicy.ReferrerPolicy,
    };
    for (const h of rhp.Properties.ResponseHeadersPolicyConfig.CustomHeadersConfig?.Items ?? []) rendered[h.Header] = h.Value;
    assert.deepEqual(rendered, SECURITY_HEADERS);
    for (const v of Object.values(sec) as any[]) assert.equal(v.Override, true);
  });

  it('/api/* and /files/* run the router on origin-request, uncached (the body only on /api/*); the default is the app bucket with OAC', () => {
    const t = edgeJson();
    const [, dist] = onlyResource(t, 'AWS::CloudFront::Distribution');
    const c = dist.Properties.DistributionConfig;
    const [fnId] = onlyResource(t, 'AWS::Lambda::Function', (r) => r.Properties.FunctionName === 'residency-edge-router');
    const [versionId] = onlyResource(t, 'AWS::Lambda::Version', (v) => v.Properties.FunctionName.Ref === fnId);
    const [orpId] = onlyResource(t, 'AWS::CloudFront::OriginRequestPolicy');
    assert.deepEqual(c.CacheBehaviors.map((b: any) => b.PathPattern).sort(), ['/api/*', '/files/*']);
    for (const b of c.CacheBehaviors) {
      // The API reads bodies at the edge; file bytes never enter the function.
      const includeBody = b.PathPattern === '/api/*';
      assert.deepEqual(b.LambdaFunctionAssociations, [{ EventType: 'origin-request', IncludeBody: includeBody, LambdaFunctionARN: { Ref: versionId } }]);
      assert.equal(b.CachePolicyId, '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', 'managed CachingDisabled');
      assert.deepEqual(b.OriginRequestPolicyId, { Ref: orpId });
      assert.equal(b.ViewerProtocolPolicy, 'https-only');
    }
    assert.equal(c.DefaultCacheBehavior.LambdaFunctionAssociations, undefined);
    const defaultOrigin = c.Origins.find((o: any) => o.Id === c.DefaultCacheBehavior.TargetOriginId);
    assert.ok(defaultOrigin.OriginAccessControlId, 'OAC on the app bucket');
    assert.match(JSON.stringify(defaultOrigin.DomainName), /AppBucket/);
  });

  it('/files/* accepts PUT uploads (all methods: the only preset with PUT), uncached, with the presigned query string forwarded', () => {
    const b = behaviour('/files/*');
    assert.deepEqual([...b.AllowedMethods].sort(), ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    assert.ok(b.AllowedMethods.includes('PUT'));
    assert.equal(b.CachePolicyId, '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', 'managed CachingDisabled');
    assert.deepEqual([...(b.CachedMethods ?? ['GET', 'HEAD'])].sort(), ['GET', 'HEAD']);
    const [orpId, orp] = onlyResource(edgeJson(), 'AWS::CloudFront::OriginRequestPolicy');
    assert.deepEqual(b.OriginRequestPolicyId, { Ref: orpId });
    // X-Amz-Signature, X-Amz-Credential, ... reach the router (and S3) untouched.
    assert.equal(orp.Properties.OriginRequestPolicyConfig.QueryStringsConfig.QueryStringBehavior, 'all');
    assert.ok(orp.Properties.OriginRequestPolicyConfig.HeadersConfig.Headers.includes('content-type'), 'the signed content-type reaches S3');
    assert.equal(b.LambdaFunctionAssociations[0].IncludeBody, false);
  });

  it('access logging is on and records no cookies', () => {
    const [, dist] = onlyResource(edgeJson(), 'AWS::CloudFront::Distribution');
    const logging = dist.Properties.DistributionConfig.Logging;
    assert.equal(logging.IncludeCookies, false);
    assert.match(JSON.stringify(logging.Bucket), /AccessLogsBucket/);
  });
});

describe('routing bucket (the router\'s deploy-time configuration)', () => {
  const routing = () => onlyResource(edgeJson(), 'AWS::S3::Bucket', (b) => b.Properties.BucketName === routingBucketName(ACCOUNT));
  const statements = (): any[] => {
    const [id] = routing();
    const [, policy] = onlyResource(edgeJson(), 'AWS::S3::BucketPolicy', (p) => p.Properties.Bucket.Ref === id);
    return policy.Properties.PolicyDocument.Statement;
  };
  /** `<bucket ARN>` + suffix, as CDK renders arnForObjects. */
  const objectArn = (suffix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [routing()[0], 'Arn'] }, `/${suffix}`]] });
  const bySid = (sid: string) => {
    const st = statements().find((x) => x.Sid === sid);
    assert.ok(st, `no statement ${sid}`);
    return st;
  };

  it('is residency-routing-<account> in the edge stack (us-east-1), versioned, retained', () => {
    const [, b] = routing();
    assert.equal(b.Properties.BucketName, `residency-routing-${ACCOUNT}`);
    assert.deepEqual(b.Properties.VersioningConfiguration, { Status: 'Enabled' });
    assert.equal(b.DeletionPolicy, 'Retain');
    assert.equal(b.UpdateReplacePolicy, 'Retain');
    assert.equal(s.assembly.getStackByName(stackNames.edge).environment.region, EDGE_REGION);
    assert.deepEqual(edgeJson().Outputs.RoutingBucketName.Value, { Ref: routing()[0] });
    assert.equal(edgeJson().Outputs.RoutingBucketName.Export, undefined);
  });

  it('blocks all public access, enforces TLS >= 1.2, encrypts with KMS, logs to the access-log bucket', () => {
    const [id, b] = routing();
    assert.deepEqual(b.Properties.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    assert.deepEqual(b.Properties.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    assert.equal(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'aws:kms');
    assert.match(JSON.stringify(b.Properties.LoggingConfiguration.DestinationBucketName), /AccessLogsBucket/);
    const whole = [{ 'Fn::GetAtt': [id, 'Arn'] }, objectArn('*')];
    const tls = statements().find((x) => x.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    assert.ok(tls, 'denies requests without TLS');
    assert.equal(tls.Effect, 'Deny');
    assert.equal(tls.Action, 's3:*');
    assert.deepEqual(tls.Resource, whole);
    const old = statements().find((x) => x.Condition?.NumericLessThan?.['s3:TlsVersion'] === 1.2);
    assert.ok(old, 'denies TLS below 1.2');
    assert.deepEqual(old.Resource, whole);
  });

  it('denies everyone every delete of a log entry or a catalog version (append-only log, kept history)', () => {
    const st = bySid('ApplyLogAndCatalogHistoryAreNeverDeleted');
    assert.equal(st.Effect, 'Deny');
    assert.deepEqual(st.Principal, { AWS: '*' });
    assert.equal(st.Action, 's3:DeleteObject*');
    assert.equal(st.Condition, undefined, 'unconditional');
    const key = (r: any) => JSON.stringify(r);
    assert.deepEqual(st.Resource.map(key).sort(), [objectArn(`${ROUTING_LOG_PREFIX}*`), objectArn(ROUTING_CATALOG_KEY)].map(key).sort());
  });

  it('accepts only conditional writes: log entries created (If-None-Match) never replaced, the catalog compare-and-swap', () => {
    const created = bySid('ApplyLogEntriesAreCreatedOnly');
    assert.deepEqual([created.Effect, created.Action, created.Resource], ['Deny', 's3:PutObject', objectArn(`${ROUTING_LOG_PREFIX}*`)]);
    assert.deepEqual(created.Condition, { Null: { 's3:if-none-match': 'true' } });
    const replaced = bySid('ApplyLogEntriesAreNeverReplaced');
    assert.deepEqual([replaced.Effect, replaced.Action, replaced.Resource], ['Deny', 's3:PutObject', objectArn(`${ROUTING_LOG_PREFIX}*`)]);
    assert.deepEqual(replaced.Condition, { Null: { 's3:if-match': 'false' } });
    const cas = bySid('CatalogWritesAreCompareAndSwap');
    assert.deepEqual([cas.Effect, cas.Action, cas.Resource], ['Deny', 's3:PutObject', objectArn(ROUTING_CATALOG_KEY)]);
    // Denied only when both headers are missing: If-Match replaces, If-None-Match '*' seeds.
    assert.deepEqual(cas.Condition, { Null: { 's3:if-match': 'true', 's3:if-none-match': 'true' } });
    for (const st of statements()) assert.equal(st.Effect, 'Deny', 'the bucket policy grants nothing');
  });

  it('the router gets nothing on it: its policy has no S3 action and its config names no bucket', () => {
    const t = edgeJson();
    const [, policy] = onlyResource(t, 'AWS::IAM::ManagedPolicy', (p) => /edge router/.test(p.Properties.Description ?? ''));
    for (const st of policy.Properties.PolicyDocument.Statement) {
      for (const a of asList(st.Action)) assert.doesNotMatch(a, /^s3:/);
    }
    const [, role] = onlyResource(t, 'AWS::IAM::Role', (r) => /edge router/.test(r.Properties.Description ?? ''));
    assert.equal(role.Properties.Policies, undefined);
    assert.equal(role.Properties.ManagedPolicyArns, undefined);
    const roleId = onlyResource(t, 'AWS::IAM::Role', (r) => /edge router/.test(r.Properties.Description ?? ''))[0];
    for (const [, p] of resourcesOfType(t, 'AWS::IAM::Policy')) {
      assert.ok(!(p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId), 'no inline policy on the router role');
    }
    assert.ok(!JSON.stringify(s.stacks.edge!.edgeConfig).includes('residency-routing-'), 'edge-config.json names no routing bucket');
  });

  it('the edge stack says which catalog it was synthesised from (an output, no export)', () => {
    const out = edgeJson().Outputs.RoutingCatalogOrigin;
    assert.equal(out.Value, 'file catalog/regions.json');
    assert.equal(out.Export, undefined);
  });
});

describe('rule packs', () => {
  it('AwsSolutions and HIPAA.Security find nothing unacknowledged in the synthesized app', () => {
    // synthesize() already ran them as validation plugins (app.synth() throws on any finding);
    // running them directly here lists what would be open, for a readable failure.
    for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks()]) {
      const report = pack.validateScope(s.app);
      assert.deepEqual(
        report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
        [],
        pack.readPackName,
      );
    }
  });

  it('every acknowledgement carries a specific reason', () => {
    const acks: { path: string; id: string; reason: string }[] = [];
    for (const c of s.app.node.findAll()) {
      for (const e of c.node.metadata) {
        if (e.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(e.data as Record<string, string>)) acks.push({ path: c.node.path, id, reason });
      }
    }
    assert.ok(acks.length > 10, `expected the acknowledgements on the construct tree, found ${acks.length}`);
    for (const a of acks) {
      assert.ok(a.reason.length >= MIN_REASON_LENGTH, `${a.id} on ${a.path}: reason too short`);
      assert.doesNotMatch(a.reason, /^(n\/?a|not (needed|applicable)|by design|suppress|false positive|todo)\b/i, `${a.id} on ${a.path}`);
    }
    // A reason is written for the finding it answers: one text never answers unrelated rules
    // (the same control in both packs may share one).
    const sameControl: Record<string, string> = { S1: 'S3BucketLoggingEnabled', SMG4: 'SecretsManagerRotationEnabled' };
    const rulesByReason = new Map<string, Set<string>>();
    for (const a of acks) {
      const rule = a.id.replace(/^Annotation::/, '').replace(/^(AwsSolutions|HIPAA\.Security)-/, '').replace(/\[.*$/, '');
      rulesByReason.set(a.reason, (rulesByReason.get(a.reason) ?? new Set()).add(sameControl[rule] ?? rule));
    }
    for (const [reason, rules] of rulesByReason) {
      assert.equal(rules.size, 1, `one reason answers unrelated rules ${[...rules].join(', ')}: "${reason.slice(0, 60)}..."`);
    }
  });
});
