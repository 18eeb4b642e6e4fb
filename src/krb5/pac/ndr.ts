/**
 * The NDR pieces KERB_VALIDATION_INFO needs (MS-RPCE 2.2.6 type serialization version 1, NDR 2.0
 * transfer syntax, little-endian): the common and private headers, aligned integers, 4-byte
 * pointer referent IDs, conformant-varying UTF-16 strings, conformant arrays and RPC_SIDs.
 * Deferred pointer data follows the structure in pointer order, so the reader is one cursor.
 */
import { Reader } from '../../util/reader.js';
import { ERANGE, malformedPac } from './errors.js';
import { type Sid, sidFromParts } from './sid.js';

/** The largest count we believe in: a PAC buffer cannot hold more elements than bytes. */
function checkCount(n: number, r: Reader, elementSize: number, what: string): void {
  if (n * elementSize > r.remaining) throw malformedPac(`${what}: ${n} elements past the end`, ERANGE);
}

export class NdrReader {
  readonly #r: Reader;

  constructor(bytes: Uint8Array) {
    this.#r = new Reader(bytes, (what) => malformedPac(`NDR ${what}`, ERANGE));
  }

  /** MS-RPCE 2.2.6.1-2: version 1, little-endian, header length 8; then the object length. */
  headers(): void {
    const r = this.#r;
    const version = r.u8('version');
    const endianness = r.u8('endianness');
    const headerLength = r.u16('common header length', true);
    r.skip(4, 'filler');
    if (version !== 1 || endianness !== 0x10 || headerLength !== 8)
      throw malformedPac('NDR common header is not version 1 little-endian');
    const objectLength = r.u32('object buffer length', true);
    r.skip(4, 'filler');
    if (objectLength > r.remaining) throw malformedPac('NDR object longer than the buffer', ERANGE);
  }

  align(n: number): void {
    const pad = (n - (this.#r.offset % n)) % n;
    this.#r.skip(pad, 'alignment');
  }

  u8(what: string): number {
    return this.#r.u8(what);
  }
  u16(what: string): number {
    this.align(2);
    return this.#r.u16(what, true);
  }
  u32(what: string): number {
    this.align(4);
    return this.#r.u32(what, true);
  }
  /** FILETIME: two ULONGs, low then high; 100 ns ticks since 1601. */
  filetime(what: string): bigint {
    const lo = this.u32(what);
    const hi = this.u32(what);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  /** A pointer's referent ID: 0 is NULL, anything else means the data follows later. */
  pointer(what: string): boolean {
    return this.u32(what) !== 0;
  }
  bytes(n: number, what: string): Uint8Array {
    return this.#r.bytes(n, what);
  }

  /** RPC_UNICODE_STRING's deferred buffer: max count, offset, actual count, then UTF-16LE. */
  string(header: { length: number; maximumLength: number }, what: string): string {
    const max = this.u32(`${what} max count`);
    const offset = this.u32(`${what} offset`);
    const actual = this.u32(`${what} actual count`);
    if (offset !== 0 || actual > max || header.length !== actual * 2 || header.maximumLength < header.length)
      throw malformedPac(`${what}: inconsistent string lengths`);
    checkCount(actual, this.#r, 2, what);
    return decodeUtf16le(this.bytes(actual * 2, what));
  }

  /** A conformant array's count (the elements follow). */
  conformance(expected: number, elementSize: number, what: string): number {
    const n = this.u32(`${what} count`);
    if (n !== expected) throw malformedPac(`${what}: ${n} elements where the structure says ${expected}`);
    checkCount(n, this.#r, elementSize, what);
    return n;
  }

  /** RPC_SID (MS-DTYP 2.4.2.3), a conformant structure: count, revision, count, authority, RIDs. */
  sid(what: string): Sid {
    const n = this.u32(`${what} sub-authority max count`);
    const revision = this.u8(`${what} revision`);
    const count = this.u8(`${what} sub-authority count`);
    if (revision !== 1 || count !== n || count > 15) throw malformedPac(`${what}: not a SID`);
    const authority = this.bytes(6, `${what} identifier authority`);
    const subAuthorities: number[] = [];
    for (let i = 0; i < count; i++) subAuthorities.push(this.u32(`${what} sub-authority`));
    return sidFromParts(authority, subAuthorities);
  }
}

/** One decoder for every PAC string: making one per call cost more than the decoding (an accept). */
const utf16le = new TextDecoder('utf-16le');

/** UTF-16LE to a string; unpaired surrogates become U+FFFD, as TextDecoder does. */
export function decodeUtf16le(b: Uint8Array): string {
  if (b.length % 2 !== 0) throw malformedPac('odd-length UTF-16 string', ERANGE);
  return utf16le.decode(b);
}
