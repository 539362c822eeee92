// The small pieces the stacks are made of, without a full synthesis: lookups and their
// validation, the pending edge config and the files origins, the CloudFront policy builders, the
// public-key custom resource, the KMS signature format, and the rule-pack wiring.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DEFAULT_CATALOG_FILE } from '../../catalog/default-file.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { derToRawEs256 } from '../../session/der.ts';
import { awsEdgeConfig, siloOrigin, PENDING_ORIGIN_DOMAIN } from '../../infra/lib/edge-config.ts';
import { parseHsts, securityResponseHeadersPolicy } from '../../infra/lib/edge-policies.ts';
import { newResidencyApp } from '../../infra/lib/feature-flags.ts';
import { bucketRegionalDomain, publicationParameters } from '../../infra/lib/names.ts';
import {
  noPublications,
  parsePublication,
  publicationContextKey,
  resolvePublishedKeys,
  ssmPublications,
  PublicationError,
} from '../../infra/lib/region-publications.ts';
import { acknowledge, addRulePacks } from '../../infra/lib/rule-packs.ts';
import { ACCOUNT, fakePublication } from './fixture.ts';

const catalog = loadCatalog(DEFAULT_CATALOG_FILE);
const require = createRequire(import.meta.url);
const publicKeyResource = require('../../infra/lib/custom-resources/session-public-key/index.js') as {
  makeHandler(kms: { send(c: unknown): Promise<any> }, cmd: new (input: unknown) => unknown): (event: any) => Promise<any>;
};

// A KMS-shaped ECDSA_SHA_256 signature (DER; r has its high bit set, so DER pads it with 0x00)
// over a JWS signing input, and the public key as KMS GetPublicKey returns it (SPKI DER).
const VECTOR = {
  spki: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7a+AuiZtWes4qFDfr/8T5cLQ17HjSdOOuAg5nlJ2pS4BzH42yi+kZpBP0hD3MOaC8z7xDlFo1/lh5AD3pHS41w==',
  jwk: { x: '7a-AuiZtWes4qFDfr_8T5cLQ17HjSdOOuAg5nlJ2pS4', y: 'Acx-NsovpGaQT9IQ9zDmgvM-8Q5RaNf5YeQA96R0uNc' },
  input: 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImV1LXdlc3QtMS1rbXMtdGVzdCJ9.eyJzdWIiOiJ0ZXN0In0',
  der: 'MEUCIQCcDQWnOOUq4SI2fg7bJ3RZCBbIwVZ0GDoXqVpOrISVwAIgfyh/K84qdv0SG9On0FcKt0i5BQkWsyNjv7cyuqyIA18=',
};

