/**
 * MIT's FILE keytab format (src/lib/krb5/keytab/kt_file.c). Version 0x0502 is big-endian; 0x0501
 * is host byte order with the realm counted among the components and no name type (we read it as
 * little-endian, the byte order of the hosts MIT runs on here).
 *
 *   keytab  ::= 0x05 0x02 record*
 *   record  ::= int32 size  (negative: a hole of -size bytes left by a deleted entry; 0: end)
 *               entry (size bytes)
 *   entry   ::= uint16 count, data realm, data component[count], uint32 name_type,
 *               uint32 timestamp, uint8 kvno8, uint16 enctype, data key, [uint32 kvno32]
 *   data    ::= uint16 length, bytes
 */
import type { Key } from '../../crypto/key.js';
import { redactKey } from '../../crypto/redact.js';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
import { fromUtf8, utf8 } from '../../util/bytes.js';
import { Reader } from '../../util/reader.js';
import type { Principal } from '../principal.js';

export const KRB5_KT_VNO_1 = 0x0501;
export const KRB5_KT_VNO = 0x0502;

export interface KeytabEntry {
  readonly principal: Principal;
  /** Seconds since the epoch when the entry was written (unsigned 32-bit). */
  readonly timestamp: number;
  /** The 32-bit kvno when the entry has one that is not zero, else the 8-bit kvno. */
  readonly kvno: number;
  readonly key: Key;
}

export interface Keytab {
  readonly version: number;
  readonly entries: readonly KeytabEntry[];
}

function ktError(minor: number, what: string): GssError {
  return new GssError(GSS_S_FAILURE, minor, `keytab: ${what}`);
}

/** Parses a whole keytab file. Throws GssError KRB5_KEYTAB_BADVNO, KRB5_KT_END or KRB5_KT_FORMAT. */
export function parseKeytab(bytes: Uint8Array): Keytab {
  if (bytes.length < 2) throw ktError(MINOR.KRB5_KEYTAB_BADVNO, 'file too short for a version number');
  const version = (bytes[0] << 8) | bytes[1];
  if (version !== KRB5_KT_VNO && version !== KRB5_KT_VNO_1) {
    throw ktError(MINOR.KRB5_KEYTAB_BADVNO, `unsupported format version 0x${version.toString(16)}`);
  }
  const le = version === KRB5_KT_VNO_1;
  const r = new Reader(bytes.subarray(2), (what) => ktError(MINOR.KRB5_KT_END, `truncated entry (${what})`));
  const entries: KeytabEntry[] = [];
  // As kt_file.c: fewer than 4 bytes left, or a zero size, ends the entries.
  while (r.remaining >= 4) {
    const size = r.i32('record size', le);
    if (size === 0) break;
    if (size < 0) {
      if (size === -0x80000000) throw ktError(MINOR.KRB5_KT_FORMAT, 'bad hole size');
      r.skip(-size, 'deleted entry');
      continue;
    }
    entries.push(
      parseEntry(new Reader(r.bytes(size, 'entry'), (what) => ktError(MINOR.KRB5_KT_END, what)), le),
    );
  }
  return Object.freeze({ version, entries: Object.freeze(entries) });
}

function data(r: Reader, le: boolean, what: string): Uint8Array {
  const n = r.u16(`${what} length`, le);
  // kt_file.c treats an empty (or negative int16) realm, component or key as the end of the table.
  if (n === 0 || n > 0x7fff) r.fail(`bad ${what} length`);
  return r.bytes(n, what);
}

function parseEntry(r: Reader, le: boolean): KeytabEntry {
  let count = r.u16('component count', le);
  if (le) count -= 1;
  if (count <= 0 || count > 0x7fff) r.fail('bad component count');
  const realm = fromUtf8(data(r, le, 'realm'));
  const components: string[] = [];
  for (let i = 0; i < count; i++) components.push(fromUtf8(data(r, le, 'component')));
  const nameType = le ? 0 : r.i32('name type');
  const timestamp = r.u32('timestamp', le);
  let kvno = r.u8('kvno');
  const enctype = (r.u16('enctype', le) << 16) >> 16;
  const keyvalue = Uint8Array.from(data(r, le, 'key'));
  // A trailing 32-bit kvno overrides the 8-bit one unless it is zero (zero-fill).
  if (r.remaining >= 4) {
    const kvno32 = r.u32('kvno32', le);
    if (kvno32 !== 0) kvno = kvno32;
  }
  return Object.freeze({
    principal: Object.freeze({ nameType, components: Object.freeze(components), realm }),
    timestamp,
    kvno,
    key: Object.freeze(redactKey({ enctype, keyvalue })),
  });
}

/** Encodes entries as MIT writes them today: version 0x0502, every entry with its 32-bit kvno. */
export function encodeKeytab(entries: readonly KeytabEntry[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x05, 0x02)];
  for (const e of entries) parts.push(encodeRecord(e));
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function encodeRecord(e: KeytabEntry): Uint8Array {
  const realm = utf8(e.principal.realm);
  const comps = e.principal.components.map(utf8);
  const fields = [realm, ...comps, e.key.keyvalue];
  for (const f of fields) {
    if (f.length === 0 || f.length > 0x7fff) throw ktError(MINOR.KRB5_KT_FORMAT, 'field length out of range');
  }
  if (comps.length === 0 || comps.length > 0x7fff) throw ktError(MINOR.KRB5_KT_FORMAT, 'bad component count');
  const size = 2 + fields.reduce((s, f) => s + 2 + f.length, 0) + 4 + 4 + 1 + 2 + 4;
  const out = new Uint8Array(4 + size);
  const v = new DataView(out.buffer);
  let off = 0;
  v.setInt32(off, size);
  off += 4;
  v.setUint16(off, comps.length);
  off += 2;
  const put = (b: Uint8Array): void => {
    v.setUint16(off, b.length);
    out.set(b, off + 2);
    off += 2 + b.length;
  };
  put(realm);
  for (const c of comps) put(c);
  v.setInt32(off, e.principal.nameType | 0);
  v.setUint32(off + 4, e.timestamp >>> 0);
  out[off + 8] = e.kvno & 0xff;
  v.setInt16(off + 9, e.key.enctype);
  off += 11;
  put(e.key.keyvalue);
  v.setUint32(off, e.kvno >>> 0);
  return out;
}
