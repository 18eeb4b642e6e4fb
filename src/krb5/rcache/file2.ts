/**
 * MIT krb5's replay cache file, version 2 ("file2", MIT 1.18+, lib/krb5/rcache/rc_file2.c),
 * so that our acceptor and MIT's on one host share replay detection.
 *
 * The file: a 16-byte hash seed, then hash tables of 16-byte records (a 12-byte tag and a 4-byte
 * big-endian timestamp, 0 for an empty slot). The first table has 1023 records, the second 2048,
 * and each later one twice the one before. A tag lives in the slot SipHash-2-4(tag, seed) mod
 * size of a table, or the slot after it; each further table hashes with the seed's first byte
 * incremented once more. A store probes the tables in order until it meets an empty slot or the
 * end of the file; a live or expired record with the same tag is a replay, and the tag is written
 * at the first empty-or-expired slot it passed. The caller holds the file's lock (./file-lock.ts).
 *
 * Every byte string is a valid file to this algorithm, so a corrupt file cannot crash it: at worst
 * a garbage record reads as a stored tag. What can fail is I/O and the 2 GiB size limit.
 */
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
import { mod64, siphash24 } from './siphash.js';

const SEED_LEN = 16;
const TAG_LEN = 12;
const RECORD_LEN = TAG_LEN + 4;
const FIRST_TABLE_RECORDS = 1023;
/** MIT's MAX_SIZE: the file stays below 2^31 bytes. */
const MAX_SIZE = 0x7fffffff;
/** errno EOVERFLOW, MIT's answer when the next table would pass MAX_SIZE. */
const EOVERFLOW = 75;

/** Positioned I/O on the open, locked file. `read` may return fewer bytes (end of file). */
export interface RecordFile {
  read(position: number, length: number): Uint8Array;
  write(position: number, bytes: Uint8Array): void;
}

/** MIT's tag from the authenticator's checksum: its first 12 bytes, zero-padded when shorter. */
function file2Tag(tag: Uint8Array): Uint8Array {
  const out = new Uint8Array(TAG_LEN);
  out.set(tag.subarray(0, TAG_LEN));
  return out;
}

function sameTag(rec: Uint8Array, off: number, tag: Uint8Array): boolean {
  for (let i = 0; i < TAG_LEN; i++) if (rec[off + i] !== tag[i]) return false;
  return true;
}

function stampAt(rec: Uint8Array, off: number): number {
  return ((rec[off] << 24) | (rec[off + 1] << 16) | (rec[off + 2] << 8) | rec[off + 3]) >>> 0;
}

/** ts_after(now, stamp + skew) on MIT's unsigned 32-bit timestamps. */
function expired(stamp: number, now: number, skew: number): boolean {
  return now >>> 0 > (stamp + skew) >>> 0;
}

/** The file's hash seed, made and written when the file has none (a new file). */
export function file2Seed(f: RecordFile, random: (n: number) => Uint8Array): Uint8Array {
  const got = f.read(0, SEED_LEN);
  if (got.length === SEED_LEN) return got.slice();
  // MIT writes its new seed after whatever it read; a file shorter than a seed is corrupt, and
  // we write ours at the start so that the next reader, MIT or us, uses the seed we used.
  const seed = random(SEED_LEN);
  f.write(0, seed);
  return seed;
}

/**
 * Checks `tag` against the file and records it at time `now` (seconds since the epoch) unless it
 * is there: true when stored, false for a replay. `skew` is the clock-skew window in seconds.
 */
export function file2Store(
  f: RecordFile,
  tagBytes: Uint8Array,
  now: number,
  skew: number,
  random: (n: number) => Uint8Array,
): boolean {
  return file2StoreSeeded(f, tagBytes, now, skew, file2Seed(f, random));
}

/**
 * `file2Store` with the file's seed already read (./file.ts reads it once per lock: the seed
 * only changes when the file is made, which needs the lock).
 */
export function file2StoreSeeded(
  f: RecordFile,
  tagBytes: Uint8Array,
  now: number,
  skew: number,
  fileSeed: Uint8Array,
): boolean {
  const tag = file2Tag(tagBytes);
  // Each further table hashes with the seed's first byte incremented: on a copy.
  const seed = fileSeed.slice();
  let tableOffset = -1;
  let nrecords = 0;
  let avail = -1;
  for (;;) {
    if (tableOffset === -1) {
      tableOffset = SEED_LEN;
      nrecords = FIRST_TABLE_RECORDS;
    } else {
      tableOffset += nrecords * RECORD_LEN;
      nrecords = nrecords === FIRST_TABLE_RECORDS ? (FIRST_TABLE_RECORDS + 1) * 2 : nrecords * 2;
    }
    if (nrecords > MAX_SIZE / RECORD_LEN || tableOffset > MAX_SIZE - nrecords * RECORD_LEN) {
      throw new GssError(GSS_S_FAILURE, EOVERFLOW, 'replay cache file is full (2 GiB of tables)');
    }
    const recordOffset = tableOffset + mod64(siphash24(tag, seed), nrecords) * RECORD_LEN;
    const got = f.read(recordOffset, RECORD_LEN * 2);
    const nread = got.length >= RECORD_LEN * 2 ? 2 : got.length >= RECORD_LEN ? 1 : 0;
    const s1 = nread >= 1 ? stampAt(got, TAG_LEN) : 0;
    const s2 = nread === 2 ? stampAt(got, RECORD_LEN + TAG_LEN) : 0;
    if ((s1 !== 0 && sameTag(got, 0, tag)) || (s2 !== 0 && sameTag(got, RECORD_LEN, tag))) return false;
    if (avail === -1) {
      if (nread === 0 || s1 === 0 || expired(s1, now, skew)) avail = recordOffset;
      else if (nread === 1 || s2 === 0 || expired(s2, now, skew)) avail = recordOffset + RECORD_LEN;
    }
    // An empty slot or the end of the file: the tag would have been stored by here.
    if (nread < 2 || s1 === 0 || s2 === 0) {
      const record = new Uint8Array(RECORD_LEN);
      record.set(tag);
      record[12] = now >>> 24;
      record[13] = now >>> 16;
      record[14] = now >>> 8;
      record[15] = now;
      f.write(avail, record);
      return true;
    }
    seed[0]++;
  }
}
