/** A small DER codec with no Kerberos knowledge (docs/asn1.md says why it is our own). */
export * from './decode.js';
export * from './encode.js';
export { type Asn1ErrorName, asn1EncodeError, asn1Error } from './errors.js';
export * from './tlv.js';
