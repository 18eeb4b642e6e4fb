/**
 * The body of the interprocess token: a fixed, big-endian, length-checked serialization of
 * `ContextState` (docs/export-token.md, "Body"). No host-dependent layout; every length is
 * bounded, every field validated on the way in, and nothing is left over.
 */
import type { Key } from '../../../crypto/key.js';
import { redactKey } from '../../../crypto/redact.js';
import { MINOR } from '../../../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../errors/status.js';
import type { Principal } from '../../../krb5/principal.js';
import { utf8 } from '../../../util/bytes.js';
import { Reader } from '../../../util/reader.js';
import type { ContextState, SeqStateRecord } from './context-state.js';

const MAX_COMPONENTS = 16;
const MAX_STRING = 1024;
const MAX_KEY = 64;
const U64 = (1n << 64n) - 1n;

const KNOWN_FLAGS_MASK = 0x1ff | 0x8000;

/**
 * A string as the body carries it: ASCII as it is (written char by char), anything else as its
 * UTF-8 bytes. Names are nearly always ASCII, and a TextEncoder call per string cost more than
 * the rest of the body.
 */
type Str = string | Uint8Array;

function str(s: string): Str {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return utf8(s);
  return s;
}

interface PrincipalParts {
  readonly nameType: number;
  readonly realm: Str;
  readonly components: readonly Str[];
}

function parts(p: Principal): PrincipalParts {
  return { nameType: p.nameType, realm: str(p.realm), components: p.components.map(str) };
}

function principalLength(p: PrincipalParts): number {
  let n = 12 + p.realm.length;
  for (const c of p.components) n += 4 + c.length;
  return n;
}

const keyLength = (k: Key): number => 8 + k.keyvalue.length;

