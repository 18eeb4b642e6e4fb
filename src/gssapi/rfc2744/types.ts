/**
 * The C types of RFC 2744 (section 3) as TypeScript values: handles are the idiomatic objects
 * (null is the GSS_C_NO_* value), out-parameters are `{ value }` boxes, buffers are
 * gss_buffer_desc records the call fills in place, OIDs are dotted strings.
 */
import type { ChannelBindings } from '../bindings.js';
import type { SecurityContext } from '../context/context.js';
import type { Credentials } from '../creds/creds.js';
import type { Name } from '../names/names.js';

/** An out-parameter (a C pointer the call writes through). */
export interface Box<T> {
  /**
   * What the call wrote (or, for in-out parameters such as a context handle, what the caller passes
   * in).
   */
  value: T;
}

/** gss_buffer_desc: `length` is always `value.length`; gss_release_buffer empties it. */
export interface GssBufferDesc {
  /**
   * The number of bytes, as C's `length`; an input buffer is read up to `min(length,
   * value.length)`.
   */
  length: number;
  /** The bytes, as C's `value` pointer. */
  value: Uint8Array;
}

/** gss_buffer_t: a buffer record, or null for GSS_C_NO_BUFFER. */
export type GssBuffer = GssBufferDesc | null;
/** gss_ctx_id_t: a `SecurityContext`, or null for GSS_C_NO_CONTEXT. */
export type GssCtxId = SecurityContext | null;
/**
 * gss_cred_id_t: a `Credentials` handle, or null for GSS_C_NO_CREDENTIAL (the default credentials).
 */
export type GssCredId = Credentials | null;
/** gss_name_t: a `Name`, or null for GSS_C_NO_NAME. */
export type GssName = Name | null;
/** An OID in dotted form, e.g. '1.2.840.113554.1.2.2'. */
export type GssOid = string | null;
/** gss_OID_set: OIDs in dotted form, or null for GSS_C_NO_OID_SET (the default mechanisms). */
export type GssOidSet = readonly string[] | null;
/** gss_channel_bindings_t (RFC 2744 3.11), or null for GSS_C_NO_CHANNEL_BINDINGS. */
export type GssChannelBindings = ChannelBindings | null;

/**
 * No context (gssapi.h GSS_C_NO_CONTEXT): what a context handle box holds before the first
 * gss_init_sec_context or gss_accept_sec_context and after delete or export.
 */
export const GSS_C_NO_CONTEXT: GssCtxId = null;
/** No credential handle: the default credentials (KRB5CCNAME, KRB5_KTNAME), as in MIT. */
export const GSS_C_NO_CREDENTIAL: GssCredId = null;
/** No name (gssapi.h GSS_C_NO_NAME), e.g. gss_acquire_cred's default desired name. */
export const GSS_C_NO_NAME: GssName = null;
/** No buffer (gssapi.h GSS_C_NO_BUFFER), e.g. the first input token of gss_init_sec_context. */
export const GSS_C_NO_BUFFER: GssBuffer = null;
/** No OID (gssapi.h GSS_C_NO_OID): the default mechanism or name type. */
export const GSS_C_NO_OID: GssOid = null;
/** No OID set (gssapi.h GSS_C_NO_OID_SET): the default mechanisms. */
export const GSS_C_NO_OID_SET: GssOidSet = null;
/** No channel bindings (gssapi.h GSS_C_NO_CHANNEL_BINDINGS). */
export const GSS_C_NO_CHANNEL_BINDINGS: GssChannelBindings = null;

/** GSS_C_EMPTY_BUFFER: a fresh empty buffer to pass as an output parameter. */
export function gssEmptyBuffer(): GssBufferDesc {
  return { length: 0, value: new Uint8Array(0) };
}

/** An input buffer around `bytes` (not copied). */
export function gssBuffer(bytes: Uint8Array): GssBufferDesc {
  return { length: bytes.length, value: bytes };
}

// RFC 2744 3.9.2 / gssapi.h.
/** cred_usage: credentials to initiate and accept (RFC 2744 3.9.2; gssapi.h value 0). */
export const GSS_C_BOTH = 0;
/** cred_usage: credentials to initiate contexts only (gssapi.h value 1). */
export const GSS_C_INITIATE = 1;
/** cred_usage: credentials to accept contexts only (gssapi.h value 2). */
export const GSS_C_ACCEPT = 2;
/** status_type for gss_display_status: `status_value` is a major status (gssapi.h value 1). */
export const GSS_C_GSS_CODE = 1;
/**
 * status_type for gss_display_status: `status_value` is a minor status, a com_err code (gssapi.h
 * value 2).
 */
export const GSS_C_MECH_CODE = 2;
/** The default quality of protection (gssapi.h value 0), the only one the krb5 mechanism offers. */
export const GSS_C_QOP_DEFAULT = 0;

/** The Kerberos V5 mechanism (RFC 1964), MIT's gss_mech_krb5. */
export const GSS_MECH_KRB5_OID = '1.2.840.113554.1.2.2';
/** SPNEGO (RFC 4178), MIT's gss_mech_spnego: Kerberos inside a negotiation. */
export const GSS_MECH_SPNEGO_OID = '1.3.6.1.5.5.2';
