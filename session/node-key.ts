// ES256 keys on Node's synchronous crypto: the same check as WebCrypto without the thread-pool
// round trip, which is most of an edge decision's cost (README, benchmark).
import { createPublicKey, verify } from 'node:crypto';
import type { Es256KeyImporter } from './verify.ts';

export const nodeCryptoEs256: Es256KeyImporter = async (jwk) => {
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('session keys must be EC P-256');
  }
  return { verify: (input, sig) => verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, sig) };
};
