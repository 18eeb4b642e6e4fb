/**
 * RFC 4121 4.2.6.2 Wrap tokens (GSS_Wrap / GSS_Unwrap) and GSS_Wrap_size_limit, as MIT krb5 1.20
 * makes and checks them (src/lib/gssapi/krb5/k5sealv3.c, wrap_size_limit.c), with the
 * CVE-2024-37370/37371 checks of later MIT releases (the EC of the encrypted header copy, and
 * a plaintext too short for it).
 *
 * Sent as MIT sends them: EC = 0 and RRC = 0 with confidentiality (Sealed), and without it
 * EC = the checksum length, RRC = 0. Received with any RRC (RFC 4121 4.2.5).
 */
import {
  checkChecksumAt,
  decryptWithConfounder,
  encryptedLength,
  encryptParts,
  getProfile,
  makeChecksumInto,
} from '../../../../crypto/index.js';
import { MINOR } from '../../../../errors/minor.js';
import { GSS_S_BAD_SIG, GSS_S_DEFECTIVE_TOKEN, GssError, isGssError } from '../../../../errors/status.js';
import { wireBytes } from '../../../../util/bytes.js';
import type { ContextState } from '../context-state.js';
import {
  checkQop,
  copyHeader,
  FLAG_SEALED,
  HEADER_BYTES,
  nextSendSeq,
  openToken,
  receiveUsage,
  rotateLeft,
  sendFlags,
  sendKey,
  sendUsage,
  TOK_ID_WRAP,
  writeHeader,
} from './cfx.js';
import { unwrapRfc1964, usesRfc1964Tokens, wrapRfc1964, wrapSizeLimitRfc1964 } from './rfc1964.js';
import { checkSeqState } from './seqstate.js';

/**
 * The outputs of GSS_Unwrap (RFC 2743 2.3.4; MIT's gss_unwrap): the message, conf_state and the
 * supplementary status.
 */
export interface UnwrapResult {
  /** The message the peer wrapped. */
  message: Uint8Array;
  /** True when the token was encrypted (conf_state), false for an integrity-only Wrap token. */
  confidential: boolean;
  /** Supplementary status bits: 0, or DUPLICATE/OLD/UNSEQ/GAP (RFC 2744 3.9.1). */
  supplementary: number;
}

/**
 * The header as encrypted or checksummed, before it is copied into the token: one array for
 * every call (each is synchronous) instead of a new one per token.
 */
const header = new Uint8Array(HEADER_BYTES);

/** GSS_Wrap: a Wrap token carrying `message`, encrypted when `confidential`. Advances ctx.sendSeq. */
export function wrap(ctx: ContextState, message: Uint8Array, confidential: boolean, qop = 0): Uint8Array {
  if (usesRfc1964Tokens(ctx)) return wrapRfc1964(ctx, message, confidential, qop);
  checkQop(qop);
  const key = sendKey(ctx);
  const seq = ctx.sendSeq;
  let token: Uint8Array;
  if (confidential) {
    // RFC 4121 4.2.4: encrypt message | filler (EC = 0 here) | header, header sent in clear.
    writeHeader(header, TOK_ID_WRAP, sendFlags(ctx) | FLAG_SEALED, 0, 0, seq);
    token = encryptParts(key, sendUsage(ctx, true), [message, header], HEADER_BYTES);
    copyHeader(header, token);
  } else {
    // The checksum covers message | header with EC and RRC 0; EC then carries its length.
    const flags = sendFlags(ctx);
    const cksum = getProfile(key.enctype).checksumBytes;
    writeHeader(header, TOK_ID_WRAP, flags, 0, 0, seq);
    token = wireBytes(HEADER_BYTES + message.length + cksum);
    copyHeader(header, token);
    token[4] = cksum >>> 8;
    token[5] = cksum & 0xff;
    token.set(message, HEADER_BYTES);
    makeChecksumInto(key, sendUsage(ctx, true), [message, header], token, HEADER_BYTES + message.length);
  }
  nextSendSeq(ctx);
  return token;
}

function defective(): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, 0);
}

/**
 * GSS_Unwrap. Checks in MIT's order: framing, direction, key selection, TOK_ID and filler, RRC
 * rotation, decryption or checksum, the encrypted header copy, and the sequence state last.
 * Throws GssError: DEFECTIVE_TOKEN (bad structure), BAD_SIG (wrong direction G_BAD_DIRECTION,
 * failed decryption KRB5KRB_AP_ERR_BAD_INTEGRITY, short ciphertext KRB5_BAD_MSIZE, bad checksum 0).
 */
