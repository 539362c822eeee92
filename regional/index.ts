// Lambda entry point of a silo's API (Function URL trigger). The local stack runs this same
// built file through local/regional-server.ts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../catalog/load.ts';
import { regionOf } from '../catalog/schema.ts';
import type { PublicKeyEntry } from '../session/claims.ts';
import { nodeCryptoEs256 } from '../session/node-key.ts';
import { createSessionVerifier } from '../session/verify.ts';
import { dynamoDirectoryStore } from './adapters/dynamo-directory.ts';
import { dynamoSiloStore } from './adapters/dynamo-silo.ts';
import { s3FileObjects } from './adapters/s3-files.ts';
import { fromFunctionUrl, toFunctionUrl, type FunctionUrlEvent, type FunctionUrlResult } from './adapters/function-url.ts';
import { kmsSigner, localFileSigner } from './adapters/signers.ts';
import { readEnv, ConfigError } from './config.ts';
import { loadSecret } from './adapters/secrets.ts';
import { createApi } from './core/api.ts';
import type { ApiRequest, ApiResponse } from './core/http.ts';

async function boot(): Promise<(req: ApiRequest) => Promise<ApiResponse>> {
  const env = readEnv();
  const catalog = loadCatalog(env.RESIDENCY_CATALOG_FILE);
  const region = regionOf(catalog, env.RESIDENCY_REGION);
  if (!region) throw new ConfigError(`region ${env.RESIDENCY_REGION} is not in the catalog`);
  const keys = JSON.parse(readFileSync(env.SESSION_PUBLIC_KEYS_FILE, 'utf8')) as PublicKeyEntry[];
  // Fail fast when the store is unreachable: the user gets 503 within a second, not a hung request.
  const dynamo = (endpoint?: string) =>
    new DynamoDBClient({
      region: region.code,
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 300, requestTimeout: 3000 },
      ...(endpoint ? { endpoint } : {}),
    });
  const s3 = new S3Client({
    region: region.code,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 300, requestTimeout: 5000 },
    // Checksums only where S3 requires them: a presigned PUT must not demand one from the browser
    // (and s3rver would store aws-chunked framing as object bytes).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(env.SILO_S3_ENDPOINT ? { endpoint: env.SILO_S3_ENDPOINT, forcePathStyle: true } : {}),
  });
  const signer = env.SIGNING_KEY_FILE
    ? await localFileSigner(env.SIGNING_KEY_FILE, region.code)
    : kmsSigner(new KMSClient({ region: region.code }), env.SIGNING_KMS_KEY_ID!, env.SIGNING_KID!, region.code);
  return createApi({
    region,
    catalog,
    silo: dynamoSiloStore(dynamo(env.SILO_DYNAMODB_ENDPOINT), env.SILO_TABLE),
    files: s3FileObjects(s3, env.SILO_BUCKET, { versioned: env.SILO_BUCKET_VERSIONED === 'true' }),
    directory: dynamoDirectoryStore(dynamo(env.DIRECTORY_DYNAMODB_ENDPOINT), env.DIRECTORY_TABLE),
    signer,
    verifier: await createSessionVerifier(keys, nodeCryptoEs256),
    pepper: await loadSecret(region.code, env.DIRECTORY_PEPPER_FILE, env.DIRECTORY_PEPPER_SECRET_ID),
    originSecret: (await loadSecret(region.code, env.ORIGIN_SECRET_FILE, env.ORIGIN_SECRET_ID)).toString('utf8').trim(),
    nowMs: () => Date.now(),
    log: (entry) => console.log(JSON.stringify({ region: region.code, ...entry })),
  });
}

let api: Promise<(req: ApiRequest) => Promise<ApiResponse>> | undefined;

export async function handler(event: FunctionUrlEvent): Promise<FunctionUrlResult> {
  // A failed start is not cached: the next invocation tries again (as a new Lambda instance would).
  api ??= boot().catch((err: unknown) => {
    api = undefined;
    throw err;
  });
  return toFunctionUrl(await (await api)(fromFunctionUrl(event)));
}
