// A silo's secrets: from a file in the local stack, from Secrets Manager on AWS (read once per
// cold start; the value is the secret string's bytes in both cases).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { checkedSecret, ConfigError, readSecretFile } from '../config.ts';

export async function loadSecret(region: string, file: string | undefined, secretId: string | undefined): Promise<Buffer> {
  if (file) return readSecretFile(file);
  const client = new SecretsManagerClient({ region });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new ConfigError(`secret ${secretId} has no string value`);
  return checkedSecret(`secret ${secretId}`, Buffer.from(SecretString, 'utf8'));
}
