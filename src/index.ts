export {
  type ChannelBindings,
  GSS_C_AF_INET,
  GSS_C_AF_NULLADDR,
  GSS_C_AF_UNSPEC,
} from './gssapi/bindings.js';
export { type AcceptOptions, type InitiateOptions, SecurityContext } from './gssapi/context.js';
export * from './gssapi/context-state.js';
export { type AcquireOptions, Credentials, type CredentialUsage, GSS_C_INDEFINITE } from './gssapi/creds.js';
export {
  type ExportOptions,
  exportSecContext,
  importSecContext,
  releaseBuffer,
  SEAL_KEY_BYTES,
} from './gssapi/export.js';
export { MINOR, type MinorName, minorMessage, minorName } from './gssapi/minor.js';
export * from './gssapi/name-oids.js';
export { Name } from './gssapi/names.js';
export { MemoryReplayCache, type ReplayCache, setDefaultReplayCache } from './gssapi/replay-cache.js';
export * from './gssapi/status.js';
export type { UnwrapResult } from './gssapi/tokens/wrap.js';
export {
  type Kdc,
  type KdcPrincipalSpec,
  type StartKdcOptions,
  startKdc,
} from './krb5/kdc/index.js';
