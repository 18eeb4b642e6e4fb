/** gssapi-ts/pg: GSS encryption and GSS authentication for node-postgres, through its `stream` option. */
export { type GssEncMode, gssStream, type PgGssOptions, PgGssStream } from './gss-stream.js';
