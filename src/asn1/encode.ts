/**
 * DER encoders (X.690 10): definite lengths in the fewest octets, minimal INTEGERs. Optional
 * components are passed as `undefined` and vanish, so a SEQUENCE is written as
 * `encodeSequence([explicit(0, a), explicit(1, b)])`.
 */
import { civilFromDays } from './civil.js';
import { asn1EncodeError } from './errors.js';
import {
  CLASS_APPLICATION,
  CLASS_CONTEXT,
  CLASS_UNIVERSAL,
  TAG_BIT_STRING,
  TAG_BOOLEAN,
  TAG_GENERAL_STRING,
  TAG_GENERALIZED_TIME,
  TAG_INTEGER,
  TAG_OCTET_STRING,
  TAG_SEQUENCE,
} from './tlv.js';

/** Size of the identifier and length octets of an element (low-tag or high-tag form). */
export function headerLength(tag: number, len: number): number {
  let n = 2;
  if (tag >= 0x1f) for (let x = tag; x > 0; x = Math.floor(x / 128)) n++;
  if (len >= 0x80) for (let x = len; x > 0; x = Math.floor(x / 256)) n++;
  return n;
}

/** Writes identifier and length octets into `out` at `at` (sized by headerLength); the offset after them. */
export function writeHeader(
  out: Uint8Array,
  cls: number,
  constructed: boolean,
  tag: number,
  len: number,
  at = 0,
): number {
  const id = (cls << 6) | (constructed ? 0x20 : 0);
  let p = at;
  if (tag < 0x1f) {
    out[p++] = id | tag;
  } else {
    out[p++] = id | 0x1f;
    let k = 0;
    for (let x = tag; x > 0; x = Math.floor(x / 128)) k++;
    for (let i = k - 1; i >= 0; i--) out[p++] = (Math.floor(tag / 128 ** i) & 0x7f) | (i > 0 ? 0x80 : 0);
  }
  if (len < 0x80) {
    out[p++] = len;
  } else {
    let k = 0;
    for (let x = len; x > 0; x = Math.floor(x / 256)) k++;
    out[p++] = 0x80 | k;
    for (let i = k - 1; i >= 0; i--) out[p++] = Math.floor(len / 256 ** i) & 0xff;
  }
  return p;
}

