import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  application,
  decodeApplication,
  decodeBitString32,
  decodeGeneralizedTime,
  decodeGeneralString,
  decodeInt32,
  decodeOctetString,
  decodeSequence,
  decodeSequenceOf,
  decodeUInt32,
  encodeBitString32,
  encodeGeneralizedTime,
  encodeGeneralString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  encodeSequenceOf,
  explicit,
  readTlv,
} from '../../../src/asn1/index.js';
import { MINOR } from '../../../src/gssapi/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/gssapi/status.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

function asn1Fails(fn: () => unknown, name: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GssError, `GssError, got ${String(e)}`);
    assert.equal(e.major, GSS_S_DEFECTIVE_TOKEN);
    assert.equal(e.minor, (MINOR as Record<string, number>)[name], `${name}: ${e.message}`);
    return true;
  });
}

describe('DER INTEGER', () => {
  const cases: [number, string][] = [
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [256, '02020100'],
    [-1, '0201ff'],
    [-128, '020180'],
    [-129, '0202ff7f'],
    [0x7fffffff, '02047fffffff'],
    [-0x80000000, '020480000000'],
    [0xffffffff, '020500ffffffff'],
  ];
  for (const [n, hex] of cases) {
    it(`${n} <-> ${hex}`, () => {
      assert.equal(toHex(encodeInteger(n)), hex);
      const t = readTlv(fromHex(hex));
      if (n <= 0x7fffffff) assert.equal(decodeInt32(t), n);
      assert.equal(decodeUInt32(t), n >>> 0);
    });
  }
  it('accepts non-minimal encodings as MIT does', () => {
    assert.equal(decodeInt32(readTlv(fromHex('0203000005'))), 5);
    assert.equal(decodeInt32(readTlv(fromHex('0203ffff80'))), -128);
  });
  it('rejects empty, too large, wrong tag', () => {
    asn1Fails(() => decodeInt32(readTlv(fromHex('0200'))), 'ASN1_BAD_LENGTH');
    asn1Fails(() => decodeInt32(readTlv(fromHex('020500ffffffff'))), 'ASN1_OVERFLOW');
    asn1Fails(() => decodeUInt32(readTlv(fromHex('0206010000000000'))), 'ASN1_OVERFLOW');
    asn1Fails(() => decodeUInt32(readTlv(fromHex('0205ff00000000'))), 'ASN1_OVERFLOW');
    asn1Fails(() => decodeInt32(readTlv(fromHex('040100'))), 'ASN1_BAD_ID');
  });
  it('takes a negative UInt32 as its unsigned value (old seq-number encodings)', () => {
    assert.equal(decodeUInt32(readTlv(fromHex('0201ff'))), 0xffffffff);
  });
});

describe('DER lengths and tags', () => {
  it('long-form lengths encode minimally and decode', () => {
    const b = new Uint8Array(300).fill(7);
    const enc = encodeOctetString(b);
    assert.equal(toHex(enc.subarray(0, 4)), '0482012c');
    assert.deepEqual(decodeOctetString(readTlv(enc)), b);
    assert.equal(toHex(encodeOctetString(new Uint8Array(128)).subarray(0, 3)), '048180');
  });
  it('reports overruns, indefinite lengths, trailing bytes', () => {
    asn1Fails(() => readTlv(fromHex('0405aabb')), 'ASN1_OVERRUN');
    asn1Fails(() => readTlv(fromHex('04')), 'ASN1_OVERRUN');
    asn1Fails(() => readTlv(fromHex('0482')), 'ASN1_OVERRUN');
    asn1Fails(() => readTlv(fromHex('048500000000010000')), 'ASN1_OVERFLOW');
    asn1Fails(() => readTlv(fromHex('3080020100 0000'.replace(' ', ''))), 'ASN1_BAD_FORMAT');
    asn1Fails(() => readTlv(fromHex('040100ff')), 'ASN1_BAD_LENGTH');
  });
  it('high tag numbers round-trip', () => {
    const enc = application(31, encodeInteger(1));
    assert.equal(toHex(enc), '7f1f03020101');
    assert.equal(decodeInt32(decodeApplication(readTlv(enc), 31, 'x')), 1);
  });
});

