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
  decodeUInt32Lenient,
  encodeBitString32,
  encodeGeneralizedTime,
  encodeGeneralString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  encodeSequenceOf,
  explicit,
  readFirstTlv,
  readTlv,
} from '../../../src/asn1/index.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/errors/status.js';
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
      assert.equal(decodeUInt32Lenient(t), n >>> 0);
      if (n >= 0) assert.equal(decodeUInt32(t), n);
    });
  }
  it('accepts non-minimal encodings up to 8 octets as MIT does', () => {
    assert.equal(decodeInt32(readTlv(fromHex('0203000005'))), 5);
    assert.equal(decodeInt32(readTlv(fromHex('0203ffff80'))), -128);
    assert.equal(decodeInt32(readTlv(fromHex('02080000000000000005'))), 5);
    asn1Fails(() => decodeInt32(readTlv(fromHex('0209000000000000000005'))), 'ASN1_OVERFLOW');
    assert.equal(decodeUInt32(readTlv(fromHex('020900000000000000ffff'))), 0xffff);
  });
  it('rejects empty, too large, wrong tag', () => {
    asn1Fails(() => decodeInt32(readTlv(fromHex('0200'))), 'ASN1_BAD_LENGTH');
    asn1Fails(() => decodeInt32(readTlv(fromHex('020500ffffffff'))), 'ASN1_OVERFLOW');
    asn1Fails(() => decodeUInt32(readTlv(fromHex('0206010000000000'))), 'ASN1_OVERFLOW');
    asn1Fails(() => decodeInt32(readTlv(fromHex('040100'))), 'ASN1_BAD_ID');
  });
  it('UInt32 refuses negative values; the lenient form takes them as unsigned (old seq-numbers)', () => {
    asn1Fails(() => decodeUInt32(readTlv(fromHex('0201ff'))), 'ASN1_OVERFLOW');
    assert.equal(decodeUInt32Lenient(readTlv(fromHex('0201ff'))), 0xffffffff);
    assert.equal(decodeUInt32Lenient(readTlv(fromHex('020500ffffffff'))), 0xffffffff);
    asn1Fails(() => decodeUInt32Lenient(readTlv(fromHex('0205ff00000000'))), 'ASN1_OVERFLOW');
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
    asn1Fails(() => readTlv(fromHex('0485000000010000')), 'ASN1_OVERRUN');
    asn1Fails(() => readTlv(fromHex('0489000000000000000000000000')), 'ASN1_OVERFLOW');
    asn1Fails(() => readTlv(fromHex('30800201000000')), 'ASN1_INDEF');
    asn1Fails(() => readTlv(fromHex('040100ff')), 'ASN1_BAD_LENGTH');
    assert.equal(readFirstTlv(fromHex('040100ff')).value.length, 1, 'a message may be followed by padding');
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
    asn1Fails(() => decodeGeneralizedTime(tag('2026112801020xZ')), 'ASN1_BAD_TIMEFORMAT');
  });
  it('normalises out-of-range fields as MIT (timegm) does', () => {
    const tag = (s: string) => readTlv(fromHex(`180f${toHex(new TextEncoder().encode(s))}`));
    assert.equal(decodeGeneralizedTime(tag('20261328010203Z')), Date.UTC(2027, 0, 28, 1, 2, 3) / 1000);
    assert.equal(decodeGeneralizedTime(tag('00500101000000Z')), -60589296000);
  });
  it('flags are 32-bit BIT STRINGs, bit 0 most significant', () => {
    assert.equal(toHex(encodeBitString32(0x40810010)), '03050040810010');
    assert.equal(decodeBitString32(readTlv(fromHex('03050040810010'))), 0x40810010);
    assert.equal(decodeBitString32(readTlv(fromHex('03020040'))), 0x40000000);
    assert.equal(decodeBitString32(readTlv(fromHex('030304ffff'))), 0xfff00000, 'unused bits cleared');
    asn1Fails(() => decodeBitString32(readTlv(fromHex('0300'))), 'ASN1_BAD_LENGTH');
    asn1Fails(() => decodeBitString32(readTlv(fromHex('030108'))), 'ASN1_BAD_FORMAT');
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
  it('skips fields not asked for and ignores trailing extensions', () => {
    const ext = encodeSequence([
      explicit(0, encodeInteger(5)),
      explicit(1, encodeInteger(9)),
      explicit(2, encodeGeneralString('x')),
      explicit(7, encodeInteger(1)),
      Uint8Array.of(0xff, 0xff),
    ]);
    const s = decodeSequence(readTlv(ext));
    assert.equal(decodeInt32(s.required(0)), 5);
    assert.equal(s.optional(1, 'unknown to this reader') !== undefined, true);
    assert.equal(decodeGeneralString(s.required(2)), 'x');
    s.end();
  });
  it('an element matching no later field ends the known fields, as in MIT', () => {
    const bad = encodeSequence([explicit(2, encodeInteger(5)), explicit(0, encodeInteger(9))]);
    const s = decodeSequence(readTlv(bad));
    assert.equal(s.optional(0), undefined);
    assert.equal(decodeInt32(s.required(2)), 5);
    s.end();
    const odd = encodeSequence([
      explicit(0, encodeInteger(5)),
      encodeInteger(1),
      explicit(1, encodeInteger(9)),
    ]);
    const o = decodeSequence(readTlv(odd));
    o.required(0);
    asn1Fails(() => o.required(1), 'ASN1_MISSING_FIELD');
  });
  it('SEQUENCE OF round-trips', () => {
    const e = encodeSequenceOf([1, 2, 300], (n) => encodeInteger(n));
    assert.deepEqual(
      decodeSequenceOf(readTlv(e), (t) => decodeInt32(t)),
      [1, 2, 300],
    );
  });
});