/** One element: identifier, definite length, then the parts as contents. */
export function encodeTlv(
  cls: number,
  constructed: boolean,
  tag: number,
  parts: readonly (Uint8Array | undefined)[],
): Uint8Array {
  let len = 0;
  for (const p of parts) if (p) len += p.length;
  const out = new Uint8Array(headerLength(tag, len) + len);
  let off = writeHeader(out, cls, constructed, tag, len);
  for (const p of parts) {
    if (!p) continue;
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** INTEGER, minimal two's complement; any value in [-2^31, 2^32) (Int32 and UInt32). */
export function encodeInteger(n: number, what = 'INTEGER'): Uint8Array {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) throw asn1EncodeError('ASN1_OVERFLOW', what);
  // The fewest octets whose two's complement holds n (a leading 0x00 keeps a high bit positive),
  // written straight after the two header octets: every AP-REQ/AP-REP has several INTEGERs.
  const len =
    n >= 0
      ? n < 0x80
        ? 1
        : n < 0x8000
          ? 2
          : n < 0x800000
            ? 3
            : n < 0x80000000
              ? 4
              : 5
      : n >= -0x80
        ? 1
        : n >= -0x8000
          ? 2
          : n >= -0x800000
            ? 3
            : 4;
  const out = new Uint8Array(2 + len);
  out[0] = (CLASS_UNIVERSAL << 6) | TAG_INTEGER;
  out[1] = len;
  let x = n;
  for (let i = len - 1; i >= 0; i--) {
    out[2 + i] = x & 0xff; // the low octet of the two's complement, also for negative x
    x = Math.floor(x / 256);
  }
  return out;
}

/** BOOLEAN, DER: TRUE is 0xFF. */
export function encodeBoolean(b: boolean): Uint8Array {
  return encodeTlv(CLASS_UNIVERSAL, false, TAG_BOOLEAN, [Uint8Array.of(b ? 0xff : 0)]);
}

export function encodeOctetString(b: Uint8Array): Uint8Array {
  return encodeTlv(CLASS_UNIVERSAL, false, TAG_OCTET_STRING, [b]);
}

const utf8 = new TextEncoder();

/** A primitive element whose contents are the UTF-8 bytes of `s` (ASCII without TextEncoder). */
function stringTlv(tag: number, s: string): Uint8Array {
  let ascii = s.length < 0x80;
  for (let i = 0; ascii && i < s.length; i++) ascii = s.charCodeAt(i) < 0x80;
  if (!ascii) return encodeTlv(CLASS_UNIVERSAL, false, tag, [utf8.encode(s)]);
  const out = new Uint8Array(2 + s.length);
  out[0] = tag;
  out[1] = s.length;
  for (let i = 0; i < s.length; i++) out[2 + i] = s.charCodeAt(i);
  return out;
}

/** GeneralString holding the UTF-8 bytes of `s` (KerberosString, RFC 4120 5.2.1). */
export function encodeGeneralString(s: string): Uint8Array {
  return stringTlv(TAG_GENERAL_STRING, s);
}

/** KerberosTime "YYYYMMDDHHMMSSZ" from whole seconds since the epoch (RFC 4120 5.2.3). */
export function encodeGeneralizedTime(seconds: number, what = 'KerberosTime'): Uint8Array {
  if (!Number.isInteger(seconds)) throw asn1EncodeError('ASN1_BAD_GMTIME', what);
  // Calendar arithmetic (./civil.ts), not a Date: the same fields, about 1 µs less per time. Out
  // of Date's range (about 275760 years) the year is far outside 0..9999 too, and refused alike.
  const days = Math.floor(seconds / 86400);
  const [y, month, day] = civilFromDays(days);
  if (!(y >= 0 && y <= 9999)) throw asn1EncodeError('ASN1_BAD_GMTIME', what);
  const secs = seconds - days * 86400; // 0..86399
  const hour = Math.floor(secs / 3600);
  const minute = Math.floor((secs % 3600) / 60);
  const out = new Uint8Array(17);
  out[0] = TAG_GENERALIZED_TIME;
  out[1] = 15;
  out[2] = 0x30 + Math.floor(y / 1000);
  out[3] = 0x30 + (Math.floor(y / 100) % 10);
  out[4] = 0x30 + (Math.floor(y / 10) % 10);
  out[5] = 0x30 + (y % 10);
  put2(out, 6, month);
  put2(out, 8, day);
  put2(out, 10, hour);
  put2(out, 12, minute);
  put2(out, 14, secs % 60);
  out[16] = 0x5a;
  return out;
}

function put2(out: Uint8Array, at: number, v: number): void {
  out[at] = 0x30 + Math.floor(v / 10);
  out[at + 1] = 0x30 + (v % 10);
}

/** Kerberos flags as a 32-bit BIT STRING with no unused bits (RFC 4120 5.2.8; MIT does this). */
export function encodeBitString32(flags: number): Uint8Array {
  const f = flags >>> 0;
  return encodeTlv(CLASS_UNIVERSAL, false, TAG_BIT_STRING, [
    Uint8Array.of(0, f >>> 24, (f >>> 16) & 0xff, (f >>> 8) & 0xff, f & 0xff),
  ]);
}

export function encodeSequence(fields: readonly (Uint8Array | undefined)[]): Uint8Array {
  return encodeTlv(CLASS_UNIVERSAL, true, TAG_SEQUENCE, fields);
}

export function encodeSequenceOf<T>(items: readonly T[], item: (x: T) => Uint8Array): Uint8Array {
  return encodeTlv(CLASS_UNIVERSAL, true, TAG_SEQUENCE, items.map(item));
}

/** EXPLICIT context tag [n] around `inner`; undefined stays undefined (an absent OPTIONAL). */
export function explicit(n: number, inner: Uint8Array | undefined): Uint8Array | undefined {
  return inner === undefined ? undefined : encodeTlv(CLASS_CONTEXT, true, n, [inner]);
}

/** APPLICATION [n] (constructed, explicit) around `inner`. */
export function application(n: number, inner: Uint8Array): Uint8Array {
  return encodeTlv(CLASS_APPLICATION, true, n, [inner]);
}
