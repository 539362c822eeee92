// Tokens minted through the signer interface are standard ES256 JWS: jose verifies them, and so
// do both of our key back-ends; a signer that returns DER instead of raw r||s is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import type { PublicKeyEntry } from '../../session/claims.ts';
import { nodeCryptoEs256 } from '../../session/node-key.ts';
import { mintSession, webCryptoSigner } from '../../session/sign.ts';
import { createSessionVerifier } from '../../session/verify.ts';

const NOW = 1_800_000_000;
const SUB = 'u3nW8fK2qLx9TzR0bV5yHg';
const SID = 'AAAAAAAAAAAAAAAAAAAAAA';

test('a minted session verifies with jose.jwtVerify, WebCrypto keys and Node keys alike', async () => {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as PublicKeyEntry['jwk'];
  const token = await mintSession(webCryptoSigner('eu-west-1-k1', 'eu-west-1', pair.privateKey), SUB, SID, NOW);

  assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: 'eu-west-1-k1', typ: 'JWT' });
  const { payload } = await jwtVerify(token, await importJWK({ kty, crv, x, y }, 'ES256'), { algorithms: ['ES256'], currentDate: new Date(NOW * 1000) });
  assert.deepEqual(payload, { sub: SUB, sid: SID, rgn: 'eu-west-1', iat: NOW, exp: NOW + 8 * 3600 });

  const keys: PublicKeyEntry[] = [{ kid: 'eu-west-1-k1', region: 'eu-west-1', jwk: { kty, crv, x, y } }];
  for (const importer of [undefined, nodeCryptoEs256]) {
    const verified = await (await createSessionVerifier(keys, importer)).verify(token, NOW);
    assert.deepEqual(verified, { sub: SUB, sid: SID, rgn: 'eu-west-1', exp: NOW + 8 * 3600 });
  }
});

test('a signer that returns a DER signature is refused at minting', async () => {
  const derSigner = { kid: 'k', region: 'eu-west-1', sign: async () => new Uint8Array(71) };
  await assert.rejects(mintSession(derSigner, SUB, SID, NOW), /ES256 needs 64 \(raw r\|\|s\)/);
});
