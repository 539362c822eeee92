// The silo API's environment contract: validated once, strictly, with every problem named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, readEnv } from '../../regional/config.ts';

const local = {
  RESIDENCY_REGION: 'eu-west-1',
  RESIDENCY_CATALOG_FILE: '/c.json',
  SILO_TABLE: 'residency-silo-eu-west-1',
  SILO_BUCKET: 'residency-files-eu-west-1',
  DIRECTORY_TABLE: 'residency-directory',
  SESSION_PUBLIC_KEYS_FILE: '/k.json',
  SIGNING_KEY_FILE: '/s.json',
  DIRECTORY_PEPPER_FILE: '/p',
  ORIGIN_SECRET_FILE: '/o',
};
const aws = (({ SIGNING_KEY_FILE: _s, DIRECTORY_PEPPER_FILE: _p, ORIGIN_SECRET_FILE: _o, ...rest }) => ({
  ...rest,
  SIGNING_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111111111111:key/x',
  SIGNING_KID: 'eu-west-1-abc',
  DIRECTORY_PEPPER_SECRET_ID: 'residency/directory-pepper',
  ORIGIN_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:o',
}))(local);

const cases: [string, Record<string, string | undefined>, RegExp | null][] = [
  ['the local stack', local, null],
  ['AWS: KMS signer and Secrets Manager ids', aws, null],
  ['no region', { ...local, RESIDENCY_REGION: undefined }, /RESIDENCY_REGION/],
  ['a region that is not a region code', { ...local, RESIDENCY_REGION: 'Ireland' }, /RESIDENCY_REGION/],
  ['no files bucket', { ...local, SILO_BUCKET: undefined }, /SILO_BUCKET/],
  ['a bucket versioning flag that is not true or false', { ...local, SILO_BUCKET_VERSIONED: 'yes' }, /SILO_BUCKET_VERSIONED/],
  ['an S3 endpoint that is not a URL', { ...local, SILO_S3_ENDPOINT: '127.0.0.1:9000' }, /SILO_S3_ENDPOINT/],
  ['an endpoint that is not a URL', { ...local, SILO_DYNAMODB_ENDPOINT: 'localhost' }, /SILO_DYNAMODB_ENDPOINT/],
  ['no signer', { ...local, SIGNING_KEY_FILE: undefined }, /SIGNING_KEY_FILE, or SIGNING_KMS_KEY_ID and SIGNING_KID/],
  ['two signers', { ...local, SIGNING_KMS_KEY_ID: 'k', SIGNING_KID: 'x' }, /SIGNING_KEY_FILE, or SIGNING_KMS_KEY_ID/],
  ['a pepper from nowhere', { ...local, DIRECTORY_PEPPER_FILE: undefined }, /exactly one of DIRECTORY_PEPPER_FILE and DIRECTORY_PEPPER_SECRET_ID/],
  ['an origin secret from two places', { ...local, ORIGIN_SECRET_ID: 'x' }, /exactly one of ORIGIN_SECRET_FILE and ORIGIN_SECRET_ID/],
];

for (const [name, env, error] of cases) {
  test(`${error ? 'refuses' : 'accepts'} ${name}`, () => {
    if (!error) return void readEnv(env);
    assert.throws(() => readEnv(env), (e: unknown) => e instanceof ConfigError && error.test(e.message));
  });
}
