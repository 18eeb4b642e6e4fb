/**
 * RFC 4757 section 7: the GSS tokens of contexts whose key is arcfour-hmac, in RFC 1964's
 * format (RFC 4121 does not apply), as MIT krb5 makes and checks them (src/lib/gssapi/krb5/
 * k5seal.c make_seal_token_v1, unwrap.c unwrap_v1, verify_mic.c kg_verify_mic_v1,
 * util_seqnum.c). Tokens carry the RFC 2743 3.1 wrapper; after the 2-byte TOK_ID:
 *
 *   0..1 SGN_ALG 0x0011 (HMAC-MD5, little-endian)   2..3 SEAL_ALG 0x0010 (RC4) or 0xFFFF
 *   4..5 Filler 0xFFFF   6..13 SND_SEQ (encrypted)   14..21 SGN_CKSUM (8 bytes)
 *   Wrap only: 8-byte confounder | message | one pad byte 0x01, encrypted with SEAL_ALG RC4.
 *
 * SGN_CKSUM: the first 8 bytes of hmac-md5-rc4 (usage 15 for MIC, 13 for Wrap) over the 8 header
 * bytes from TOK_ID, the confounder and the message. SND_SEQ: the 32-bit number big-endian and
 * 4 direction bytes (0 from the initiator, 0xFF from the acceptor), RC4 under
 * HMAC(HMAC(key, 0), SGN_CKSUM). The sealing key is the key XOR 0xF0, kd-data the sequence
 * number big-endian; usage 0 in both (MIT kg_arcfour_docrypt; the exportable enctype 24, whose
 * salt differs, is not implemented).
 */
import {
  arcfourGssCrypt,
  constantTimeEqual,
  makeChecksumParts,
  randomBytes,
} from '../../../../crypto/index.js';
import type { Key } from '../../../../crypto/key.js';
import { MINOR } from '../../../../errors/minor.js';
import {
  GSS_S_BAD_SIG,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_DEFECTIVE_TOKEN,
  GssError,
} from '../../../../errors/status.js';
import { verifyTokenHeader, wrapInitialContextToken } from '../../../token/framing.js';
import { KRB5_MECH_OID_BYTES } from '../../../token/oid.js';
import type { ContextState } from '../context-state.js';
import { checkQop } from './cfx.js';
import { checkSeqState } from './seqstate.js';
import type { UnwrapResult } from './wrap.js';

/** RFC 1964 1.2.1 / 1.2.2 TOK_ID values (MIT KG_TOK_MIC_MSG, KG_TOK_WRAP_MSG). */
const TOK_ID_MIC = 0x0101;
const TOK_ID_WRAP = 0x0201;
/** RFC 4757 section 7.1/7.2, little-endian on the wire (11 00, 10 00). */
const SGN_ALG_HMAC_MD5 = 0x0011;
const SEAL_ALG_RC4 = 0x0010;
const SEAL_ALG_NONE = 0xffff;
/** TOK_ID | SGN_ALG | SEAL_ALG | Filler | SND_SEQ | SGN_CKSUM. */
const HEADER_BYTES = 24;
const CKSUM_AT = 16;
const CKSUM_BYTES = 8;
const CONFOUNDER_BYTES = 8;
/** MIT: usage 15 for a MIC, KG_USAGE_SIGN (23, RC4's 13) for a Wrap token. */
const USAGE_MIC = 15;
const USAGE_WRAP = 23;

/** Whether a context's tokens are RFC 4757 ones: its key is arcfour-hmac (MIT's proto 0). */
export function usesRfc1964Tokens(ctx: ContextState): boolean {
  return (ctx.acceptorSubkey ?? ctx.subkey).enctype === 23;
}

function tokenKey(ctx: ContextState): Key {
  return ctx.acceptorSubkey ?? ctx.subkey;
}

function bigEndian32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** The 32-bit send number, advanced modulo 2^32 as MIT's seqnum. */
function takeSendSeq(ctx: ContextState): number {
  const seq = Number(BigInt.asUintN(32, ctx.sendSeq));
  ctx.sendSeq = BigInt((seq + 1) >>> 0);
  return seq;
}

/** The 8 header bytes from TOK_ID, as checksummed. */
function header8(tokId: number, sealAlg: number): Uint8Array {
  return Uint8Array.of(
    tokId >>> 8,
    tokId & 0xff,
    SGN_ALG_HMAC_MD5,
    0,
    sealAlg & 0xff,
    sealAlg >>> 8,
    0xff,
    0xff,
  );
}

