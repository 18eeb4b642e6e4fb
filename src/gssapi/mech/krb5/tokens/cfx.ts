/**
 * What the RFC 4121 4.2 per-message tokens share: the 16-octet header, the flags, key usages,
 * key selection, and the first steps of parsing a received token in MIT krb5 1.20's order
 * (src/lib/gssapi/krb5/k5unseal.c kg_unseal, k5sealv3.c gss_krb5int_unseal_token_v3).
 *
 *   0..1 TOK_ID  2 Flags  3 Filler 0xFF  4..5 EC (MIC: 0xFFFF)  6..7 RRC (MIC: 0xFFFF)  8..15 SND_SEQ
 */
import type { Key } from '../../../../crypto/key.js';
import { MINOR } from '../../../../errors/minor.js';
import {
  GSS_S_BAD_QOP,
  GSS_S_BAD_SIG,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_DEFECTIVE_TOKEN,
  GssError,
} from '../../../../errors/status.js';
import { verifyTokenHeader } from '../../../token/framing.js';
import { KRB5_MECH_OID_BYTES } from '../../../token/oid.js';
import type { ContextState } from '../context-state.js';

/** RFC 4121 4.2.6 TOK_ID values. */
export const TOK_ID_MIC = 0x0404;
export const TOK_ID_WRAP = 0x0504;
/** RFC 4121 4.2.6 context deletion token (MIT's KG2_TOK_DEL_CTX); never sent, only recognised. */
export const TOK_ID_DELETE = 0x0405;
/** RFC 1964 token IDs (MIT's KG_TOK_*): an AES context cannot process them. */
const RFC1964_TOK_IDS = new Set([0x0101, 0x0201, 0x0102]);

/** RFC 4121 4.2.2 Flags. */
export const FLAG_SENT_BY_ACCEPTOR = 0x01;
export const FLAG_SEALED = 0x02;
export const FLAG_ACCEPTOR_SUBKEY = 0x04;

/** RFC 4121 2 key usages. */
export const KG_USAGE_ACCEPTOR_SEAL = 22;
export const KG_USAGE_ACCEPTOR_SIGN = 23;
export const KG_USAGE_INITIATOR_SEAL = 24;
export const KG_USAGE_INITIATOR_SIGN = 25;

export const HEADER_BYTES = 16;

/** Only the default QOP exists for these enctypes (RFC 4121 4.2.6; MIT kg_seal: G_UNKNOWN_QOP). */
export function checkQop(qop: number): void {
  if (qop !== 0) throw new GssError(GSS_S_BAD_QOP, MINOR.G_UNKNOWN_QOP);
}

/** The key a sender uses: the acceptor subkey when the context has one, else the subkey. */
export function sendKey(ctx: ContextState): Key {
  return ctx.acceptorSubkey ?? ctx.subkey;
}

/** The flags byte a sender puts in its header (Sealed added by the caller). */
export function sendFlags(ctx: ContextState): number {
  return (ctx.locallyInitiated ? 0 : FLAG_SENT_BY_ACCEPTOR) | (ctx.acceptorSubkey ? FLAG_ACCEPTOR_SUBKEY : 0);
}

/** Key usage for our own tokens (`seal` for Wrap, else MIC). */
export function sendUsage(ctx: ContextState, seal: boolean): number {
  if (seal) return ctx.locallyInitiated ? KG_USAGE_INITIATOR_SEAL : KG_USAGE_ACCEPTOR_SEAL;
  return ctx.locallyInitiated ? KG_USAGE_INITIATOR_SIGN : KG_USAGE_ACCEPTOR_SIGN;
}

/** Key usage for the peer's tokens. */
export function receiveUsage(ctx: ContextState, seal: boolean): number {
  if (seal) return ctx.locallyInitiated ? KG_USAGE_ACCEPTOR_SEAL : KG_USAGE_INITIATOR_SEAL;
  return ctx.locallyInitiated ? KG_USAGE_ACCEPTOR_SIGN : KG_USAGE_INITIATOR_SIGN;
}

/** A 16-octet header. */
export function makeHeader(tokId: number, flags: number, ec: number, rrc: number, seq: bigint): Uint8Array {
  const h = new Uint8Array(HEADER_BYTES);
  writeHeader(h, tokId, flags, ec, rrc, seq);
  return h;
}

/**
 * Writes a 16-octet header at the start of `h`. Byte by byte: a DataView would move a small
 * on-heap array's storage off the V8 heap.
 */
