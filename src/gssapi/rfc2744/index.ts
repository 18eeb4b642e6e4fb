/**
 * `gssapi-ts/rfc2744`: the GSS-API C binding of RFC 2744 over the idiomatic API, for code
 * written against gssapi.h (docs/rfc2744.md). Every call returns the major status; the minor
 * status and every other output go through `{ value }` boxes; handles are the idiomatic objects
 * with `null` as GSS_C_NO_CONTEXT / GSS_C_NO_CREDENTIAL / GSS_C_NO_NAME / GSS_C_NO_BUFFER.
 * Calls that talk to a KDC or read key files return a Promise.
 */

export {
  GSS_C_CALLING_ERROR_MASK,
  GSS_C_CALLING_ERROR_OFFSET,
  GSS_C_ROUTINE_ERROR_MASK,
  GSS_C_ROUTINE_ERROR_OFFSET,
  GSS_C_SUPPLEMENTARY_MASK,
  GSS_C_SUPPLEMENTARY_OFFSET,
  GSS_CALLING_ERROR,
  GSS_ERROR,
  GSS_ROUTINE_ERROR,
  GSS_S_BAD_BINDINGS,
  GSS_S_BAD_MECH,
  GSS_S_BAD_MECH_ATTR,
  GSS_S_BAD_MIC,
  GSS_S_BAD_NAME,
  GSS_S_BAD_NAMETYPE,
  GSS_S_BAD_QOP,
  GSS_S_BAD_SIG,
  GSS_S_BAD_STATUS,
  GSS_S_CALL_BAD_STRUCTURE,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_CALL_INACCESSIBLE_WRITE,
  GSS_S_COMPLETE,
  GSS_S_CONTEXT_EXPIRED,
  GSS_S_CONTINUE_NEEDED,
  GSS_S_CREDENTIALS_EXPIRED,
  GSS_S_DEFECTIVE_CREDENTIAL,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_DUPLICATE_ELEMENT,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_GAP_TOKEN,
  GSS_S_NAME_NOT_MN,
  GSS_S_NO_CONTEXT,
  GSS_S_NO_CRED,
  GSS_S_OLD_TOKEN,
  GSS_S_UNAUTHORIZED,
  GSS_S_UNAVAILABLE,
  GSS_S_UNSEQ_TOKEN,
  GSS_SUPPLEMENTARY_INFO,
} from '../../errors/status.js';
export { type ChannelBindings, GSS_C_AF_INET, GSS_C_AF_NULLADDR, GSS_C_AF_UNSPEC } from '../bindings.js';
export { type ExportOptions, SEAL_KEY_BYTES } from '../context/export.js';
export { GSS_C_INDEFINITE } from '../creds/creds.js';
export {
  GSS_C_ANON_FLAG,
  GSS_C_CONF_FLAG,
  GSS_C_DELEG_FLAG,
  GSS_C_DELEG_POLICY_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_PROT_READY_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
  GSS_C_TRANS_FLAG,
} from '../flags.js';
export * from '../names/name-oids.js';
export {
  gss_accept_sec_context,
  gss_context_time,
  gss_delete_sec_context,
  gss_export_sec_context,
  gss_import_sec_context,
  gss_init_sec_context,
  gss_inquire_context,
} from './context.js';
export { gss_get_mic, gss_unwrap, gss_verify_mic, gss_wrap, gss_wrap_size_limit } from './message.js';
export { gss_display_status, gss_indicate_mechs, gss_release_buffer } from './misc.js';
export {
  type AcquireCredExtension,
  gss_acquire_cred,
  gss_compare_name,
  gss_display_name,
  gss_export_name,
  gss_import_name,
  gss_release_cred,
  gss_release_name,
} from './names.js';
export * from './types.js';
