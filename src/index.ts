export { MINOR, type MinorName, minorMessage, minorName } from './errors/minor.js';
export * from './errors/status.js';
export { ContextStore, type ContextStoreOptions } from './fleet/context-store.js';
export {
  type ChannelBindings,
  GSS_C_AF_INET,
  GSS_C_AF_NULLADDR,
  GSS_C_AF_UNSPEC,
} from './gssapi/bindings.js';
export { type AcceptOptions, type InitiateOptions, SecurityContext } from './gssapi/context/context.js';
export {
  type ExportOptions,
  exportSecContext,
  importSecContext,
  releaseBuffer,
  SEAL_KEY_BYTES,
} from './gssapi/context/export.js';
export {
  type AcquireOptions,
  Credentials,
  type CredentialUsage,
  GSS_C_INDEFINITE,
} from './gssapi/creds/creds.js';
export * from './gssapi/flags.js';
export type { ContextState, SeqStateRecord } from './gssapi/mech/krb5/context-state.js';
export type { UnwrapResult } from './gssapi/mech/krb5/tokens/wrap.js';
export * from './gssapi/names/name-oids.js';
export { Name } from './gssapi/names/names.js';
// The API of npm `kerberos` 7 (also gssapi-ts/kerberos), so that `"kerberos": "npm:gssapi-ts@..."`
// is a drop-in for the addon (docs/kerberos.md). Its GSS_C_* flags are those exported above.
export {
  checkPassword,
  definedNapiVersion,
  GSS_C_NO_OID,
  GSS_MECH_OID_KRB5,
  GSS_MECH_OID_SPNEGO,
  type InitializeClientOptions,
  initializeClient,
  initializeServer,
  KerberosClient,
  KerberosServer,
  principalDetails,
  version,
  type WrapOptions,
} from './kerberos/index.js';
export {
  type Kdc,
  type KdcPrincipalSpec,
  type StartKdcOptions,
  startKdc,
} from './krb5/kdc/index.js';
export type { LogonInfo, Pac, Sid, SidAndAttributes, UpnDnsInfo } from './krb5/pac/index.js';
export { setDefaultReplayCache } from './krb5/rcache/default.js';
export { FileReplayCache, type FileReplayCacheOptions } from './krb5/rcache/file.js';
export { MemoryReplayCache } from './krb5/rcache/memory.js';
export { RedisReplayCache, type RedisReplayCacheOptions } from './krb5/rcache/redis.js';
export type { RedisCommandClient } from './krb5/rcache/redis-client.js';
export type { ReplayCache } from './krb5/rcache/replay-cache.js';