/** The keystream XOR of RFC 4757 7.3 for a sealed message: key ^ 0xF0, kd-data the seqnum. */
function sealCrypt(key: Key, seq: number, data: Uint8Array): Uint8Array {
  const klocal = key.keyvalue.map((b) => b ^ 0xf0);
  const out = arcfourGssCrypt(klocal, 0, bigEndian32(seq), data);
  klocal.fill(0);
  return out;
}

/** Writes the token body: header, checksum and encrypted SND_SEQ, and frames it. */
function finish(
  ctx: ContextState,
  head: Uint8Array,
  payload: Uint8Array,
  signed: Uint8Array[],
  usage: number,
): Uint8Array {
  const key = tokenKey(ctx);
  const body = new Uint8Array(HEADER_BYTES + payload.length);
  body.set(head, 0);
  body.set(sgnCksum(key, usage, signed), CKSUM_AT);
  const seq = takeSendSeq(ctx);
  const dir = ctx.locallyInitiated ? 0 : 0xff;
  const plainSeq = Uint8Array.of(...bigEndian32(seq), dir, dir, dir, dir);
  body.set(arcfourGssCrypt(key.keyvalue, 0, body.subarray(CKSUM_AT, CKSUM_AT + CKSUM_BYTES), plainSeq), 8);
  body.set(payload, HEADER_BYTES);
  return wrapInitialContextToken(-1, body);
}

/** SGN_CKSUM: the first 8 bytes of hmac-md5-rc4 (MIT keeps cksum_size 8 of its 16). */
function sgnCksum(key: Key, usage: number, signed: readonly Uint8Array[]): Uint8Array {
  return makeChecksumParts(key, usage, signed).subarray(0, CKSUM_BYTES);
}

/** Whether the token's SGN_CKSUM is right, compared in constant time. */
function cksumOk(ctx: ContextState, usage: number, body: Uint8Array, signed: readonly Uint8Array[]): boolean {
  return constantTimeEqual(
    sgnCksum(tokenKey(ctx), usage, signed),
    body.subarray(CKSUM_AT, CKSUM_AT + CKSUM_BYTES),
  );
}

/** GSS_GetMIC for an RC4 context. */
export function getMicRfc1964(ctx: ContextState, message: Uint8Array, qop = 0): Uint8Array {
  checkQop(qop);
  const head = header8(TOK_ID_MIC, SEAL_ALG_NONE);
  return finish(ctx, head, new Uint8Array(0), [head, message], USAGE_MIC);
}

/** GSS_Wrap for an RC4 context: confounder | message | 0x01, encrypted when `confidential`. */
export function wrapRfc1964(
  ctx: ContextState,
  message: Uint8Array,
  confidential: boolean,
  qop = 0,
): Uint8Array {
  checkQop(qop);
  const head = header8(TOK_ID_WRAP, confidential ? SEAL_ALG_RC4 : SEAL_ALG_NONE);
  const plain = new Uint8Array(CONFOUNDER_BYTES + message.length + 1);
  plain.set(randomBytes(CONFOUNDER_BYTES), 0);
  plain.set(message, CONFOUNDER_BYTES);
  plain[plain.length - 1] = 1;
  const seq = Number(BigInt.asUintN(32, ctx.sendSeq));
  const payload = confidential ? sealCrypt(tokenKey(ctx), seq, plain) : plain;
  const token = finish(ctx, head, payload, [head, plain], USAGE_WRAP);
  plain.fill(0);
  return token;
}

interface Opened {
  readonly body: Uint8Array;
  readonly seq: number;
  /** The direction byte of SND_SEQ, checked only after the checksum (MIT's order). */
  readonly direction: number;
}

function defective(minor = 0): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, minor);
}

/**
 * The framing and header checks of unwrap_v1 / kg_verify_mic_v1, then SND_SEQ decrypted under
 * the checksum (KG_BAD_SEQ when its direction bytes disagree).
 */
