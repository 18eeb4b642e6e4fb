/**
 * DER TLV reading (X.690 8.1): identifier octets, definite lengths, contents. Every read is
 * bounds-checked and throws only GssError (./errors.ts), so decoders built on it cannot throw
 * RangeError or TypeError on short or corrupted input.
 */
import { asn1Error } from './errors.js';

export const CLASS_UNIVERSAL = 0;
export const CLASS_APPLICATION = 1;
export const CLASS_CONTEXT = 2;
export const CLASS_PRIVATE = 3;

/** Universal tag numbers used by Kerberos (X.680 8.4). */
export const TAG_BOOLEAN = 1;
export const TAG_INTEGER = 2;
export const TAG_BIT_STRING = 3;
export const TAG_OCTET_STRING = 4;
export const TAG_NULL = 5;
export const TAG_OID = 6;
export const TAG_UTF8_STRING = 12;
export const TAG_SEQUENCE = 16;
export const TAG_IA5_STRING = 22;
export const TAG_GENERALIZED_TIME = 24;
export const TAG_GENERAL_STRING = 27;

/** MIT's ASN1_TAGNUM_MAX (INT_MAX - 1): larger tag numbers are ASN1_OVERFLOW. */
const MAX_TAG = 0x7ffffffe;

/** One decoded element. `value` and `raw` are views into the input, not copies. */
export interface Tlv {
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  /** The contents octets. */
  readonly value: Uint8Array;
  /** The whole element: identifier, length and contents (for byte-exact re-encoding). */
  readonly raw: Uint8Array;
}

/** A cursor over a run of consecutive TLVs (a SEQUENCE's contents, or a whole message). */
export class DerReader {
  readonly #b: Uint8Array;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#b = bytes;
  }

  get atEnd(): boolean {
    return this.#pos >= this.#b.length;
  }

  /** The next element without consuming it, or undefined at the end. */
  peek(what = 'element'): Tlv | undefined {
    if (this.atEnd) return undefined;
    return parseAt(this.#b, this.#pos, what);
  }

  /** The next element; ASN1_OVERRUN when there is none. */
  next(what = 'element'): Tlv {
    if (this.atEnd) throw asn1Error('ASN1_OVERRUN', what);
    const t = parseAt(this.#b, this.#pos, what);
    this.#pos += t.raw.length;
    return t;
  }

  /** Throws ASN1_BAD_LENGTH unless every byte was consumed. */
  end(what = 'trailing bytes'): void {
    if (!this.atEnd) throw asn1Error('ASN1_BAD_LENGTH', what);
  }
}

function parseAt(b: Uint8Array, start: number, what: string): Tlv {
  let p = start;
  const id = b[p++];
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    // High tag number form (X.690 8.1.2.4): base 128, bit 8 set on all but the last octet.
    tag = 0;
    for (;;) {
      if (p >= b.length) throw asn1Error('ASN1_OVERRUN', what);
      if (tag > MAX_TAG >>> 7) throw asn1Error('ASN1_OVERFLOW', what);
      const o = b[p++];
      tag = tag * 128 + (o & 0x7f);
      if ((o & 0x80) === 0) break;
    }
    if (tag > MAX_TAG) throw asn1Error('ASN1_OVERFLOW', what);
  }
  if (p >= b.length) throw asn1Error('ASN1_OVERRUN', what);
  const first = b[p++];
  let len: number;
  if (first < 0x80) {
    len = first;
  } else if (first === 0x80) {
    // Indefinite length (BER): MIT's get_tag refuses it too.
    throw asn1Error('ASN1_INDEF', what);
  } else {
    // MIT's get_tag order: length octets present, then at most 8 of them.
    const n = first & 0x7f;
    if (p + n > b.length) throw asn1Error('ASN1_OVERRUN', what);
    if (n > 8) throw asn1Error('ASN1_OVERFLOW', what);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  }
  if (len > b.length - p) throw asn1Error('ASN1_OVERRUN', what);
  return {
    cls,
    constructed,
    tag,
    value: b.subarray(p, p + len),
    raw: b.subarray(start, p + len),
  };
}

/** Exactly one element filling `bytes` (trailing bytes are ASN1_BAD_LENGTH). */
export function readTlv(bytes: Uint8Array, what = 'element'): Tlv {
  const r = new DerReader(bytes);
  const t = r.next(what);
  r.end(`${what}: trailing bytes`);
  return t;
}

/**
 * The first element of `bytes`; what follows it is ignored, as MIT's k5_asn1_full_decode ignores
 * it (padding after decryption with some enctypes). Used for whole messages.
 */
export function readFirstTlv(bytes: Uint8Array, what = 'element'): Tlv {
  return new DerReader(bytes).next(what);
}

/** Throws ASN1_BAD_ID unless `t` has the given class, tag number and form. */
export function expectTag(t: Tlv, cls: number, tag: number, constructed: boolean, what: string): void {
  if (t.cls !== cls || t.tag !== tag || t.constructed !== constructed) throw asn1Error('ASN1_BAD_ID', what);
}
