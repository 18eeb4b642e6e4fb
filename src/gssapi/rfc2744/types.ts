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
  value: T;
}

/** gss_buffer_desc: `length` is always `value.length`; gss_release_buffer empties it. */
export interface GssBufferDesc {
  length: number;
  value: Uint8Array;
}

export type GssBuffer = GssBufferDesc | null;
export type GssCtxId = SecurityContext | null;
export type GssCredId = Credentials | null;
export type GssName = Name | null;
/** An OID in dotted form, e.g. '1.2.840.113554.1.2.2'. */
export type GssOid = string | null;
export type GssOidSet = readonly string[] | null;
export type GssChannelBindings = ChannelBindings | null;

export const GSS_C_NO_CONTEXT: GssCtxId = null;
export const GSS_C_NO_CREDENTIAL: GssCredId = null;
export const GSS_C_NO_NAME: GssName = null;
export const GSS_C_NO_BUFFER: GssBuffer = null;
export const GSS_C_NO_OID: GssOid = null;
export const GSS_C_NO_OID_SET: GssOidSet = null;
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
export const GSS_C_BOTH = 0;
export const GSS_C_INITIATE = 1;
export const GSS_C_ACCEPT = 2;
export const GSS_C_GSS_CODE = 1;
export const GSS_C_MECH_CODE = 2;
export const GSS_C_QOP_DEFAULT = 0;

/** The Kerberos V5 mechanism (RFC 1964), MIT's gss_mech_krb5. */
export const GSS_MECH_KRB5_OID = '1.2.840.113554.1.2.2';
/** SPNEGO (RFC 4178), MIT's gss_mech_spnego: Kerberos inside a negotiation. */
export const GSS_MECH_SPNEGO_OID = '1.3.6.1.5.5.2';