function open(ctx: ContextState, input: Uint8Array, tokId: number): Opened {
  if (input.length === 0) throw new GssError(GSS_S_CALL_INACCESSIBLE_READ, 0, 'empty token');
  const framed = verifyTokenHeader(input, KRB5_MECH_OID_BYTES, -1, true);
  if (!framed.ok) throw defective(framed.minor);
  const body = framed.body;
  if (body.length < HEADER_BYTES) throw defective();
  if (((body[0] << 8) | body[1]) !== tokId) throw defective();
  if ((body[2] | (body[3] << 8)) !== SGN_ALG_HMAC_MD5) throw defective();
  const sealAlg = body[4] | (body[5] << 8);
  if (tokId === TOK_ID_MIC ? sealAlg !== 0xffff : sealAlg !== SEAL_ALG_NONE && sealAlg !== SEAL_ALG_RC4) {
    throw defective();
  }
  if (body[6] !== 0xff || body[7] !== 0xff) throw defective();
  const key = tokenKey(ctx);
  const plainSeq = arcfourGssCrypt(
    key.keyvalue,
    0,
    body.subarray(CKSUM_AT, CKSUM_AT + CKSUM_BYTES),
    body.subarray(8, 16),
  );
  if (plainSeq[4] !== plainSeq[5] || plainSeq[4] !== plainSeq[6] || plainSeq[4] !== plainSeq[7]) {
    throw new GssError(GSS_S_BAD_SIG, MINOR.KG_BAD_SEQ);
  }
  const seq = ((plainSeq[0] << 24) | (plainSeq[1] << 16) | (plainSeq[2] << 8) | plainSeq[3]) >>> 0;
  return { body, seq, direction: plainSeq[4] };
}

/** RFC 4757 7.1: a token must come from the peer (0 from the initiator, 0xFF from the acceptor). */
function checkDirection(ctx: ContextState, direction: number): void {
  if (direction !== (ctx.locallyInitiated ? 0xff : 0))
    throw new GssError(GSS_S_BAD_SIG, MINOR.G_BAD_DIRECTION);
}

/** GSS_VerifyMIC for an RC4 context: supplementary status bits, as verifyMic. */
export function verifyMicRfc1964(ctx: ContextState, message: Uint8Array, token: Uint8Array): number {
  const { body, seq, direction } = open(ctx, token, TOK_ID_MIC);
  if (body.length !== HEADER_BYTES) throw defective();
  if (!cksumOk(ctx, USAGE_MIC, body, [body.subarray(0, 8), message])) {
    throw new GssError(GSS_S_BAD_SIG, 0);
  }
  checkDirection(ctx, direction);
  return checkSeqState(ctx.recv, BigInt(seq));
}

/**
 * GSS_Unwrap for an RC4 context. As MIT, a bad pad length is reported as a bad checksum (no
 * padding oracle): the pad byte is only trusted once the checksum over it is verified.
 */
export function unwrapRfc1964(ctx: ContextState, token: Uint8Array): UnwrapResult {
  const { body, seq, direction } = open(ctx, token, TOK_ID_WRAP);
  if (body.length < HEADER_BYTES + CONFOUNDER_BYTES + 1) throw defective();
  const confidential = (body[4] | (body[5] << 8)) === SEAL_ALG_RC4;
  const sent = body.subarray(HEADER_BYTES);
  const plain = confidential ? sealCrypt(tokenKey(ctx), seq, sent) : sent.slice();
  let pad = plain[plain.length - 1];
  let badPad = false;
  if (plain.length - CONFOUNDER_BYTES < pad) {
    pad = 0;
    badPad = true;
  }
  const good = cksumOk(ctx, USAGE_WRAP, body, [body.subarray(0, 8), plain]);
  if (!good || badPad) {
    plain.fill(0);
    throw new GssError(GSS_S_BAD_SIG, 0);
  }
  checkDirection(ctx, direction);
  const message = plain.slice(CONFOUNDER_BYTES, plain.length - pad);
  plain.fill(0);
  return { message, confidential, supplementary: checkSeqState(ctx.recv, BigInt(seq)) };
}

/** The length of a framed token whose body (from TOK_ID on) is `n` bytes. */
function framedLength(n: number): number {
  const inner = 2 + KRB5_MECH_OID_BYTES.length + n;
  const lengthBytes = inner < 0x80 ? 1 : inner < 0x100 ? 2 : inner < 0x10000 ? 3 : inner < 0x1000000 ? 4 : 5;
  return 1 + lengthBytes + inner;
}

/**
 * GSS_Wrap_size_limit for an RC4 context: the largest message whose token (framing, 24-byte
 * header, confounder, message, one pad byte) fits in `outputSize`; 0 when none does.
 */
export function wrapSizeLimitRfc1964(outputSize: number, qop = 0): number {
  checkQop(qop);
  let best = 0;
  // The DER length takes 1 to 5 bytes: try each and keep the largest body that fits.
  for (let lengthBytes = 1; lengthBytes <= 5; lengthBytes++) {
    const n = outputSize - 1 - lengthBytes - 2 - KRB5_MECH_OID_BYTES.length;
    if (n >= 0 && framedLength(n) <= outputSize) best = Math.max(best, n);
  }
  return Math.max(0, best - HEADER_BYTES - CONFOUNDER_BYTES - 1);
}
