/**
 * Typed DER decoders for the universal types Kerberos uses, and a reader for SEQUENCE fields with
 * EXPLICIT context tags. Each takes a `Tlv` (./tlv.ts) and throws only GssError.
 */
import { asn1Error } from './errors.js';
import {
  CLASS_APPLICATION,
  CLASS_CONTEXT,
  CLASS_UNIVERSAL,
  DerReader,
  expectTag,
  readTlv,
  TAG_BIT_STRING,
  TAG_BOOLEAN,
  TAG_GENERAL_STRING,
  TAG_GENERALIZED_TIME,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
  type Tlv,
} from './tlv.js';

const INT32_MIN = -0x80000000;
const UINT32_MAX = 0xffffffff;

/**
 * INTEGER contents as a number in [-2^31, 2^32): the union of Kerberos's Int32 and UInt32.
 * Like MIT (k5_asn1_decode_int), a non-minimal encoding is accepted; an empty one is not.
 */
function integerValue(t: Tlv, what: string): number {
  expectTag(t, CLASS_UNIVERSAL, TAG_INTEGER, false, what);
  const v = t.value;
  if (v.length === 0) throw asn1Error('ASN1_BAD_LENGTH', what);
  let i = 0;
  // Leading sign-extension octets carry no value; skip them before the size check.
  while (i < v.length - 1 && ((v[i] === 0 && v[i + 1] < 0x80) || (v[i] === 0xff && v[i + 1] >= 0x80))) i++;
  if (v.length - i > 5) throw asn1Error('ASN1_OVERFLOW', what);
  let n = v[i] >= 0x80 ? v[i] - 256 : v[i];
  for (let j = i + 1; j < v.length; j++) n = n * 256 + v[j];
  if (n < INT32_MIN || n > UINT32_MAX) throw asn1Error('ASN1_OVERFLOW', what);
  return n;
}

/** Int32 (RFC 4120 5.2.4): -2^31 .. 2^31-1. */
export function decodeInt32(t: Tlv, what = 'INTEGER'): number {
  const n = integerValue(t, what);
  if (n > 0x7fffffff) throw asn1Error('ASN1_OVERFLOW', what);
  return n;
}

/**
 * UInt32 (RFC 4120 5.2.4): 0 .. 2^32-1. A negative Int32 is taken as its unsigned 32-bit value,
 * as MIT does for sequence numbers that old implementations encoded signed.
 */
export function decodeUInt32(t: Tlv, what = 'INTEGER'): number {
  return integerValue(t, what) >>> 0;
}

/** BOOLEAN: one octet, any non-zero value is TRUE (X.690 8.2; MIT accepts any too). */
export function decodeBoolean(t: Tlv, what = 'BOOLEAN'): boolean {
  expectTag(t, CLASS_UNIVERSAL, TAG_BOOLEAN, false, what);
  if (t.value.length !== 1) throw asn1Error('ASN1_BAD_LENGTH', what);
  return t.value[0] !== 0;
}

/** OCTET STRING contents (a view into the input). */
export function decodeOctetString(t: Tlv, what = 'OCTET STRING'): Uint8Array {
  expectTag(t, CLASS_UNIVERSAL, TAG_OCTET_STRING, false, what);
  return t.value;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** GeneralString contents read as UTF-8 (KerberosString, RFC 4120 5.2.1). */
export function decodeGeneralString(t: Tlv, what = 'GeneralString'): string {
  expectTag(t, CLASS_UNIVERSAL, TAG_GENERAL_STRING, false, what);
  return utf8.decode(t.value);
}

function digits(v: Uint8Array, from: number, n: number, what: string): number {
  let x = 0;
  for (let i = from; i < from + n; i++) {
    const c = v[i] - 0x30;
    if (c < 0 || c > 9) throw asn1Error('ASN1_BAD_FORMAT', what);
    x = x * 10 + c;
  }
  return x;
}

/**
 * KerberosTime (RFC 4120 5.2.3): GeneralizedTime "YYYYMMDDHHMMSSZ", exactly 15 octets, as MIT's
 * decoder requires. Returns seconds since the epoch (UTC).
 */
export function decodeGeneralizedTime(t: Tlv, what = 'KerberosTime'): number {
  expectTag(t, CLASS_UNIVERSAL, TAG_GENERALIZED_TIME, false, what);
  const v = t.value;
  if (v.length !== 15) throw asn1Error('ASN1_BAD_LENGTH', what);
  if (v[14] !== 0x5a) throw asn1Error('ASN1_BAD_FORMAT', what);
  const year = digits(v, 0, 4, what);
  const month = digits(v, 4, 2, what);
  const day = digits(v, 6, 2, what);
  const hour = digits(v, 8, 2, what);
  const min = digits(v, 10, 2, what);
  const sec = digits(v, 12, 2, what);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    throw asn1Error('ASN1_BAD_FORMAT', what);
  }
  return Date.UTC(year, month - 1, day, hour, min, sec) / 1000;
}

