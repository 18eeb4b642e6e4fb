/** The IANA Kerberos registries, one file each. */
export * from './address-types.js';
export * from './authz-types.js';
export * from './checksum-types.js';
export * from './error-codes.js';
export * from './flags.js';
export * from './key-usages.js';
export * from './message-types.js';
export * from './name-types.js';
export * from './padata-types.js';
