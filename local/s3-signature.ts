// What a private S3 bucket does and s3rver does not: check the SigV4 signature of every request.
// s3rver 3.7 checks only that the access key exists ("Signature version 4 calculation is
// unimplemented"), and serves unsigned requests as if the bucket were public. Receipts rely on
// presigned URLs minted by the silo, so locally a forged or expired URL must fail as it would on
// AWS. The signature is recomputed with the SDK's own signer (@smithy/signature-v4), not by hand.
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignedRequest {
  method: string;
  /** The Host header as received (name:port). */
  host: string;
  /** Raw path, as received. */
  path: string;
  /** Raw query string, without `?`. */
  query: string;
  /** Lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
}

export type SignatureVerdict = { ok: true } | { ok: false; code: 'AccessDenied' | 'SignatureDoesNotMatch'; message: string };

/** Clock skew S3 accepts on header-signed requests. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function s3SignatureChecker(credentials: { accessKeyId: string; secretAccessKey: string }) {
  const signers = new Map<string, SignatureV4>();
  const signerFor = (region: string) => {
    let s = signers.get(region);
    if (!s) {
      // S3 signs the path as sent (no second URI escaping).
      s = new SignatureV4({ credentials, region, service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
      signers.set(region, s);
    }
    return s;
  };

  return async function check(req: SignedRequest, nowMs: number): Promise<SignatureVerdict> {
    const params = [...new URLSearchParams(req.query).keys()];
    // A repeated parameter would be read one way here and another way by s3rver.
    if (new Set(params).size !== params.length) return deny('AccessDenied', 'a query parameter is repeated');
    const query = Object.fromEntries(new URLSearchParams(req.query));
    const [hostname, port] = splitHost(req.host);
    if (query['X-Amz-Signature'] !== undefined) {
      const { 'X-Amz-Signature': given, 'X-Amz-Content-Sha256': payload, ...rest } = query;
      const date = parseAmzDate(rest['X-Amz-Date']);
      const expires = Number(rest['X-Amz-Expires']);
      const scope = (rest['X-Amz-Credential'] ?? '').split('/');
      if (rest['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256' || !date || !Number.isInteger(expires) || expires < 1 || expires > 604_800 || !validScope(scope, rest['X-Amz-Date']!)) {
        return deny('AccessDenied', 'the presigned URL is malformed');
      }
      if (scope[0] !== credentials.accessKeyId) return deny('AccessDenied', 'unknown access key');
      if (nowMs > date.getTime() + expires * 1000) return deny('AccessDenied', 'Request has expired');
      const signed = (rest['X-Amz-SignedHeaders'] ?? '').split(';');
      // The presigner hoists the payload marker into the query under this exact spelling.
      const headers: Record<string, string> = { 'X-Amz-Content-Sha256': payload ?? 'UNSIGNED-PAYLOAD' };
      for (const name of signed) headers[name] = headerValue(req.headers[name]);
      const recomputed = await signerFor(scope[2]!).presign(
        new HttpRequest({ method: req.method, protocol: 'http:', hostname, port, path: req.path, query: rest, headers }),
        { signingDate: date, expiresIn: expires, signableHeaders: new Set(signed) },
      );
      return recomputed.query?.['X-Amz-Signature'] === given ? { ok: true } : deny('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    const auth = headerValue(req.headers.authorization);
    if (auth) {
      const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
      const scope = m?.[1]!.split('/') ?? [];
      const date = parseAmzDate(headerValue(req.headers['x-amz-date']));
      if (!m || !date || !validScope(scope, headerValue(req.headers['x-amz-date']))) return deny('AccessDenied', 'the Authorization header is malformed');
      if (scope[0] !== credentials.accessKeyId) return deny('AccessDenied', 'unknown access key');
      if (Math.abs(nowMs - date.getTime()) > MAX_SKEW_MS) return deny('AccessDenied', 'RequestTimeTooSkewed');
      const signed = m[2]!.split(';');
      const headers: Record<string, string> = {};
      for (const name of signed) headers[name] = headerValue(req.headers[name]);
      const recomputed = await signerFor(scope[2]!).sign(
        new HttpRequest({ method: req.method, protocol: 'http:', hostname, port, path: req.path, query, headers }),
        { signingDate: date, signableHeaders: new Set(signed) },
      );
      const got = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization))?.[1];
      return got === m[3] ? { ok: true } : deny('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    // A private bucket answers an anonymous request with 403.
    return deny('AccessDenied', 'Access Denied');
  };
}

/**
 * `<key id>/<yyyymmdd>/<region>/s3/aws4_request`, dated the day of the signature. Re-signing
 * below recomputes the scope from these parts, so they must be checked here.
 */
function validScope(scope: string[], amzDate: string): boolean {
  return scope.length === 5 && scope[1] === amzDate.slice(0, 8) && /^[a-z]{2}(-[a-z]+)+-\d$/.test(scope[2]!) && scope[3] === 's3' && scope[4] === 'aws4_request';
}

const deny = (code: 'AccessDenied' | 'SignatureDoesNotMatch', message: string): SignatureVerdict => ({ ok: false, code, message });

function headerValue(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

function splitHost(host: string): [string, number | undefined] {
  const i = host.lastIndexOf(':');
  return i > 0 && /^\d+$/.test(host.slice(i + 1)) ? [host.slice(0, i), Number(host.slice(i + 1))] : [host, undefined];
}

function parseAmzDate(v: string | undefined): Date | undefined {
  const m = v ? AMZ_DATE.exec(v) : null;
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}
