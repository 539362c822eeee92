// The silo API's configuration: read from the environment once per cold start, strictly.
// Local runs point *_FILE variables at the data folder; on AWS infra/ sets the same names.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/);
const endpoint = z.url().optional();

const envSchema = z.object({
  RESIDENCY_REGION: region,
  RESIDENCY_CATALOG_FILE: z.string().min(1),
  SILO_TABLE: z.string().min(3),
  SILO_DYNAMODB_ENDPOINT: endpoint,
  SILO_BUCKET: z.string().min(3).max(63),
  /** Local stack: the silo's s3rver (path-style). Unset on AWS. */
  SILO_S3_ENDPOINT: endpoint,
  /** 'true' where the bucket keeps versions (AWS): erasure then deletes every version. */
  SILO_BUCKET_VERSIONED: z.enum(['true', 'false']).default('false'),
  DIRECTORY_TABLE: z.string().min(3),
  DIRECTORY_DYNAMODB_ENDPOINT: endpoint,
  /** JSON array of PublicKeyEntry: every region's session public keys. */
  SESSION_PUBLIC_KEYS_FILE: z.string().min(1),
  /** Local stack: the region's private key file. AWS: SIGNING_KMS_KEY_ID + SIGNING_KID instead. */
  SIGNING_KEY_FILE: z.string().min(1).optional(),
  SIGNING_KMS_KEY_ID: z.string().min(1).optional(),
  SIGNING_KID: z.string().min(1).optional(),
  /** Each secret is a file (local stack) or a Secrets Manager id (AWS): exactly one of the pair. */
  DIRECTORY_PEPPER_FILE: z.string().min(1).optional(),
  DIRECTORY_PEPPER_SECRET_ID: z.string().min(1).optional(),
  ORIGIN_SECRET_FILE: z.string().min(1).optional(),
  ORIGIN_SECRET_ID: z.string().min(1).optional(),
});

export type RegionalEnv = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  readonly code = 'config_invalid';
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): RegionalEnv {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `regional API configuration is invalid:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  if (!e.SIGNING_KEY_FILE === !(e.SIGNING_KMS_KEY_ID && e.SIGNING_KID)) {
    throw new ConfigError('regional API configuration is invalid: set SIGNING_KEY_FILE, or SIGNING_KMS_KEY_ID and SIGNING_KID');
  }
  const pairs = [
    ['DIRECTORY_PEPPER_FILE', 'DIRECTORY_PEPPER_SECRET_ID'],
    ['ORIGIN_SECRET_FILE', 'ORIGIN_SECRET_ID'],
  ] as const;
  for (const [file, id] of pairs) {
    if (!e[file] === !e[id]) throw new ConfigError(`regional API configuration is invalid: set exactly one of ${file} and ${id}`);
  }
  return e;
}

export const MIN_SECRET_BYTES = 32;

export function checkedSecret(source: string, value: Buffer): Buffer {
  if (value.length < MIN_SECRET_BYTES) throw new ConfigError(`${source}: a secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return value;
}

export const readSecretFile = (file: string): Buffer => checkedSecret(file, readFileSync(file));
