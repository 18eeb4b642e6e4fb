/**
 * RFC 2744 5.15, 5.31, 5.13, 5.32, 5.34: per-message calls. Argument checks follow MIT's
 * mechglue (g_seal.c, g_unseal.c, g_sign.c, g_verify.c): GSS_C_NO_CONTEXT is
 * CALL_INACCESSIBLE_READ | NO_CONTEXT, a missing input buffer CALL_INACCESSIBLE_READ, a missing
 * output CALL_INACCESSIBLE_WRITE. Supplementary bits (DUPLICATE_TOKEN, GAP_TOKEN, ...) are
 * returned in the major status, as in C.
 */
import {
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_CALL_INACCESSIBLE_WRITE,
  GSS_S_COMPLETE,
} from '../../errors/status.js';
import { liveHandle } from './context.js';
import { bufferBytes, guard, isBuffer, type MinorBox, put, resetBuffer, setBuffer } from './guard.js';
import type { Box, GssBuffer, GssCtxId } from './types.js';

/**
 * gss_wrap (RFC 2743 2.3.3; RFC 2744): a Wrap token in `outputMessageBuffer`, encrypted when
 * `confReqFlag` is set; `confState` says whether it was.
 */
export function gss_wrap(
  minor: MinorBox,
  contextHandle: GssCtxId,
  confReqFlag: number | boolean,
  qopReq: number,
  inputMessageBuffer: GssBuffer,
  confState: Box<number> | null,
  outputMessageBuffer: GssBuffer,
): number {
  resetBuffer(outputMessageBuffer);
  put(confState, 0);
  return guard(minor, () => {
    const ctx = liveHandle(contextHandle);
    if (!isBuffer(inputMessageBuffer)) return GSS_S_CALL_INACCESSIBLE_READ;
    if (!outputMessageBuffer) return GSS_S_CALL_INACCESSIBLE_WRITE;
    const confidential = Boolean(confReqFlag);
    const token = ctx.wrap(bufferBytes(inputMessageBuffer), { confidential, qop: qopReq });
    setBuffer(outputMessageBuffer, token);
    put(confState, confidential ? 1 : 0);
    return GSS_S_COMPLETE;
  });
}

/**
 * gss_unwrap (RFC 2743 2.3.4; RFC 2744): the message of a Wrap token in `outputMessageBuffer`;
 * supplementary bits (GSS_S_DUPLICATE_TOKEN and the rest) come back in the returned major status,
 * as in C.
 */
export function gss_unwrap(
  minor: MinorBox,
  contextHandle: GssCtxId,
  inputMessageBuffer: GssBuffer,
  outputMessageBuffer: GssBuffer,
  confState: Box<number> | null = null,
  qopState: Box<number> | null = null,
): number {
  resetBuffer(outputMessageBuffer);
  put(confState, 0);
  put(qopState, 0);
  return guard(minor, () => {
    const ctx = liveHandle(contextHandle);
    if (!isBuffer(inputMessageBuffer) || bufferBytes(inputMessageBuffer).length === 0)
      return GSS_S_CALL_INACCESSIBLE_READ;
    if (!outputMessageBuffer) return GSS_S_CALL_INACCESSIBLE_WRITE;
    const r = ctx.unwrap(bufferBytes(inputMessageBuffer));
    setBuffer(outputMessageBuffer, r.message);
    put(confState, r.confidential ? 1 : 0);
    return r.supplementary;
  });
}

/** gss_get_mic (RFC 2743 2.3.1; RFC 2744): a MIC token over the message in `messageToken`. */
export function gss_get_mic(
  minor: MinorBox,
  contextHandle: GssCtxId,
  qopReq: number,
  messageBuffer: GssBuffer,
  messageToken: GssBuffer,
): number {
  resetBuffer(messageToken);
  return guard(minor, () => {
    const ctx = liveHandle(contextHandle);
    if (!isBuffer(messageBuffer)) return GSS_S_CALL_INACCESSIBLE_READ;
    if (!messageToken) return GSS_S_CALL_INACCESSIBLE_WRITE;
    setBuffer(messageToken, ctx.getMic(bufferBytes(messageBuffer), qopReq));
    return GSS_S_COMPLETE;
  });
}

/**
 * gss_verify_mic (RFC 2743 2.3.2; RFC 2744): checks a MIC token; GSS_S_BAD_SIG when it does not
 * verify, supplementary bits in the returned major status.
 */
export function gss_verify_mic(
  minor: MinorBox,
  contextHandle: GssCtxId,
  messageBuffer: GssBuffer,
  tokenBuffer: GssBuffer,
  qopState: Box<number> | null = null,
): number {
  put(qopState, 0);
  return guard(minor, () => {
    const ctx = liveHandle(contextHandle);
    if (!isBuffer(messageBuffer) || !isBuffer(tokenBuffer) || bufferBytes(tokenBuffer).length === 0)
      return GSS_S_CALL_INACCESSIBLE_READ;
    return ctx.verifyMic(bufferBytes(messageBuffer), bufferBytes(tokenBuffer));
  });
}

/**
 * gss_wrap_size_limit (RFC 2743 2.2.7; RFC 2744): the largest message whose Wrap token fits in
 * `reqOutputSize` bytes, in `maxInputSize`.
 */
export function gss_wrap_size_limit(
  minor: MinorBox,
  contextHandle: GssCtxId,
  confReqFlag: number | boolean,
  qopReq: number,
  reqOutputSize: number,
  maxInputSize: Box<number> | null,
): number {
  return guard(minor, () => {
    const ctx = liveHandle(contextHandle);
    if (!maxInputSize) return GSS_S_CALL_INACCESSIBLE_WRITE;
    maxInputSize.value = ctx.wrapSizeLimit(reqOutputSize >>> 0, {
      confidential: Boolean(confReqFlag),
      qop: qopReq,
    });
    return GSS_S_COMPLETE;
  });
}
