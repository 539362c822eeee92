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
  DIRECTORY_TABLE: z.string().min(3),
  DIRECTORY_DYNAMODB_ENDPOINT: endpoint,
  /** JSON array of PublicKeyEntry: every region's session public keys. */
  SESSION_PUBLIC_KEYS_FILE: z.string().min(1),
  /** Local stack: the region's private key file. AWS: SIGNING_KMS_KEY_ID + SIGNING_KID instead. */
  SIGNING_KEY_FILE: z.string().min(1).optional(),
  SIGNING_KMS_KEY_ID: z.string().min(1).optional(),
  SIGNING_KID: z.string().min(1).optional(),
  DIRECTORY_PEPPER_FILE: z.string().min(1),
  ORIGIN_SECRET_FILE: z.string().min(1),
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
  if (!e.SIGNING_KEY_FILE && !(e.SIGNING_KMS_KEY_ID && e.SIGNING_KID)) {
    throw new ConfigError('regional API configuration is invalid: set SIGNING_KEY_FILE, or SIGNING_KMS_KEY_ID and SIGNING_KID');
  }
  return e;
}

/** Secrets are files (local data folder, or files infra/ places beside the handler). */
export function readSecretFile(file: string): Buffer {
  const value = readFileSync(file);
  if (value.length < 32) throw new ConfigError(`${file}: a secret must be at least 32 bytes`);
  return value;
}
