// The local stack's keys and secrets, generated into the data folder at first start (never in
// the repository) and reused after: session signing keys per region, the directory pepper and
// the origin-verification secrets.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/schema.ts';
import type { PublicKeyEntry } from '../session/claims.ts';
import type { LocalKeyFile } from '../regional/adapters/signers.ts';

export interface LocalSecrets {
  publicKeysFile: string;
  publicKeys: PublicKeyEntry[];
  pepperFile: string;
  signingKeyFile(region: string): string;
  originSecretFile(region: string): string;
  originSecret(region: string): string;
  kid(region: string): string;
}

export async function ensureLocalSecrets(dataDir: string, catalog: Catalog): Promise<LocalSecrets> {
  const dir = join(dataDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const writeSecret = (file: string, value: string) => writeFileSync(file, value, { mode: 0o600, flag: 'wx' });

  const pepperFile = join(dir, 'directory-pepper');
  if (!existsSync(pepperFile)) writeSecret(pepperFile, randomBytes(32).toString('hex'));

  const publicKeys: PublicKeyEntry[] = [];
  for (const { code } of catalog.regions) {
    const originFile = join(dir, `origin-secret-${code}`);
    if (!existsSync(originFile)) writeSecret(originFile, randomBytes(32).toString('base64url'));
    const keyFile = join(dir, `signing-${code}.json`);
    if (!existsSync(keyFile)) writeSecret(keyFile, JSON.stringify(await newSigningKey(code)));
    const key = JSON.parse(readFileSync(keyFile, 'utf8')) as LocalKeyFile;
    const { kty, crv, x, y } = key.privateJwk as { kty: 'EC'; crv: 'P-256'; x: string; y: string };
    publicKeys.push({ kid: key.kid, region: code, jwk: { kty, crv, x, y } });
  }
  const publicKeysFile = join(dir, 'session-public-keys.json');
  writeFileSync(publicKeysFile, `${JSON.stringify(publicKeys, null, 2)}\n`);
  const kids = new Map(publicKeys.map((k) => [k.region, k.kid]));
  return {
    publicKeysFile,
    publicKeys,
    pepperFile,
    signingKeyFile: (r) => join(dir, `signing-${r}.json`),
    originSecretFile: (r) => join(dir, `origin-secret-${r}`),
    originSecret: (r) => readFileSync(join(dir, `origin-secret-${r}`), 'utf8').trim(),
    kid: (r) => kids.get(r)!,
  };
}

async function newSigningKey(region: string): Promise<LocalKeyFile> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  // The kid names its region for humans; the binding that counts is the key set entry.
  return { kid: `${region}-${randomBytes(6).toString('hex')}`, region, privateJwk };
}