describe('DER strings, times, bit strings', () => {
  it('GeneralString carries UTF-8', () => {
    const enc = encodeGeneralString('TEST.GSS');
    assert.equal(toHex(enc), `1b08${toHex(new TextEncoder().encode('TEST.GSS'))}`);
    assert.equal(decodeGeneralString(readTlv(enc)), 'TEST.GSS');
    assert.equal(decodeGeneralString(readTlv(encodeGeneralString('é'))), 'é');
  });
  it('KerberosTime is YYYYMMDDHHMMSSZ in seconds', () => {
    const enc = encodeGeneralizedTime(0);
    assert.equal(new TextDecoder().decode(enc.subarray(2)), '19700101000000Z');
    const t = Date.UTC(2026, 10, 28, 1, 2, 3) / 1000;
    const e2 = encodeGeneralizedTime(t);
    assert.equal(new TextDecoder().decode(e2.subarray(2)), '20261128010203Z');
    assert.equal(decodeGeneralizedTime(readTlv(e2)), t);
  });
  it('rejects malformed times as MIT does', () => {
    const tag = (s: string) =>
      readTlv(fromHex(`18${s.length.toString(16).padStart(2, '0')}${toHex(new TextEncoder().encode(s))}`));
    asn1Fails(() => decodeGeneralizedTime(tag('20261128010203.5Z')), 'ASN1_BAD_LENGTH');
    asn1Fails(() => decodeGeneralizedTime(tag('20261128010203+')), 'ASN1_BAD_FORMAT');
    asn1Fails(() => decodeGeneralizedTime(tag('2026112801020xZ')), 'ASN1_BAD_FORMAT');
    asn1Fails(() => decodeGeneralizedTime(tag('20261328010203Z')), 'ASN1_BAD_FORMAT');
  });
  it('flags are 32-bit BIT STRINGs, bit 0 most significant', () => {
    assert.equal(toHex(encodeBitString32(0x40810010)), '03050040810010');
    assert.equal(decodeBitString32(readTlv(fromHex('03050040810010'))), 0x40810010);
    assert.equal(decodeBitString32(readTlv(fromHex('03020040'))), 0x40000000);
    asn1Fails(() => decodeBitString32(readTlv(fromHex('0300'))), 'ASN1_BAD_LENGTH');
  });
});

describe('DER SEQUENCE with EXPLICIT tags', () => {
  const enc = encodeSequence([
    explicit(0, encodeInteger(5)),
    undefined,
    explicit(2, encodeGeneralString('x')),
  ]);
  it('encodes optional fields only when present', () => {
    assert.equal(toHex(enc), '300aa003020105a2031b0178');
  });
  it('reads fields in order, optional and required', () => {
    const s = decodeSequence(readTlv(enc));
    assert.equal(decodeInt32(s.required(0)), 5);
    assert.equal(s.optional(1), undefined);
    assert.equal(decodeGeneralString(s.required(2)), 'x');
    s.end();
  });
  it('reports a missing required field', () => {
    const s = decodeSequence(readTlv(enc));
    s.required(0);
    asn1Fails(() => s.required(1), 'ASN1_MISSING_FIELD');
  });
  it('skips unknown fields between and after known ones', () => {
    const ext = encodeSequence([
      explicit(0, encodeInteger(5)),
      explicit(1, encodeInteger(9)),
      explicit(2, encodeGeneralString('x')),
      explicit(7, encodeInteger(1)),
    ]);
    const s = decodeSequence(readTlv(ext));
    assert.equal(decodeInt32(s.required(0)), 5);
    assert.equal(decodeGeneralString(s.required(2)), 'x');
    s.end();
  });
  it('rejects out-of-order fields', () => {
    const bad = encodeSequence([explicit(2, encodeInteger(5)), explicit(0, encodeInteger(9))]);
    const s = decodeSequence(readTlv(bad));
    assert.equal(s.optional(0), undefined);
    s.required(2);
    asn1Fails(() => s.end(), 'ASN1_MISPLACED_FIELD');
  });
  it('SEQUENCE OF round-trips', () => {
    const e = encodeSequenceOf([1, 2, 300], (n) => encodeInteger(n));
    assert.deepEqual(
      decodeSequenceOf(readTlv(e), (t) => decodeInt32(t)),
      [1, 2, 300],
    );
  });
});
