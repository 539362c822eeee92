// session/der.ts: KMS's DER ECDSA signature -> the raw 64-byte r||s a JWS carries.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { derToRawEs256, SignatureFormatError } from '../../session/der.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** INTEGER length of r (first) in a DER ECDSA signature: 0x30 len 0x02 rlen r... */
const rLength = (der: Uint8Array) => der[3]!;
const sLength = (der: Uint8Array) => der[4 + rLength(der) + 1]!;

describe('derToRawEs256', () => {
  // ECDSA is randomised, so signing the same input twice (once DER, once IEEE P1363) gives two
  // different signatures: the check is that the converted DER signature verifies as P1363.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const input = Buffer.from('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0');

  it('converts node:crypto DER signatures into P1363 signatures that verify', () => {
    for (let i = 0; i < 50; i++) {
      const der = sign('sha256', input, { key: privateKey, dsaEncoding: 'der' });
      const raw = derToRawEs256(der);
      assert.equal(raw.length, 64);
      assert.ok(verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw), 'the raw form verifies');
      // And the P1363 signature Node makes for the same key has the same shape.
      const p1363 = sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      assert.equal(p1363.length, raw.length);
    }
  });

  it('handles the sign byte and short integers of real signatures', () => {
    // About half of all r (and s) have the high bit set (33-byte INTEGER with a 0x00 sign byte);
    // about 1 in 128 are 31 bytes or shorter (left padding needed). Sign until both were seen.
    let sawSignByte = false;
    let sawShort = false;
    for (let i = 0; i < 20_000 && !(sawSignByte && sawShort); i++) {
      const der = sign('sha256', input, { key: privateKey, dsaEncoding: 'der' });
      const lengths = [rLength(der), sLength(der)];
      if (lengths.includes(33)) sawSignByte = true;
      else if (lengths.some((l) => l < 32)) sawShort = true;
      else continue;
      assert.ok(verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, derToRawEs256(der)), `lengths ${lengths.join('/')}`);
    }
    assert.ok(sawSignByte && sawShort, 'saw both a sign byte and a short integer');
  });

  it('fixed vector: 33-byte r with a sign byte, 32-byte s', () => {
    const r = '8f'.padEnd(64, '1');
    const s = '7e'.padEnd(64, '2');
    assert.equal(toHex(derToRawEs256(hex(`3045 0221 00${r} 0220 ${s}`))), r + s);
  });

  it('fixed vector: short integers are left-padded with zeros', () => {
    assert.equal(toHex(derToRawEs256(hex('3006 0201 01 0201 02'))), `${'00'.repeat(31)}01${'00'.repeat(31)}02`);
    const r31 = '5a'.repeat(31);
    assert.equal(toHex(derToRawEs256(hex(`3044 021f ${r31} 0221 00${'ff'.repeat(32)}`))), `00${r31}${'ff'.repeat(32)}`);
  });

  it('accepts the 0x81 long length form', () => {
    const r = 'a1'.repeat(32);
    const s = 'b2'.repeat(32);
    assert.equal(toHex(derToRawEs256(hex(`3081 46 0221 00${r} 0221 00${s}`))), r + s);
  });

  const bad: [string, string, RegExp][] = [
    ['empty input', '', /expected SEQUENCE/],
    ['bad SEQUENCE tag', `3106 0201 01 0201 02`, /expected SEQUENCE/],
    ['bad INTEGER tag for r', `3006 0301 01 0201 02`, /expected INTEGER/],
    ['bad INTEGER tag for s', `3006 0201 01 0401 02`, /expected INTEGER/],
    ['SEQUENCE length too long', `3007 0201 01 0201 02`, /SEQUENCE length mismatch/],
    ['SEQUENCE length too short', `3005 0201 01 0201 02`, /SEQUENCE length mismatch/],
    ['trailing bytes after the SEQUENCE', `3006 0201 01 0201 02 00`, /SEQUENCE length mismatch/],
    ['trailing bytes inside the SEQUENCE', `3007 0201 01 0201 02 00`, /trailing bytes/],
    ['INTEGER runs past the end', `3006 0201 01 0205 02`, /truncated/],
    ['truncated inside the length', `3002 0201`, /SEQUENCE length mismatch|truncated/],
    ['only the SEQUENCE header', `30`, /truncated/],
    ['a 0x82 two-byte length', `3082 0006 0201 01 0201 02`, /length form/],
    ['an INTEGER over 32 bytes without a sign byte', `3026 0221 01${'00'.repeat(32)} 0201 01`, /longer than 32 bytes/],
    ['a 34-byte INTEGER even with zeros stripped to 33', `3027 0222 0001${'00'.repeat(32)} 0201 01`, /longer than 32 bytes/],
    ['a raw 64-byte signature passed by mistake', '11'.repeat(64), /expected SEQUENCE/],
  ];
  for (const [name, input, why] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => derToRawEs256(hex(input)),
        (err: unknown) => err instanceof SignatureFormatError && err.code === 'signature_format' && why.test(err.message),
      );
    });
  }
});
