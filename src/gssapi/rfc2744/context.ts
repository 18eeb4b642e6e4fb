/**
 * RFC 2744 5.1, 5.9, 5.19, 5.14, 5.33, 5.5, 5.7: establishing, inquiring, deleting, exporting
 * and importing security contexts. Argument checks follow MIT's mechglue
 * (g_init_sec_context.c, g_accept_sec_context.c, g_delete_sec_context.c, g_exp_sec_context.c,
 * g_imp_sec_context.c, g_inq_context.c, g_context_time.c).
 */

import {
  GSS_S_BAD_MECH,
  GSS_S_BAD_NAME,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_CALL_INACCESSIBLE_WRITE,
  GSS_S_COMPLETE,
  GSS_S_CONTEXT_EXPIRED,
  GSS_S_CONTINUE_NEEDED,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_NO_CONTEXT,
  GSS_S_NO_CRED,
  GssError,
} from '../../errors/status.js';
import { SecurityContext } from '../context/context.js';
import { type ExportOptions, importSecContext } from '../context/export.js';
import { Credentials } from '../creds/creds.js';
import { GSS_C_DELEG_FLAG, GSS_C_MUTUAL_FLAG, GSS_C_REPLAY_FLAG, GSS_C_SEQUENCE_FLAG } from '../flags.js';
import { Name } from '../names/names.js';
import {
  bufferBytes,
  guard,
  guardAsync,
  isBuffer,
  type MinorBox,
  put,
  resetBuffer,
  setBuffer,
} from './guard.js';
import {
  type Box,
  GSS_MECH_KRB5_OID,
  GSS_MECH_SPNEGO_OID,
  type GssBuffer,
  type GssChannelBindings,
  type GssCredId,
  type GssCtxId,
  type GssName,
  type GssOid,
} from './types.js';

/**
 * A context handle passed by value: GSS_C_NO_CONTEXT is MIT's CALL_INACCESSIBLE_READ |
 * NO_CONTEXT; something that is not a context is NO_CONTEXT.
 */
export function liveHandle(ctx: GssCtxId | undefined): SecurityContext {
  if (ctx === null || ctx === undefined)
    throw new GssError(GSS_S_CALL_INACCESSIBLE_READ | GSS_S_NO_CONTEXT, 0, 'GSS_C_NO_CONTEXT');
  if (!(ctx instanceof SecurityContext)) throw new GssError(GSS_S_NO_CONTEXT, 0, 'not a context handle');
  return ctx;
}

function credHandle(cred: GssCredId | undefined): Credentials | undefined {
  if (cred === null || cred === undefined) return undefined;
  if (!(cred instanceof Credentials)) throw new GssError(GSS_S_NO_CRED, 0, 'not a credential handle');
  return cred;
}

function inputToken(b: GssBuffer | undefined): Uint8Array | undefined {
  if (!isBuffer(b)) return undefined;
  const bytes = bufferBytes(b);
  return bytes.length === 0 ? undefined : bytes;
}

/**
 * gss_init_sec_context (RFC 2743 2.2.1; RFC 2744): one initiator step. With `contextHandle.value`
 * GSS_C_NO_CONTEXT it makes the context and returns the AP-REQ in `outputToken`; later calls take
 * the acceptor's token. Resolves to GSS_S_CONTINUE_NEEDED until established, then GSS_S_COMPLETE;
 * argument checks and status codes as MIT's mechglue.
 */
