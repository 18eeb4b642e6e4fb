/**
 * gssapi-ts/kerberos: the API of npm `kerberos` 7 (mongodb-js/kerberos), in pure TypeScript on
 * this library's Kerberos mechanism. docs/kerberos.md says what matches the addon and how to
 * alias it for the MongoDB driver.
 */
export { checkPassword } from './check-password.js';
export {
  type InitializeClientOptions,
  initializeClient,
  KerberosClient,
  type WrapOptions,
} from './client.js';
export * from './constants.js';
export { principalDetails } from './keytab-lookup.js';
export { initializeServer, KerberosServer } from './server.js';