export function writeHeader(
  h: Uint8Array,
  tokId: number,
  flags: number,
  ec: number,
  rrc: number,
  seq: bigint,
): void {
  h[0] = tokId >>> 8;
  h[1] = tokId & 0xff;
  h[2] = flags;
  h[3] = 0xff;
  h[4] = ec >>> 8;
  h[5] = ec & 0xff;
  h[6] = rrc >>> 8;
  h[7] = rrc & 0xff;
  // Sequence numbers below 2^32 (all but very long or wrapped contexts) need one conversion.
  const s = seq >= 0n && seq <= 0xffffffffn ? seq : BigInt.asUintN(64, seq);
  writeUint32(h, 8, s > 0xffffffffn ? Number(s >> 32n) : 0);
  writeUint32(h, 12, Number(BigInt.asUintN(32, s)));
}

/** Copies a token's 16-octet header into `dst` (a loop: no view of a small on-heap token). */
export function copyHeader(token: Uint8Array, dst: Uint8Array): void {
  for (let i = 0; i < HEADER_BYTES; i++) dst[i] = token[i];
}

function writeUint32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function readUint32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** Takes the next send sequence number and advances it (mod 2^64), once a token is made. */
export function nextSendSeq(ctx: ContextState): bigint {
  const seq = BigInt.asUintN(64, ctx.sendSeq);
  ctx.sendSeq = BigInt.asUintN(64, seq + 1n);
  return seq;
}

export interface ReceivedToken {
  /** The token from TOK_ID on (a view into the input). */
  readonly token: Uint8Array;
  readonly flags: number;
  readonly key: Key;
  readonly seqnum: bigint;
}

function defective(minor = 0): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, minor);
}

/**
 * The checks every received token goes through, in MIT's order: an optional RFC 2743 wrapper,
 * the token family, the length, the direction flag, key selection, then the TOK_ID (`expected`).
 */
export function openToken(ctx: ContextState, input: Uint8Array, expected: number): ReceivedToken {
  // MIT's mechglue (g_unseal.c, g_verify.c) refuses an empty token before the mechanism sees it.
  if (input.length === 0) throw new GssError(GSS_S_CALL_INACCESSIBLE_READ, 0, 'empty token');
  // A raw token (the usual case: RFC 4121 tokens carry no wrapper) is its own body, which is
  // what verifyTokenHeader returns for it; only a 0x60 wrapper needs the full check.
  let token = input;
  if (input[0] === 0x60) {
    const framed = verifyTokenHeader(input, KRB5_MECH_OID_BYTES, -1, false);
    if (!framed.ok) throw defective(framed.minor);
    token = framed.body;
  }
  if (token.length < 2) throw defective(MINOR.G_BAD_TOK_HEADER);
  const tokId = (token[0] << 8) | token[1];
  if (RFC1964_TOK_IDS.has(tokId)) throw defective();
  if (tokId !== TOK_ID_MIC && tokId !== TOK_ID_WRAP && tokId !== TOK_ID_DELETE) {
    throw defective(MINOR.G_BAD_TOK_HEADER);
  }
  if (token.length < HEADER_BYTES) throw defective();
  const flags = token[2];
  // RFC 4121 4.2.2: a token must come from the peer, never be one of ours reflected back.
  const fromAcceptor = (flags & FLAG_SENT_BY_ACCEPTOR) !== 0;
  if (fromAcceptor !== ctx.locallyInitiated) throw new GssError(GSS_S_BAD_SIG, MINOR.G_BAD_DIRECTION);
  // The subkey may have been used before the acceptor's subkey arrived: honour the flag.
  const key = ctx.acceptorSubkey && flags & FLAG_ACCEPTOR_SUBKEY ? ctx.acceptorSubkey : ctx.subkey;
  if (tokId !== expected) throw defective();
  if (token[3] !== 0xff) throw defective();
  const hi = readUint32(token, 8);
  const lo = BigInt(readUint32(token, 12));
  const seqnum = hi === 0 ? lo : (BigInt(hi) << 32n) | lo;
  return { token, flags, key, seqnum };
}

/** MIT's gss_krb5int_rotate_left: rotate left by rrc mod length (the receiver undoes RFC 4121 4.2.5). */
export function rotateLeft(data: Uint8Array, rrc: number): Uint8Array {
  if (data.length === 0) return data;
  const n = rrc % data.length;
  if (n === 0) return data;
  const out = new Uint8Array(data.length);
  out.set(data.subarray(n), 0);
  out.set(data.subarray(0, n), data.length - n);
  return out;
}