/** Writes big-endian fields into a buffer sized beforehand (no DataView: see docs/performance.md). */
class Writer {
  readonly buf: Uint8Array;
  #len = 0;
  constructor(buf: Uint8Array, offset: number) {
    this.buf = buf;
    this.#len = offset;
  }
  u8(v: number): void {
    this.buf[this.#len++] = v;
  }
  u32(v: number): void {
    const b = this.buf;
    const p = this.#len;
    b[p] = v >>> 24;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
    this.#len = p + 4;
  }
  u64(v: bigint): void {
    const x = BigInt.asUintN(64, v);
    this.u32(Number(x >> 32n));
    this.u32(Number(x & 0xffffffffn));
  }
  /** A time in seconds: the same bytes as u64(BigInt(t)), without BigInts for the usual values. */
  time(t: number): void {
    if (!(Number.isSafeInteger(t) && t >= 0)) {
      this.u64(BigInt(t));
      return;
    }
    this.u32(Math.floor(t / 0x100000000));
    this.u32(t >>> 0);
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.buf.set(b, this.#len);
    this.#len += b.length;
  }
  str(s: Str): void {
    if (typeof s !== 'string') {
      this.bytes(s);
      return;
    }
    this.u32(s.length);
    const b = this.buf;
    let p = this.#len;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.#len = p;
  }
}

function writePrincipal(w: Writer, p: PrincipalParts): void {
  w.u32(p.nameType);
  w.str(p.realm);
  w.u32(p.components.length);
  for (const c of p.components) w.str(c);
}

function writeKey(w: Writer, k: Key): void {
  w.u32(k.enctype);
  w.bytes(k.keyvalue);
}

/** A record ready to be written: its exact length first, so the token is allocated once. */
export interface BodyPlan {
  readonly length: number;
  /** Writes the body at `offset` of `out` (which has room for `length` bytes from there). */
  write(out: Uint8Array, offset: number): void;
}

/** Plans the serialization of the record (docs/export-token.md, "Body"). */
export function planContextBody(s: ContextState): BodyPlan {
  const initiator = parts(s.initiatorName);
  const acceptor = parts(s.acceptorName);
  const length =
    21 +
    principalLength(initiator) +
    principalLength(acceptor) +
    keyLength(s.sessionKey) +
    keyLength(s.subkey) +
    1 +
    (s.acceptorSubkey ? keyLength(s.acceptorSubkey) : 0) +
    33;
  return {
    length,
    write(out: Uint8Array, offset: number): void {
      const w = new Writer(out, offset);
      w.u8(s.locallyInitiated ? 1 : 0);
      w.u32(s.flags);
      w.time(s.authTime);
      w.time(s.endTime);
      writePrincipal(w, initiator);
      writePrincipal(w, acceptor);
      writeKey(w, s.sessionKey);
      writeKey(w, s.subkey);
      w.u8(s.acceptorSubkey ? 1 : 0);
      if (s.acceptorSubkey) writeKey(w, s.acceptorSubkey);
      w.u64(s.sendSeq);
      const r = s.recv;
      w.u8((r.doReplay ? 1 : 0) | (r.doSequence ? 2 : 0) | (r.wide ? 4 : 0));
      w.u64(r.base);
      w.u64(r.next);
      w.u64(r.recvmap);
    },
  };
}

function bad(what: string, minor: number = MINOR.G_BAD_TOK_HEADER): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, minor, `invalid exported context: ${what}`);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function readString(r: Reader, what: string): string {
  const n = r.u32(what);
  if (n > MAX_STRING) throw bad(`${what} too long`, MINOR.KG_BAD_LENGTH);
  const b = r.bytes(n, what);
  // ASCII (nearly every name) without the decoder, which costs more than the rest of the body.
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (b[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return String.fromCharCode.apply(null, b as unknown as number[]);
  try {
    return strictUtf8.decode(b);
  } catch (e) {
    if (e instanceof GssError) throw e;
    throw bad(`${what} is not UTF-8`);
  }
}

function readPrincipal(r: Reader, what: string): Principal {
  const nameType = r.i32(`${what} name type`);
  const realm = readString(r, `${what} realm`);
  const n = r.u32(`${what} component count`);
  if (n === 0 || n > MAX_COMPONENTS) throw bad(`${what} has ${n} components`, MINOR.KG_BAD_LENGTH);
  const components: string[] = [];
  for (let i = 0; i < n; i++) components.push(readString(r, `${what} component`));
  return Object.freeze({ nameType, realm, components: Object.freeze(components) });
}

function readKey(r: Reader, what: string, keyLength: (enctype: number) => number): Key {
  const enctype = r.i32(`${what} enctype`);
  const n = r.u32(`${what} length`);
  if (n > MAX_KEY) throw bad(`${what} too long`, MINOR.KG_BAD_LENGTH);
  const keyvalue = r.bytes(n, what).slice();
  if (keyLength(enctype) !== n) {
    keyvalue.fill(0);
    throw bad(`${what} does not fit its enctype`, MINOR.KG_BAD_LENGTH);
  }
  return Object.freeze(redactKey({ enctype, keyvalue }));
}

/**
 * Parses a body. `keyLength` gives the key size of an enctype and throws GssError for one that
 * is unknown or not allowed (the crypto profile lookup).
 */
export function decodeContextBody(body: Uint8Array, keyLength: (enctype: number) => number): ContextState {
  const r = new Reader(body, (what) => bad(`truncated (${what})`, MINOR.KG_BAD_LENGTH));
  const initiated = r.u8('locally-initiated');
  if (initiated > 1) throw bad('locally-initiated is not a boolean');
  const flags = r.u32('flags');
  if ((flags & ~KNOWN_FLAGS_MASK) !== 0) throw bad('unknown context flags');
  const authTime = r.u64('authtime');
  const endTime = r.u64('endtime');
  if (authTime > BigInt(Number.MAX_SAFE_INTEGER) || endTime > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw bad('time out of range');
  }
  const initiatorName = readPrincipal(r, 'initiator name');
  const acceptorName = readPrincipal(r, 'acceptor name');
  const sessionKey = readKey(r, 'session key', keyLength);
  const subkey = readKey(r, 'subkey', keyLength);
  const hasAcceptorSubkey = r.u8('acceptor-subkey flag');
  if (hasAcceptorSubkey > 1) throw bad('acceptor-subkey flag is not a boolean');
  const acceptorSubkey = hasAcceptorSubkey ? readKey(r, 'acceptor subkey', keyLength) : undefined;
  const sendSeq = r.u64('send sequence number');
  const seqFlags = r.u8('sequence flags');
  if ((seqFlags & ~7) !== 0) throw bad('unknown sequence flags');
  const recv: SeqStateRecord = {
    doReplay: (seqFlags & 1) !== 0,
    doSequence: (seqFlags & 2) !== 0,
    wide: (seqFlags & 4) !== 0,
    base: r.u64('receive base'),
    next: r.u64('receive next'),
    recvmap: r.u64('receive bitmap'),
  };
  if (!recv.wide && (recv.base > 0xffffffffn || recv.next > 0xffffffffn)) {
    throw bad('32-bit sequence state out of range');
  }
  if (recv.next > U64) throw bad('sequence state out of range');
  r.end('trailing bytes after the context');
  const state: ContextState = {
    locallyInitiated: initiated === 1,
    flags,
    initiatorName,
    acceptorName,
    authTime: Number(authTime),
    endTime: Number(endTime),
    sessionKey,
    subkey,
    sendSeq,
    recv,
  };
  if (acceptorSubkey) state.acceptorSubkey = acceptorSubkey;
  return state;
}