export function gss_init_sec_context(
  minor: MinorBox,
  initiatorCredHandle: GssCredId,
  contextHandle: Box<GssCtxId> | null,
  targetName: GssName,
  mechType: GssOid,
  reqFlags: number,
  timeReq: number,
  inputChanBindings: GssChannelBindings,
  inputTokenBuffer: GssBuffer,
  actualMechType: Box<GssOid> | null,
  outputToken: GssBuffer,
  retFlags: Box<number> | null,
  timeRec: Box<number> | null,
): Promise<number> {
  put(actualMechType, null);
  resetBuffer(outputToken);
  put(retFlags, 0);
  put(timeRec, 0);
  return guardAsync(minor, async () => {
    if (!contextHandle) return GSS_S_CALL_INACCESSIBLE_WRITE | GSS_S_NO_CONTEXT;
    if (!(targetName instanceof Name)) return GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME;
    if (!outputToken) return GSS_S_CALL_INACCESSIBLE_WRITE;
    const spnego = mechType === GSS_MECH_SPNEGO_OID;
    if (mechType !== null && mechType !== undefined && mechType !== GSS_MECH_KRB5_OID && !spnego)
      return GSS_S_BAD_MECH;
    const existing = contextHandle.value;
    const ctx =
      existing === null
        ? SecurityContext.initiate({
            target: targetName,
            mech: spnego ? 'spnego' : 'krb5',
            credentials: credHandle(initiatorCredHandle),
            mutual: (reqFlags & GSS_C_MUTUAL_FLAG) !== 0,
            replayDetection: (reqFlags & GSS_C_REPLAY_FLAG) !== 0,
            sequence: (reqFlags & GSS_C_SEQUENCE_FLAG) !== 0,
            delegate: (reqFlags & GSS_C_DELEG_FLAG) !== 0,
            channelBindings: inputChanBindings ?? undefined,
            lifetime: timeReq >>> 0 === 0xffffffff ? 0 : timeReq,
          })
        : liveHandle(existing);
    // As MIT: a context created by a failing call is freed, and the handle stays NO_CONTEXT.
    const token = await ctx.step(existing === null ? undefined : inputToken(inputTokenBuffer));
    contextHandle.value = ctx;
    if (token) setBuffer(outputToken, token);
    put(actualMechType, GSS_MECH_KRB5_OID);
    put(retFlags, ctx.flags);
    if (!ctx.isEstablished) return GSS_S_CONTINUE_NEEDED;
    put(timeRec, ctx.lifetime);
    return GSS_S_COMPLETE;
  });
}

/**
 * gss_accept_sec_context (RFC 2743 2.2.2; RFC 2744): the acceptor's step on the initiator's token;
 * `outputToken` receives the AP-REP (mutual authentication) or, on failure, the KRB-ERROR token MIT
 * sends back. `delegatedCredHandle` receives forwarded credentials.
 */
export function gss_accept_sec_context(
  minor: MinorBox,
  contextHandle: Box<GssCtxId> | null,
  acceptorCredHandle: GssCredId,
  inputTokenBuffer: GssBuffer,
  inputChanBindings: GssChannelBindings,
  srcName: Box<GssName> | null,
  mechType: Box<GssOid> | null,
  outputToken: GssBuffer,
  retFlags: Box<number> | null,
  timeRec: Box<number> | null,
  delegatedCredHandle: Box<GssCredId> | null,
): Promise<number> {
  put(srcName, null);
  put(mechType, null);
  resetBuffer(outputToken);
  put(retFlags, 0);
  put(timeRec, 0);
  put(delegatedCredHandle, null);
  return guardAsync(minor, async () => {
    if (!contextHandle) return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (!isBuffer(inputTokenBuffer)) return GSS_S_CALL_INACCESSIBLE_READ;
    if (!outputToken) return GSS_S_CALL_INACCESSIBLE_WRITE;
    const existing = contextHandle.value;
    const ctx =
      existing === null
        ? SecurityContext.accept({
            credentials: credHandle(acceptorCredHandle),
            channelBindings: inputChanBindings ?? undefined,
          })
        : liveHandle(existing);
    let token: Uint8Array | undefined;
    try {
      token = await ctx.step(bufferBytes(inputTokenBuffer));
    } catch (e) {
      // The KRB-ERROR token MIT hands back with the failure, for the caller to send.
      if (ctx.errorToken) setBuffer(outputToken, ctx.errorToken);
      throw e;
    }
    contextHandle.value = ctx;
    if (token) setBuffer(outputToken, token);
    put(srcName, ctx.initiatorName);
    put(mechType, GSS_MECH_KRB5_OID);
    put(retFlags, ctx.flags);
    put(timeRec, ctx.lifetime);
    put(delegatedCredHandle, ctx.delegatedCredentials ?? null);
    return GSS_S_COMPLETE;
  });
}

