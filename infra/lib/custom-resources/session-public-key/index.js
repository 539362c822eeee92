// Custom resource (core CustomResourceProvider; its entrypoint speaks the CloudFormation response
// protocol): the public half of a silo's KMS session signing key as JWK coordinates.
// Why not AwsCustomResource: it decodes binary SDK fields as UTF-8 text, which destroys the DER
// SubjectPublicKeyInfo that kms:GetPublicKey returns. Plain CommonJS on purpose: the Lambda
// Node.js runtime already ships @aws-sdk/client-kms, so nothing is bundled.
'use strict';
const { createPublicKey } = require('node:crypto');

/** @param {{ send(command: unknown): Promise<any> }} kms @param {any} GetPublicKeyCommand */
function makeHandler(kms, GetPublicKeyCommand) {
  return async function handler(event) {
    const keyId = event.ResourceProperties && event.ResourceProperties.KeyId;
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
    if (typeof keyId !== 'string' || keyId.length === 0) throw new Error('KeyId is required');
    const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    if (out.KeySpec !== 'ECC_NIST_P256' || out.KeyUsage !== 'SIGN_VERIFY') {
      throw new Error(`key ${keyId} is ${out.KeySpec}/${out.KeyUsage}, expected ECC_NIST_P256/SIGN_VERIFY`);
    }
    if (!(out.SigningAlgorithms || []).includes('ECDSA_SHA_256')) throw new Error(`key ${keyId} cannot sign with ECDSA_SHA_256`);
    const jwk = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error(`key ${keyId} is not a P-256 public key`);
    return { PhysicalResourceId: keyId, Data: { X: jwk.x, Y: jwk.y } };
  };
}

let defaultHandler;
exports.makeHandler = makeHandler;
exports.handler = async (event) => {
  if (!defaultHandler) {
    const { KMSClient, GetPublicKeyCommand } = require('@aws-sdk/client-kms');
    defaultHandler = makeHandler(new KMSClient({}), GetPublicKeyCommand);
  }
  return defaultHandler(event);
};