export function unwrap(ctx: ContextState, input: Uint8Array): UnwrapResult {
  if (usesRfc1964Tokens(ctx)) return unwrapRfc1964(ctx, input);
  const t = openToken(ctx, input, TOK_ID_WRAP);
  const token = t.token;
  const ec = (token[4] << 8) | token[5];
  const rrc = (token[6] << 8) | token[7];
  let message: Uint8Array;
  const confidential = (t.flags & FLAG_SEALED) !== 0;
  if (confidential) {
    const usage = receiveUsage(ctx, true);
    const p = getProfile(t.key.enctype);
    if (token.length - HEADER_BYTES < p.confounderBytes + p.macBytes) {
      throw new GssError(GSS_S_BAD_SIG, MINOR.KRB5_BAD_MSIZE);
    }
    // The ciphertext from byte 16 of the token, or of its rotation (RRC, RFC 4121 4.2.5).
    const src = rrc === 0 ? token : rotatedBody(token, rrc);
    // confounder | message | filler (EC) | header copy
    let whole: Uint8Array;
    try {
      whole = decryptWithConfounder(t.key, usage, src, HEADER_BYTES);
    } catch (e) {
      if (!isGssError(e)) throw e;
      throw new GssError(GSS_S_BAD_SIG, e.minor, undefined, { cause: e });
    }
    const conf = p.confounderBytes;
    if (whole.length - conf < HEADER_BYTES + ec) throw defective();
    // RFC 4121 4.2.4: the encrypted copy of the header must match the one sent in clear (its
    // RRC excepted: the sender rotates after encrypting). Compared where both lie, no views.
    const copyAt = whole.length - HEADER_BYTES;
    for (let i = 0; i < HEADER_BYTES; i++) {
      if (i !== 6 && i !== 7 && whole[copyAt + i] !== token[i]) throw defective();
    }
    // One plain view: the decrypted buffer is ours alone, no need to copy the message out of it.
    message = new Uint8Array(whole.buffer, whole.byteOffset + conf, whole.length - conf - ec - HEADER_BYTES);
  } else {
    // No confidentiality: data = message | checksum, EC = the checksum length.
    const data = rotateLeft(token.subarray(HEADER_BYTES), rrc);
    if (ec + HEADER_BYTES > token.length) throw defective();
    if (ec !== getProfile(t.key.enctype).checksumBytes) throw new GssError(GSS_S_BAD_SIG, 0);
    const msgLen = data.length - ec;
    copyHeader(token, header);
    header.fill(0, 4, 8); // checksummed with EC and RRC 0
    const sent = data.subarray(0, msgLen);
    if (!checkChecksumAt(t.key, receiveUsage(ctx, true), [sent, header], data, msgLen)) {
      throw new GssError(GSS_S_BAD_SIG, 0);
    }
    message = wireBytes(msgLen); // a copy: the caller may reuse its token buffer
    message.set(sent, 0);
  }
  const supplementary = checkSeqState(ctx.recv, t.seqnum);
  return { message, confidential, supplementary };
}

/** The token with its body (after the 16-byte header) rotated left by `rrc`, in a new array. */
function rotatedBody(token: Uint8Array, rrc: number): Uint8Array {
  const out = new Uint8Array(token.length);
  out.set(token.subarray(0, HEADER_BYTES), 0);
  out.set(rotateLeft(token.subarray(HEADER_BYTES), rrc), HEADER_BYTES);
  return out;
}

/**
 * GSS_Wrap_size_limit as MIT computes it for RFC 4121 contexts: the largest message whose token
 * fits in `outputSize` octets (0 when none does).
 */
export function wrapSizeLimit(ctx: ContextState, confidential: boolean, outputSize: number, qop = 0): number {
  checkQop(qop);
  if (!Number.isInteger(outputSize) || outputSize < 0 || outputSize > 0xffffffff) {
    throw new RangeError('outputSize must be an unsigned 32-bit integer');
  }
  if (usesRfc1964Tokens(ctx)) return wrapSizeLimitRfc1964(outputSize, qop);
  const key = sendKey(ctx);
  if (confidential) {
    // Header in clear, then encrypt(message | header copy): the token is 16 + E(n + 16).
    const overhead = encryptedLength(key.enctype, 0);
    const sz = Math.max(0, outputSize - HEADER_BYTES - overhead);
    return sz > HEADER_BYTES ? sz - HEADER_BYTES : 0;
  }
  const cksum = getProfile(key.enctype).checksumBytes;
  return outputSize < HEADER_BYTES + cksum ? 0 : outputSize - HEADER_BYTES - cksum;
}
