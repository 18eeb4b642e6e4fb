/**
 * MIT's FILE credential cache format (src/lib/krb5/ccache/ccmarshal.c, cc_file.c), versions
 * 0x0501..0x0504. Versions 1 and 2 use host byte order (read and written here as little-endian);
 * 3 and 4 are big-endian; version 3 stores the key's enctype twice; version 4 has a header of
 * tagged fields (tag 1: the KDC time offset). Version 1 has no name types and counts the realm
 * among a principal's components.
 *
 *   file       ::= uint16 0x050V, [uint16 hlen, (uint16 tag, uint16 len, bytes)*]  (V = 4)
 *                  principal, credential*
 *   principal  ::= uint32 name_type, uint32 count, data realm, data component[count]
 *   credential ::= principal client, principal server, uint16 enctype, data key,
 *                  uint32 authtime, starttime, endtime, renew_till, uint8 is_skey,
 *                  uint32 ticket_flags, uint32 n, (uint16 addrtype, data)[n],
 *                  uint32 n, (uint16 ad_type, data)[n], data ticket, data second_ticket
 *   data       ::= uint32 length, bytes
 */
import type { Key } from '../../crypto/key.js';
import { redactKey } from '../../crypto/redact.js';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
import { fromUtf8, utf8 } from '../../util/bytes.js';
import { Reader } from '../../util/reader.js';
import type { Principal } from '../principal.js';

/** The FCC_TAG_DELTATIME header field: the KDC's clock minus ours when the cache was made. */
export const FCC_TAG_DELTATIME = 1;

export interface HeaderTag {
  readonly tag: number;
  readonly value: Uint8Array;
}

export interface HostAddress {
  readonly addrType: number;
  readonly address: Uint8Array;
}

export interface AuthDataEntry {
  readonly adType: number;
  readonly adData: Uint8Array;
}

/** One credential as krb5_creds holds it. `ticket` is the Ticket's DER bytes, left undecoded. */
export interface CachedCredential {
  readonly client: Principal;
  readonly server: Principal;
  readonly key: Key;
  readonly authtime: number;
  readonly starttime: number;
  readonly endtime: number;
  readonly renewTill: number;
  readonly isSkey: boolean;
  /** RFC 4120 TicketFlags as a 32-bit number, bit 0 (reserved) being the most significant. */
  readonly ticketFlags: number;
  readonly addresses: readonly HostAddress[];
  readonly authdata: readonly AuthDataEntry[];
  readonly ticket: Uint8Array;
  readonly secondTicket: Uint8Array;
}

export interface CcacheContents {
  /** 1..4 (the file's 0x050V). */
  readonly version: number;
  /** Version 4 header fields, in file order (unknown tags are kept for round trips). */
  readonly headerTags: readonly HeaderTag[];
  readonly principal: Principal;
  /** Every credential in file order, removed ones (see `isRemoved`) included. */
  readonly credentials: readonly CachedCredential[];
}

export interface TimeOffset {
  readonly seconds: number;
  readonly microseconds: number;
}

function ccFormat(what: string): GssError {
  return new GssError(GSS_S_FAILURE, MINOR.KRB5_CC_FORMAT, `credentials cache: ${what}`);
}

/**
 * As MIT 1.20.1's cc_file.c cred_removed: krb5_cc_remove_cred marks a credential removed in place
 * with endtime 0 and authtime -1 (later MIT releases take any authtime but 0).
 */
export function isRemoved(c: CachedCredential): boolean {
  return c.endtime === 0 && c.authtime === 0xffffffff;
}

/** The KDC time offset of a version 4 header, if it has one. */
export function kdcTimeOffset(cc: CcacheContents): TimeOffset | undefined {
  const value = cc.headerTags.find((h) => h.tag === FCC_TAG_DELTATIME)?.value;
  if (value?.length !== 8) return undefined;
  const v = new DataView(value.buffer, value.byteOffset, 8);
  return { seconds: v.getInt32(0), microseconds: v.getInt32(4) };
}

export function timeOffsetTag(o: TimeOffset): HeaderTag {
  const value = new Uint8Array(8);
  const v = new DataView(value.buffer);
  v.setInt32(0, o.seconds);
  v.setInt32(4, o.microseconds);
  return { tag: FCC_TAG_DELTATIME, value };
}

class In {
  readonly r: Reader;
  readonly le: boolean;
  constructor(
    bytes: Uint8Array,
    readonly version: number,
  ) {
    this.r = new Reader(bytes, (what) => ccFormat(`truncated (${what})`));
    this.le = version < 3;
  }
  u16(what: string): number {
    return this.r.u16(what, this.le);
  }
  u32(what: string): number {
    return this.r.u32(what, this.le);
  }
  data(what: string): Uint8Array {
    return Uint8Array.from(this.r.bytes(this.u32(`${what} length`), what));
  }
  count(what: string): number {
    const n = this.u32(what);
    // ccmarshal.c: a count larger than the bytes left cannot be right.
    if (n > this.r.remaining) this.r.fail(`${what} too large`);
    return n;
  }
  principal(): Principal {
    const nameType = this.version === 1 ? 0 : this.r.i32('name type', this.le);
    let n = this.count('component count');
    if (this.version === 1) {
      if (n === 0) this.r.fail('component count');
      n -= 1;
    }
    const realm = fromUtf8(this.data('realm'));
    const components: string[] = [];
    for (let i = 0; i < n; i++) components.push(fromUtf8(this.data('component')));
    return Object.freeze({ nameType, components: Object.freeze(components), realm });
  }
  credential(): CachedCredential {
    const client = this.principal();
    const server = this.principal();
    const enctype = (this.u16('enctype') << 16) >> 16;
    if (this.version === 3) this.u16('enctype');
    const key = Object.freeze(redactKey({ enctype, keyvalue: this.data('key') }));
    const authtime = this.u32('authtime');
    const starttime = this.u32('starttime');
    const endtime = this.u32('endtime');
    const renewTill = this.u32('renew_till');
    const isSkey = this.r.u8('is_skey') !== 0;
    const ticketFlags = this.u32('ticket flags');
    const addresses: HostAddress[] = [];
    for (let i = this.count('address count'); i > 0; i--) {
      addresses.push({ addrType: this.u16('addrtype'), address: this.data('address') });
    }
    const authdata: AuthDataEntry[] = [];
    for (let i = this.count('authdata count'); i > 0; i--) {
      authdata.push({ adType: (this.u16('ad_type') << 16) >> 16, adData: this.data('authdata') });
    }
    const ticket = this.data('ticket');
    const secondTicket = this.data('second ticket');
    return Object.freeze({
      client,
      server,
      key,
      authtime,
      starttime,
      endtime,
      renewTill,
      isSkey,
      ticketFlags,
      addresses: Object.freeze(addresses),
      authdata: Object.freeze(authdata),
      ticket,
      secondTicket,
    });
  }
}