describe('KMS session keys', () => {
  it('the public-key custom resource turns GetPublicKey output into the JWK coordinates', async () => {
    class GetPublicKeyCommand {
      constructor(readonly input: unknown) {}
    }
    const sent: unknown[] = [];
    const kms = {
      send: async (c: any) => {
        sent.push(c.input);
        return { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['ECDSA_SHA_256'], PublicKey: new Uint8Array(Buffer.from(VECTOR.spki, 'base64')) };
      },
    };
    const handler = publicKeyResource.makeHandler(kms, GetPublicKeyCommand);
    const out = await handler({ RequestType: 'Create', ResourceProperties: { KeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k' } });
    assert.deepEqual(out, { PhysicalResourceId: 'arn:aws:kms:eu-west-1:111111111111:key/k', Data: { X: VECTOR.jwk.x, Y: VECTOR.jwk.y } });
    assert.deepEqual(sent, [{ KeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k' }]);
    assert.deepEqual(await handler({ RequestType: 'Delete', PhysicalResourceId: 'p', ResourceProperties: {} }), { PhysicalResourceId: 'p' });
  });

  it('the custom resource refuses a key that is not an ES256 signing key', async () => {
    const kms = { send: async () => ({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['RSASSA_PSS_SHA_256'], PublicKey: new Uint8Array() }) };
    const handler = publicKeyResource.makeHandler(kms, class {} as never);
    await assert.rejects(handler({ RequestType: 'Update', ResourceProperties: { KeyId: 'k' } }), /expected ECC_NIST_P256/);
  });

  it('a KMS DER signature becomes the 64-byte r||s that verifies as ES256 with the published JWK', async () => {
    const raw = derToRawEs256(Buffer.from(VECTOR.der, 'base64'));
    assert.equal(raw.length, 64);
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', ...VECTOR.jwk }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw, new TextEncoder().encode(VECTOR.input));
    assert.equal(ok, true);
  });
});

describe('published silo values', () => {
  const good = fakePublication('eu-west-1');
  const raw = { apiDomain: good.apiDomain, publicKey: JSON.stringify(good.publicKey), originSecret: good.originSecret, filesDomain: good.filesDomain };
  /** Context that answers every lookup of `region` with `values` (missing ones stay pending). */
  const contextFor = (region: string, values: Partial<typeof raw>): Record<string, string> => {
    const probe = new Stack(newResidencyApp(), 'Probe', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const names = publicationParameters(region);
    const byName: Record<string, string | undefined> = {
      [names.apiDomain]: values.apiDomain,
      [names.sessionPublicKey]: values.publicKey,
      [names.originSecret]: values.originSecret,
      [names.filesDomain]: values.filesDomain,
    };
    return Object.fromEntries(
      Object.entries(byName).flatMap(([name, v]) => (v === undefined ? [] : [[publicationContextKey(probe, region, name), v]])),
    );
  };

  it('parse strictly: the right region, a Function URL host, a P-256 key, a long secret', () => {
    assert.deepEqual(parsePublication('eu-west-1', raw), good);
    assert.throws(() => parsePublication('us-east-2', raw), PublicationError);
    assert.throws(() => parsePublication('eu-west-1', { ...raw, apiDomain: 'evil.example.com' }), /not a Function URL host/);
    assert.throws(() => parsePublication('eu-west-1', { ...raw, originSecret: 'short' }), /shorter than 32/);
    const otherRegionKey = JSON.stringify({ ...good.publicKey, region: 'us-east-2' });
    assert.throws(() => parsePublication('eu-west-1', { ...raw, publicKey: otherRegionKey }), /public key entry of eu-west-1/);
  });

  it('the files domain must be this silo bucket at its regional endpoint, nothing else', () => {
    const bucket = `residency-files-eu-west-1-${ACCOUNT}`;
    assert.equal(parsePublication('eu-west-1', { ...raw, filesDomain: `${bucket}.s3.eu-west-1.amazonaws.com` }).filesDomain, `${bucket}.s3.eu-west-1.amazonaws.com`);
    const wrong = [
      `${bucket}.s3.amazonaws.com`, // legacy global endpoint: another host than the one signed
      `${bucket}.s3.us-east-2.amazonaws.com`, // another region's endpoint
      `residency-files-us-east-2-${ACCOUNT}.s3.eu-west-1.amazonaws.com`, // another silo's bucket
      `s3.eu-west-1.amazonaws.com`, // path-style: the edge sends the key as the whole path
      `${bucket}.s3.eu-west-1.amazonaws.com.evil.example`,
      `evil.example.com`,
    ];
    for (const filesDomain of wrong) {
      assert.throws(() => parsePublication('eu-west-1', { ...raw, filesDomain }), /files-domain in eu-west-1 is not the regional domain/, filesDomain);
    }
  });

  it('bucketRegionalDomain builds the virtual-hosted regional form in every region, us-east-1 included', () => {
    assert.equal(bucketRegionalDomain('b-1', 'us-east-1'), 'b-1.s3.us-east-1.amazonaws.com');
    assert.equal(bucketRegionalDomain('b-1', 'ap-southeast-2'), 'b-1.s3.ap-southeast-2.amazonaws.com');
  });

  it('SSM lookups read each parameter in its silo region and use cached context values', () => {
    const context = contextFor('eu-west-1', raw);
    assert.equal(Object.keys(context).length, 4);
    for (const key of Object.keys(context)) assert.match(key, /region=eu-west-1/);
    const stack = new Stack(newResidencyApp({ context }), 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const resolved = ssmPublications.resolve(stack, catalog);
    assert.deepEqual(resolved['eu-west-1'], good);
    assert.equal(resolved['us-east-2'], undefined, 'no context: pending');
  });

  it('a silo published before files-domain existed is pending as a whole at the edge, never half-routed', () => {
    const { filesDomain: _missing, ...older } = raw;
    const stack = new Stack(newResidencyApp({ context: contextFor('eu-west-1', older) }), 'Edge', { env: { account: ACCOUNT, region: 'us-east-1' } });
    assert.equal(ssmPublications.resolve(stack, catalog)['eu-west-1'], undefined);
  });

  it('a silo stack looks up only the session public keys, so no other parameter can hold up its deploy', () => {
    const { filesDomain: _f, apiDomain: _a, originSecret: _o, ...keyOnly } = raw;
    const app = newResidencyApp({ context: contextFor('eu-west-1', keyOnly), builtinCloudFormationValidation: false });
    const silo = new Stack(app, 'Silo', { env: { account: ACCOUNT, region: 'us-east-2' } });
    assert.deepEqual(resolvePublishedKeys(ssmPublications, silo, catalog), [good.publicKey]);
    const asked = (app.synth().manifest.missing ?? []).map((m) => (m.props as { parameterName: string }).parameterName);
    assert.ok(asked.length > 0);
    for (const name of asked) assert.match(name, /\/session-public-key$/);
    assert.deepEqual(resolvePublishedKeys(noPublications, silo, catalog), []);
    // A source without resolveKeys (tests, custom sources) falls back to its full publications.
    const full = { resolve: () => ({ 'eu-west-1': good, 'us-east-2': undefined, 'ap-southeast-2': undefined }) };
    assert.deepEqual(resolvePublishedKeys(full, silo, catalog), [good.publicKey]);
  });

  it('a region with unknown values is offline at the edge; the others route normally', () => {
    const eu = fakePublication('eu-west-1');
    const { config, pending } = awsEdgeConfig(catalog, { 'eu-west-1': eu, 'us-east-2': undefined, 'ap-southeast-2': undefined });
    assert.deepEqual(pending, ['us-east-2', 'ap-southeast-2']);
    assert.equal(config.routing.regions['eu-west-1']!.status, 'active');
    assert.equal(config.routing.regions['us-east-2']!.status, 'offline');
    assert.equal(config.routing.regions['us-east-2']!.files.domainName, PENDING_ORIGIN_DOMAIN);
    assert.deepEqual(config.keys, [eu.publicKey]);
    const offered = JSON.parse(config.routing.publicConfig).countries.map((c: { code: string }) => c.code);
    assert.ok(offered.includes('IE') && !offered.includes('US'));
  });

  it('each published region gets its files bucket as an https custom origin on 443, virtual-hosted', () => {
    const eu = fakePublication('eu-west-1');
    const { config } = awsEdgeConfig(catalog, { 'eu-west-1': eu, 'us-east-2': undefined, 'ap-southeast-2': undefined });
    const expected = { protocol: 'https', domainName: eu.filesDomain, port: 443, path: '', readTimeout: 30, keepaliveTimeout: 5 };
    assert.deepEqual(config.routing.regions['eu-west-1']!.files, expected);
    assert.deepEqual(siloOrigin(eu.filesDomain), expected);
    assert.notEqual(config.routing.regions['eu-west-1']!.files.domainName, config.routing.regions['eu-west-1']!.api.domainName);
  });
});

describe('CloudFront policy builders', () => {
  it('HSTS parses exactly and refuses what CloudFront cannot express', () => {
    const h = parseHsts('max-age=63072000; includeSubDomains; preload');
    assert.deepEqual([h.accessControlMaxAge.toSeconds(), h.includeSubdomains, h.preload], [63072000, true, true]);
    assert.throws(() => parseHsts('includeSubDomains'), /max-age/);
    assert.throws(() => parseHsts('max-age=1; unknown'), /cannot express/);
  });

  it('security headers map onto the security behaviour; unknown ones become custom headers', () => {
    const p = securityResponseHeadersPolicy({ 'x-frame-options': 'DENY', 'permissions-policy': 'camera=()' });
    assert.equal(p.securityHeadersBehavior?.frameOptions?.frameOption, 'DENY');
    assert.deepEqual(p.customHeadersBehavior?.customHeaders, [{ header: 'permissions-policy', value: 'camera=()', override: true }]);
    assert.throws(() => securityResponseHeadersPolicy({ 'referrer-policy': 'bogus' }), /not a policy/);
    assert.throws(() => securityResponseHeadersPolicy({ 'x-content-type-options': 'sniff' }), /nosniff/);
  });
});

describe('rule packs', () => {
  it('fail the synthesis on an unacknowledged finding', () => {
    const app = newResidencyApp({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Bad', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    new s3.Bucket(stack, 'Plain', { removalPolicy: RemovalPolicy.DESTROY });
    addRulePacks(app);
    assert.throws(() => app.synth(), /AwsSolutions-S1|HIPAA\.Security-S3BucketLoggingEnabled|Validation failed/);
  });

  it('refuse an acknowledgement without a specific reason', () => {
    const stack = new Stack(newResidencyApp(), 'Ack');
    assert.throws(() => acknowledge(stack, { 'AwsSolutions-S1': 'not needed' }), /specific reason/);
  });
});
