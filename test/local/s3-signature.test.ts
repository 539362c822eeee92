// The local S3's signature check (local/s3-signature.ts), which makes s3rver behave like a private
// bucket: URLs presigned by the real SDK pass until they expire, and any change to what was
// signed fails. Cases as data, a fixed clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { LOCAL_CREDENTIALS } from '../../local/aws-clients.ts';
import { s3SignatureChecker, type SignedRequest } from '../../local/s3-signature.ts';

const SIGNED_AT = new Date('2026-12-03T10:00:00Z');
const client = new S3Client({
  region: 'eu-west-1',
  endpoint: 'http://127.0.0.1:9000',
  forcePathStyle: true,
  credentials: { ...LOCAL_CREDENTIALS },
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const check = s3SignatureChecker(LOCAL_CREDENTIALS);

async function presigned(method: 'GET' | 'PUT'): Promise<SignedRequest> {
  const cmd =
    method === 'GET'
      ? new GetObjectCommand({ Bucket: 'b', Key: 'files/u1/f1' })
      : new PutObjectCommand({ Bucket: 'b', Key: 'incoming/u1/f1', ContentType: 'application/pdf', ContentLength: 42 });
  const url = new URL(await getSignedUrl(client, cmd, { expiresIn: 300, signingDate: SIGNED_AT, signableHeaders: new Set(['content-type', 'content-length']) }));
  const headers: SignedRequest['headers'] = { host: url.host };
  if (method === 'PUT') Object.assign(headers, { 'content-type': 'application/pdf', 'content-length': '42' });
  return { method, host: url.host, path: url.pathname, query: url.search.slice(1), headers };
}

const at = (seconds: number) => SIGNED_AT.getTime() + seconds * 1000;
type Case = [name: string, method: 'GET' | 'PUT', change: (r: SignedRequest) => SignedRequest, when: number, verdict: true | 'AccessDenied' | 'SignatureDoesNotMatch'];

const cases: Case[] = [
  ['a presigned GET as minted', 'GET', (r) => r, at(10), true],
  ['a presigned PUT with its signed type and length', 'PUT', (r) => r, at(10), true],
  ['the last second of its life', 'GET', (r) => r, at(300), true],
  ['one second after it expired', 'GET', (r) => r, at(301), 'AccessDenied'],
  ['another key', 'GET', (r) => ({ ...r, path: r.path.replace('u1', 'u2') }), at(10), 'SignatureDoesNotMatch'],
  ['another bucket', 'GET', (r) => ({ ...r, path: r.path.replace('/b/', '/c/') }), at(10), 'SignatureDoesNotMatch'],
  ['another host', 'GET', (r) => ({ ...r, host: '127.0.0.1:9001', headers: { host: '127.0.0.1:9001' } }), at(10), 'SignatureDoesNotMatch'],
  ['another method', 'GET', (r) => ({ ...r, method: 'DELETE' }), at(10), 'SignatureDoesNotMatch'],
  ['a longer body than signed', 'PUT', (r) => ({ ...r, headers: { ...r.headers, 'content-length': '43' } }), at(10), 'SignatureDoesNotMatch'],
  ['another type than signed', 'PUT', (r) => ({ ...r, headers: { ...r.headers, 'content-type': 'image/png' } }), at(10), 'SignatureDoesNotMatch'],
  ['a lengthened lifetime', 'GET', (r) => ({ ...r, query: r.query.replace('X-Amz-Expires=300', 'X-Amz-Expires=3000') }), at(10), 'SignatureDoesNotMatch'],
  ['an extra response override', 'GET', (r) => ({ ...r, query: `${r.query}&response-content-type=text%2Fhtml` }), at(10), 'SignatureDoesNotMatch'],
  ['an unknown access key', 'GET', (r) => ({ ...r, query: r.query.replace('S3RVER%2F', 'OTHER%2F') }), at(10), 'AccessDenied'],
  ['no signature at all', 'GET', (r) => ({ ...r, query: '' }), at(10), 'AccessDenied'],
  ['a credential scope of another day', 'GET', (r) => ({ ...r, query: r.query.replace(/%2F2026\d{4}%2F/, '%2F20200101%2F') }), at(10), 'AccessDenied'],
  ['a credential scope of another service', 'GET', (r) => ({ ...r, query: r.query.replace('%2Fs3%2F', '%2Fiam%2F') }), at(10), 'AccessDenied'],
  ['a second, forged signature in front', 'GET', (r) => ({ ...r, query: `X-Amz-Signature=00&${r.query}` }), at(10), 'AccessDenied'],
  ['a repeated lifetime', 'GET', (r) => ({ ...r, query: `${r.query}&X-Amz-Expires=604800` }), at(10), 'AccessDenied'],
];

describe('local S3 signature check', () => {
  for (const [name, method, change, when, verdict] of cases) {
    test(`${verdict === true ? 'accepts' : `refuses (${verdict})`}: ${name}`, async () => {
      const v = await check(change(await presigned(method)), when);
      if (verdict === true) assert.deepEqual(v, { ok: true });
      else assert.deepEqual([v.ok, !v.ok && v.code], [false, verdict]);
    });
  }
});