/**
 * A BIT STRING of Kerberos flags (KDCOptions, TicketFlags, APOptions: RFC 4120 5.2.8) as a
 * uint32 whose most significant bit is bit 0. Like MIT, shorter strings are zero-extended and
 * bits past 32 are ignored.
 */
export function decodeBitString32(t: Tlv, what = 'BIT STRING'): number {
  expectTag(t, CLASS_UNIVERSAL, TAG_BIT_STRING, false, what);
  const v = t.value;
  if (v.length === 0 || v[0] > 7) throw asn1Error('ASN1_BAD_LENGTH', what);
  let f = 0;
  for (let i = 0; i < 4; i++) f = f * 256 + (i + 1 < v.length ? v[i + 1] : 0);
  return f >>> 0;
}

/** APPLICATION [n] (constructed) wrapping exactly one element, which is returned. */
export function decodeApplication(t: Tlv, n: number, what: string): Tlv {
  expectTag(t, CLASS_APPLICATION, n, true, what);
  return readTlv(t.value, what);
}

/** SEQUENCE contents as a field reader. */
export function decodeSequence(t: Tlv, what = 'SEQUENCE'): SequenceReader {
  expectTag(t, CLASS_UNIVERSAL, TAG_SEQUENCE, true, what);
  return new SequenceReader(t.value, what);
}

/** SEQUENCE OF: each element through `item`. */
export function decodeSequenceOf<T>(t: Tlv, item: (e: Tlv) => T, what = 'SEQUENCE OF'): T[] {
  expectTag(t, CLASS_UNIVERSAL, TAG_SEQUENCE, true, what);
  const r = new DerReader(t.value);
  const out: T[] = [];
  while (!r.atEnd) out.push(item(r.next(what)));
  return out;
}

/**
 * The fields of a SEQUENCE whose components are EXPLICIT context tags [0], [1], ... in order
 * (RFC 4120's style). Fields with tag numbers we do not know are skipped: RFC 4120 5.1 lets
 * later versions add fields, and MIT's decoder skips them too.
 */
export class SequenceReader {
  readonly #r: DerReader;
  readonly #what: string;
  #last = -1;

  constructor(contents: Uint8Array, what: string) {
    this.#r = new DerReader(contents);
    this.#what = what;
  }

  /** The inner element of field [n], or undefined when it is absent. */
  optional(n: number, name = `[${n}]`): Tlv | undefined {
    const what = `${this.#what}.${name}`;
    for (;;) {
      const t = this.#r.peek(what);
      if (t === undefined) return undefined;
      if (t.cls !== CLASS_CONTEXT || !t.constructed) throw asn1Error('ASN1_BAD_ID', what);
      if (t.tag <= this.#last) throw asn1Error('ASN1_MISPLACED_FIELD', what);
      if (t.tag > n) return undefined;
      this.#r.next(what);
      this.#last = t.tag;
      if (t.tag === n) return readTlv(t.value, what);
      // t.tag < n: a field between known ones that we do not know: skip it.
    }
  }

  /** The inner element of field [n]; ASN1_MISSING_FIELD when it is absent. */
  required(n: number, name = `[${n}]`): Tlv {
    const t = this.optional(n, name);
    if (t === undefined) throw asn1Error('ASN1_MISSING_FIELD', `${this.#what}.${name}`);
    return t;
  }

  /** Skips trailing unknown fields (extensions); anything else left over is an error. */
  end(): void {
    this.optional(Number.MAX_SAFE_INTEGER, 'extension');
    this.#r.end(`${this.#what}: trailing bytes`);
  }
}
