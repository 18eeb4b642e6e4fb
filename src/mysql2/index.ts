/** gssapi-ts/mysql2: MariaDB's auth_gssapi_client plugin for mysql2's `authPlugins` option. */
export { type AuthPluginHandler, type GssapiPluginOptions, gssapiAuthPlugin } from './auth-plugin.js';
