/**
 * RFC 4121 4.2.6.1 MIC tokens (GSS_GetMIC / GSS_VerifyMIC), as MIT krb5 1.20 makes and checks
 * them (src/lib/gssapi/krb5/k5sealv3.c): the checksum covers the message then the 16-octet
 * header, whose EC and RRC are 0xFFFF.
 */
import { checkChecksumAt, getProfile, makeChecksumInto } from '../../../../crypto/index.js';
import { MINOR } from '../../../../errors/minor.js';
import { GSS_S_BAD_SIG, GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../../errors/status.js';
import type { ContextState } from '../context-state.js';
import {
  checkQop,
  copyHeader,
  HEADER_BYTES,
  nextSendSeq,
  openToken,
  receiveUsage,
  sendFlags,
  sendKey,
  sendUsage,
  TOK_ID_MIC,
  writeHeader,
} from './cfx.js';
import { getMicRfc1964, usesRfc1964Tokens, verifyMicRfc1964 } from './rfc1964.js';
import { checkSeqState } from './seqstate.js';

/**
 * The header as checksummed, copied out of the token: the MAC reads it from here rather than
 * from a view of the token (a view of a small on-heap array moves it off the heap). Only used
 * within one synchronous call.
 */
const signedHeader = new Uint8Array(HEADER_BYTES);

/** GSS_GetMIC: a MIC token for `message`. Advances ctx.sendSeq. */
export function getMic(ctx: ContextState, message: Uint8Array, qop = 0): Uint8Array {
  if (usesRfc1964Tokens(ctx)) return getMicRfc1964(ctx, message, qop);
  checkQop(qop);
  const key = sendKey(ctx);
  // 28 to 40 bytes: on V8's heap, the checksum written in place after the header.
  const token = new Uint8Array(HEADER_BYTES + getProfile(key.enctype).checksumBytes);
  writeHeader(token, TOK_ID_MIC, sendFlags(ctx), 0xffff, 0xffff, ctx.sendSeq);
  copyHeader(token, signedHeader);
  makeChecksumInto(key, sendUsage(ctx, false), [message, signedHeader], token, HEADER_BYTES);
  nextSendSeq(ctx);
  return token;
}

/**
 * GSS_VerifyMIC: returns the supplementary status bits (0, or DUPLICATE/OLD/UNSEQ/GAP) and
 * records the token in ctx.recv. Throws GssError: DEFECTIVE_TOKEN for a malformed token,
 * BAD_SIG for a wrong direction (G_BAD_DIRECTION), a checksum of the wrong length
 * (KRB5_BAD_MSIZE) or a wrong checksum (minor 0, as MIT).
 */
export function verifyMic(ctx: ContextState, message: Uint8Array, token: Uint8Array): number {
  if (usesRfc1964Tokens(ctx)) return verifyMicRfc1964(ctx, message, token);
  const t = openToken(ctx, token, TOK_ID_MIC);
  const body = t.token;
  for (let i = 4; i < 8; i++) if (body[i] !== 0xff) throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0);
  const checksumBytes = body.length - HEADER_BYTES;
  if (checksumBytes !== getProfile(t.key.enctype).checksumBytes) {
    throw new GssError(GSS_S_BAD_SIG, MINOR.KRB5_BAD_MSIZE);
  }
  copyHeader(body, signedHeader);
  if (!checkChecksumAt(t.key, receiveUsage(ctx, false), [message, signedHeader], body, HEADER_BYTES)) {
    throw new GssError(GSS_S_BAD_SIG, 0);
  }
  return checkSeqState(ctx.recv, t.seqnum);
}