/** RFC 2744 5.9: the handle becomes GSS_C_NO_CONTEXT; no output token is ever produced (RFC 4121). */
export function gss_delete_sec_context(
  minor: MinorBox,
  contextHandle: Box<GssCtxId> | null,
  outputToken: GssBuffer = null,
): number {
  resetBuffer(outputToken);
  return guard(minor, () => {
    if (!contextHandle || contextHandle.value === null)
      return GSS_S_CALL_INACCESSIBLE_WRITE | GSS_S_NO_CONTEXT;
    const ctx = contextHandle.value;
    if (!(ctx instanceof SecurityContext)) return GSS_S_NO_CONTEXT;
    ctx.delete();
    contextHandle.value = null;
    return GSS_S_COMPLETE;
  });
}

/**
 * RFC 2744 5.14 and the seed page: on success the token is in `interprocessToken` and the handle
 * is GSS_C_NO_CONTEXT; on failure the handle and the context are unchanged. `options.key` (our
 * extension) seals the token with AES-256-GCM (docs/export-token.md).
 */
export function gss_export_sec_context(
  minor: MinorBox,
  contextHandle: Box<GssCtxId> | null,
  interprocessToken: GssBuffer,
  options: ExportOptions = {},
): number {
  resetBuffer(interprocessToken);
  return guard(minor, () => {
    if (!contextHandle || contextHandle.value === null)
      return GSS_S_CALL_INACCESSIBLE_READ | GSS_S_NO_CONTEXT;
    if (!interprocessToken) return GSS_S_CALL_INACCESSIBLE_WRITE;
    const token = liveHandle(contextHandle.value).export(options);
    setBuffer(interprocessToken, token);
    contextHandle.value = null;
    return GSS_S_COMPLETE;
  });
}

/** RFC 2744 5.19: the handle is GSS_C_NO_CONTEXT unless the import succeeds. */
export function gss_import_sec_context(
  minor: MinorBox,
  interprocessToken: GssBuffer,
  contextHandle: Box<GssCtxId> | null,
  options: ExportOptions = {},
): number {
  put(contextHandle, null);
  return guard(minor, () => {
    if (!contextHandle) return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (!isBuffer(interprocessToken) || bufferBytes(interprocessToken).length === 0)
      return GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN;
    contextHandle.value = importSecContext(bufferBytes(interprocessToken), options);
    return GSS_S_COMPLETE;
  });
}

/**
 * RFC 2744 5.33. As MIT: a partially established context reports its flags, locally_initiated
 * and open, with no names and a lifetime of 0; an established one whose lifetime is over gives
 * GSS_S_CONTEXT_EXPIRED with every output filled in.
 */
export function gss_inquire_context(
  minor: MinorBox,
  contextHandle: GssCtxId,
  srcName: Box<GssName> | null = null,
  targName: Box<GssName> | null = null,
  lifetimeRec: Box<number> | null = null,
  mechType: Box<GssOid> | null = null,
  ctxFlags: Box<number> | null = null,
  locallyInitiated: Box<number> | null = null,
  open: Box<number> | null = null,
): number {
  put(srcName, null);
  put(targName, null);
  put(mechType, null);
  return guard(minor, () => {
    const ctx = liveHandle(contextHandle);
    const flags = ctx.flags;
    const established = ctx.isEstablished;
    const lifetime = established ? ctx.lifetime : 0;
    if (established) {
      put(srcName, ctx.initiatorName);
      put(targName, ctx.acceptorName);
    }
    put(lifetimeRec, lifetime);
    put(mechType, GSS_MECH_KRB5_OID);
    put(ctxFlags, flags);
    put(locallyInitiated, ctx.locallyInitiated ? 1 : 0);
    put(open, established ? 1 : 0);
    return established && lifetime === 0 ? GSS_S_CONTEXT_EXPIRED : GSS_S_COMPLETE;
  });
}

/**
 * gss_context_time (RFC 2743 2.2.5; RFC 2744): seconds the context remains valid in `timeRec`;
 * GSS_S_CONTEXT_EXPIRED when none.
 */
export function gss_context_time(
  minor: MinorBox,
  contextHandle: GssCtxId,
  timeRec: Box<number> | null,
): number {
  put(timeRec, 0);
  return guard(minor, () => {
    if (!timeRec) return GSS_S_CALL_INACCESSIBLE_WRITE;
    timeRec.value = liveHandle(contextHandle).contextTime();
    return GSS_S_COMPLETE;
  });
}
