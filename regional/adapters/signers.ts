// Session signers: a local private JWK (the local stack) or a KMS asymmetric key (AWS). Both
// produce the raw r||s signature that session/sign.ts assembles into a JWS.
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { derToRawEs256 } from '../../session/der.ts';
import { webCryptoSigner, type TokenSigner } from '../../session/sign.ts';

/** The local key file format written by the local stack at first start. */
export interface LocalKeyFile {
  kid: string;
  region: string;
  privateJwk: JWK;
}

export async function localFileSigner(file: string, region: string): Promise<TokenSigner> {
  const key = JSON.parse(readFileSync(file, 'utf8')) as LocalKeyFile;
  if (key.region !== region) throw new Error(`signing key ${key.kid} belongs to ${key.region}, not ${region}`);
  const privateKey = await crypto.subtle.importKey('jwk', key.privateJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  return webCryptoSigner(key.kid, region, privateKey);
}

export function kmsSigner(client: KMSClient, keyId: string, kid: string, region: string): TokenSigner {
  return {
    kid,
    region,
    async sign(input) {
      const { Signature } = await client.send(
        new SignCommand({ KeyId: keyId, Message: input, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      if (!Signature) throw new Error('KMS returned no signature');
      return derToRawEs256(Signature);
    },
  };
}