/** Parses a whole cache file. Throws GssError KRB5_CCACHE_BADVNO or KRB5_CC_FORMAT. */
export function parseCcache(bytes: Uint8Array): CcacheContents {
  if (bytes.length < 2) throw ccFormat('file too short for a version number');
  const vno = (bytes[0] << 8) | bytes[1];
  const version = vno - 0x0500;
  if (version < 1 || version > 4) {
    throw new GssError(
      GSS_S_FAILURE,
      MINOR.KRB5_CCACHE_BADVNO,
      `credentials cache: unsupported version 0x${vno.toString(16)}`,
    );
  }
  const input = new In(bytes.subarray(2), version);
  const headerTags: HeaderTag[] = [];
  if (version === 4) {
    let left = input.u16('header length');
    while (left > 0) {
      if (left < 4) input.r.fail('header field');
      const tag = input.u16('header tag');
      const len = input.u16('header field length');
      if (len > left - 4) input.r.fail('header field length');
      const value = Uint8Array.from(input.r.bytes(len, 'header field'));
      if (tag === FCC_TAG_DELTATIME && len !== 8) input.r.fail('time offset length');
      headerTags.push({ tag, value });
      left -= 4 + len;
    }
  }
  const principal = input.principal();
  const credentials: CachedCredential[] = [];
  while (!input.r.atEnd) credentials.push(input.credential());
  return Object.freeze({
    version,
    headerTags: Object.freeze(headerTags),
    principal,
    credentials: Object.freeze(credentials),
  });
}

class Out {
  readonly #chunks: Uint8Array[] = [];
  constructor(readonly version: number) {}
  #num(n: number, size: 2 | 4): void {
    const b = new Uint8Array(size);
    const v = new DataView(b.buffer);
    const le = this.version < 3;
    if (size === 2) v.setUint16(0, n & 0xffff, le);
    else v.setUint32(0, n >>> 0, le);
    this.#chunks.push(b);
  }
  u8(n: number): void {
    this.#chunks.push(Uint8Array.of(n & 0xff));
  }
  u16(n: number): void {
    this.#num(n, 2);
  }
  u32(n: number): void {
    this.#num(n, 4);
  }
  raw(b: Uint8Array): void {
    this.#chunks.push(b);
  }
  data(b: Uint8Array): void {
    this.u32(b.length);
    this.#chunks.push(b);
  }
  principal(p: Principal): void {
    if (this.version !== 1) this.u32(p.nameType);
    this.u32(p.components.length + (this.version === 1 ? 1 : 0));
    this.data(utf8(p.realm));
    for (const c of p.components) this.data(utf8(c));
  }
  credential(c: CachedCredential): void {
    this.principal(c.client);
    this.principal(c.server);
    this.u16(c.key.enctype);
    if (this.version === 3) this.u16(c.key.enctype);
    this.data(c.key.keyvalue);
    for (const t of [c.authtime, c.starttime, c.endtime, c.renewTill]) this.u32(t);
    this.u8(c.isSkey ? 1 : 0);
    this.u32(c.ticketFlags);
    this.u32(c.addresses.length);
    for (const a of c.addresses) {
      this.u16(a.addrType);
      this.data(a.address);
    }
    this.u32(c.authdata.length);
    for (const a of c.authdata) {
      this.u16(a.adType);
      this.data(a.adData);
    }
    this.data(c.ticket);
    this.data(c.secondTicket);
  }
  bytes(): Uint8Array {
    let n = 0;
    for (const c of this.#chunks) n += c.length;
    const out = new Uint8Array(n);
    let off = 0;
    for (const c of this.#chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

/** Encodes a cache in its `version` (MIT writes 4). The caller wipes the result: it holds keys. */
export function encodeCcache(cc: CcacheContents): Uint8Array {
  const { version } = cc;
  if (!Number.isInteger(version) || version < 1 || version > 4) {
    throw new GssError(
      GSS_S_FAILURE,
      MINOR.KRB5_CCACHE_BADVNO,
      `credentials cache: cannot write version ${version}`,
    );
  }
  const out = new Out(version);
  out.raw(Uint8Array.of(0x05, version));
  if (version === 4) {
    const len = cc.headerTags.reduce((s, t) => s + 4 + t.value.length, 0);
    if (len > 0xffff) throw ccFormat('header too long');
    out.u16(len);
    for (const t of cc.headerTags) {
      out.u16(t.tag);
      out.u16(t.value.length);
      out.raw(t.value);
    }
  }
  out.principal(cc.principal);
  for (const c of cc.credentials) out.credential(c);
  return out.bytes();
}
