// KMS returns ECDSA signatures DER-encoded (SEQUENCE { INTEGER r, INTEGER s }); a JWS needs the
// raw 64-byte r||s. Hand-written because it is 30 lines and no maintained library exposes just this.

export class SignatureFormatError extends Error {
  readonly code = 'signature_format';
}

export function derToRawEs256(der: Uint8Array): Uint8Array {
  let pos = 0;
  const fail = (why: string): never => {
    throw new SignatureFormatError(`not a DER ECDSA signature: ${why}`);
  };
  const readLength = (): number => {
    const first = der[pos++] ?? fail('truncated');
    if (first < 0x80) return first;
    if (first !== 0x81) fail('length form not allowed for P-256');
    return der[pos++] ?? fail('truncated');
  };
  if (der[pos++] !== 0x30) fail('expected SEQUENCE');
  if (readLength() !== der.length - pos) fail('SEQUENCE length mismatch');
  const out = new Uint8Array(64);
  for (const offset of [0, 32]) {
    if (der[pos++] !== 0x02) fail('expected INTEGER');
    let len = readLength();
    let start = pos;
    pos += len;
    if (pos > der.length) fail('truncated INTEGER');
    // Strip the sign byte DER adds when the high bit is set, and any other leading zeros.
    while (len > 32 && der[start] === 0) {
      start++;
      len--;
    }
    if (len > 32) fail('INTEGER longer than 32 bytes');
    out.set(der.subarray(start, start + len), offset + 32 - len);
  }
  if (pos !== der.length) fail('trailing bytes');
  return out;
}
