/**
 * MariaDB's `auth_gssapi_client` authentication plugin for mysql2's `authPlugins` option. The
 * server (plugin/auth_gssapi, server_plugin.cc) switches to it with a first packet holding its
 * principal name and a mechanism name, each NUL-terminated; then context tokens travel as plain
 * auth packets until the acceptor completes, and the server answers OK or an error.
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_BAD_MECH, GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../errors/status.js';
import { SecurityContext } from '../gssapi/context/context.js';
import type { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';

export interface GssapiPluginOptions {
  /** Default: the ccache of KRB5CCNAME. */
  credentials?: Credentials;
  /**
   * The service principal to use instead of the one the server names (e.g. when the server
   * names a principal that DNS would canonicalize differently). Default: the server's.
   */
  principal?: string;
}

export interface FirstPacket {
  /** The target: a Kerberos principal name, as the server's gssapi_principal_name has it. */
  readonly principal: string;
  /** '' on Unix servers; 'Kerberos' or 'Negotiate' on Windows (SSPI) servers. */
  readonly mech: string;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Parses `principal\0mech\0`; a missing final NUL is tolerated, an empty principal is not. */
export function parseFirstPacket(data: Uint8Array): FirstPacket {
  const defective = (what: string): GssError =>
    new GssError(GSS_S_DEFECTIVE_TOKEN, MINOR.KG_BAD_LENGTH, `MariaDB GSSAPI: ${what}`);
  const end = data.indexOf(0);
  if (end <= 0) throw defective('the first packet names no service principal');
  const mechEnd = data.indexOf(0, end + 1);
  let principal: string;
  let mech: string;
  try {
    principal = strict.decode(data.subarray(0, end));
    mech = strict.decode(data.subarray(end + 1, mechEnd < 0 ? data.length : mechEnd));
  } catch {
    throw defective('the first packet is not UTF-8');
  }
  return { principal, mech };
}

/**
 * The per-connection handler: each server packet in, the packet to send back out. Typed as
 * mysql2's AuthPlugin wants it (a Buffer, which mysql2 writes with Buffer methods).
 */
export type AuthPluginHandler = (data: Uint8Array) => Promise<Buffer>;

/**
 * The value for `authPlugins.auth_gssapi_client`: mysql2 calls it once per connection (with an
 * object it ignores here) and then calls the handler with every auth packet from the server.
 */
export function gssapiAuthPlugin(
  opts: GssapiPluginOptions = {},
): (pluginContext?: unknown) => AuthPluginHandler {
  return () => {
    let ctx: SecurityContext | undefined;
    return async (data) => {
      if (!ctx) {
        const first = parseFirstPacket(data);
        // SSPI servers may ask for SPNEGO ('Negotiate'); only Kerberos is spoken here.
        if (first.mech !== '' && first.mech !== 'Kerberos')
          throw new GssError(
            GSS_S_BAD_MECH,
            0,
            `MariaDB GSSAPI: the server asks for mechanism ${first.mech}; only Kerberos is supported`,
          );
        // As MariaDB's own client (gssapi_client.cc): the principal imported as GSS_C_NT_USER_NAME
        // (a Kerberos principal name) and no request flags, so no mutual authentication: the
        // server answers the AP-REQ with OK or an error, never with an AP-REP. (An AP-REP would
        // reach mysql2 as a raw packet, which its handshake refuses: docs/mysql2.md.)
        ctx = SecurityContext.initiate({
          target: Name.principal(opts.principal ?? first.principal),
          credentials: opts.credentials,
          mutual: false,
          replayDetection: false,
          sequence: false,
        });
        return toBuffer(await ctx.step());
      }
      if (ctx.isEstablished)
        throw new GssError(
          GSS_S_FAILURE,
          MINOR.KG_CONTEXT_ESTABLISHED,
          'MariaDB GSSAPI: a packet after the context was established',
        );
      try {
        return toBuffer(await ctx.step(data));
      } catch (e) {
        if (!(e instanceof GssError)) throw e;
        const what = e.minorCode ? `${e.message} (${e.minorCode})` : e.message;
        throw new GssError(e.major, e.minor, `MariaDB GSSAPI: the server refused our context: ${what}`, {
          cause: e,
        });
      }
    };
  };
}

/**
 * An initiator without mutual authentication always has a token to send, and a second packet is
 * refused above, so there is never "nothing to send" here.
 */
function toBuffer(token: Uint8Array | undefined): Buffer {
  if (!token || token.length === 0) throw new GssError(GSS_S_FAILURE, 0, 'MariaDB GSSAPI: no token to send');
  return Buffer.from(token.buffer, token.byteOffset, token.byteLength);
}
