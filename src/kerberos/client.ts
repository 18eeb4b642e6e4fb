/**
 * KerberosClient and initializeClient of the `kerberos` addon (src/unix/kerberos_gss.cc
 * authenticate_gss_client_*), on our SecurityContext. Strings in and out are base64.
 */
import { SecurityContext } from '../gssapi/context/context.js';
import { Credentials } from '../gssapi/creds/creds.js';
import {
  GSS_C_DELEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
} from '../gssapi/flags.js';
import { Name } from '../gssapi/names/names.js';
import { GSS_MECH_OID_SPNEGO } from './constants.js';
import { saslLayerAnswer } from './sasl-answer.js';
import { addonError, decodeBase64, encodeBase64 } from './status.js';

/** What initializeClient reads (the C++ reads `flags`; index.d.ts's `gssFlag` is never read). */
export interface InitializeClientOptions {
  /** The client principal, 'user@REALM' (GSS_C_NT_USER_NAME); default: the ccache's. */
  principal?: string;
  /** GSS_C_* flags; default GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG. */
  flags?: number;
  /** GSS_C_NO_OID (0, Kerberos), GSS_MECH_OID_KRB5 (9) or GSS_MECH_OID_SPNEGO (6). */
  mechOID?: number;
  /** Windows-only in the addon; ignored here as on Unix. */
  user?: string;
  /** Windows-only in the addon (a password for the SSPI credentials); ignored here as on Unix. */
  pass?: string;
}

/** Options of `KerberosClient.wrap`, as npm `kerberos` takes them. */
export interface WrapOptions {
  /** The authorization identity put after the layer answer. */
  user?: string;
  /** Confidentiality for the wrap token. */
  protect?: boolean;
}

const states = new WeakMap<KerberosClient, ClientState>();

interface ClientState {
  context: SecurityContext;
  /** Makes the context again: MIT resets the handle when establishment fails. */
  restart: () => SecurityContext;
  /** No step taken on `context` yet (MIT's GSS_C_NO_CONTEXT). */
  fresh: boolean;
  username: string | null;
  response: string | null;
  responseConf: number;
  contextComplete: boolean;
}

function stateOf(c: KerberosClient): ClientState {
  const s = states.get(c);
  if (!s) throw new TypeError('Illegal invocation');
  return s;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`parameter \`${what}\` must be a string.`);
  return value;
}

/** Napi's ToObject: undefined and null are TypeErrors, primitives become wrappers. */
function toObject(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null)
    throw new TypeError('Cannot convert undefined or null to object');
  return Object(value) as Record<string, unknown>;
}

/**
 * The client handle of npm `kerberos` (authenticate_gss_client_* in its kerberos_gss.cc) on a
 * `SecurityContext`: `step` runs gss_init_sec_context with base64 tokens, `wrap`/`unwrap` the SASL
 * GSSAPI security layer (RFC 4752 3.1). Made by `initializeClient`.
 */
export class KerberosClient {
  /** @internal Made by initializeClient. */
  constructor(restart: () => SecurityContext) {
    states.set(this, {
      context: restart(),
      restart,
      fresh: true,
      username: null,
      response: null,
      responseConf: 0,
      contextComplete: false,
    });
  }

  /** The initiator's name once the context is complete, else null. */
  get username(): string | null {
    return stateOf(this).username;
  }
  /** The last output as base64, or null. */
  get response(): string | null {
    return stateOf(this).response;
  }
  /** unwrap's conf_state: 1 when the last unwrapped token was encrypted. A number, as the addon's. */
  get responseConf(): number {
    return stateOf(this).responseConf;
  }
  /** True once gss_init_sec_context returned GSS_S_COMPLETE, as the addon's `contextComplete`. */
  get contextComplete(): boolean {
    return stateOf(this).contextComplete;
  }

  /** gss_init_sec_context with the server's token ('' for the first step); the token to send, or null. */
  async step(challenge: string): Promise<string | null> {
    requireString(challenge, 'challenge');
    const s = stateOf(this);
    s.response = null;
    // MIT's gss_init_sec_context starts a new context without looking at the input token.
    const input = s.fresh || challenge === '' ? undefined : decodeBase64(challenge).bytes;
    s.fresh = false;
    try {
      const out = await s.context.step(input);
      if (out && out.length > 0) s.response = encodeBase64(out);
      if (s.context.isEstablished) {
        s.contextComplete = true;
        s.username = s.context.initiatorName.toString();
      }
      return s.response;
    } catch (e) {
      // A failed establishment step deletes MIT's context and clears the handle, so the next
      // step starts over with a new AP-REQ (the driver's retries rely on nothing else).
      if (!s.context.isEstablished) {
        s.context = s.restart();
        s.fresh = true;
      }
      throw addonError(e);
    }
  }

  /** gss_unwrap of the server's token; the message as base64. */
  async unwrap(challenge: string): Promise<string> {
    requireString(challenge, 'challenge');
    const s = stateOf(this);
    if (s.response !== null) {
      s.response = null;
      s.responseConf = 0;
    }
    try {
      const r = s.context.unwrap(decodeBase64(challenge).bytes);
      if (r.message.length > 0) {
        s.response = encodeBase64(r.message);
        s.responseConf = r.confidential ? 1 : 0;
      }
    } catch (e) {
      throw addonError(e);
    }
    // The addon would build a string from a NULL response here; '' is the harmless reading.
    return s.response ?? '';
  }

  /**
   * SASL GSSAPI's last client message (RFC 4752 3.1), as the addon does it on Unix: the decoded
   * challenge is taken as the server's 4-byte layer offer and answered with "no security layer",
   * the server's maximum size and `options.user` as authorization identity, then wrapped.
   */
  async wrap(challenge: string, options: WrapOptions = {}): Promise<string> {
    requireString(challenge, 'challenge');
    const opts = toObject(options);
    const user = typeof opts.user === 'string' ? opts.user : '';
    let protect = false;
    if ('protect' in opts) {
      if (typeof opts.protect !== 'boolean') throw new TypeError('options.protect must be a boolean.');
      protect = opts.protect;
    }
    const s = stateOf(this);
    s.response = null;
    try {
      const answer = saslLayerAnswer(decodeBase64(challenge).memory, user);
      const token = s.context.wrap(answer, { confidential: protect });
      s.response = encodeBase64(token);
      return s.response;
    } catch (e) {
      throw addonError(e);
    }
  }
}

/**
 * initializeClient: the target as a host-based service name ('type@fqdn'); credentials for
 * `principal` now (gss_acquire_cred), else the default ones at the first step.
 */
export async function initializeClient(
  service: string,
  options: InitializeClientOptions = { mechOID: 0 },
): Promise<KerberosClient> {
  requireString(service, 'service');
  const opts = toObject(options);
  const principal = typeof opts.principal === 'string' ? opts.principal : '';
  const flags = typeof opts.flags === 'number' ? opts.flags >>> 0 : GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG;
  const mechOID = typeof opts.mechOID === 'number' ? opts.mechOID >>> 0 : 0;
  try {
    const target = Name.hostbased(service);
    const credentials = principal
      ? await Credentials.acquire({ usage: 'initiate', name: Name.user(principal) })
      : undefined;
    return new KerberosClient(() =>
      SecurityContext.initiate({
        target,
        credentials,
        mutual: (flags & GSS_C_MUTUAL_FLAG) !== 0,
        replayDetection: (flags & GSS_C_REPLAY_FLAG) !== 0,
        sequence: (flags & GSS_C_SEQUENCE_FLAG) !== 0,
        delegate: (flags & GSS_C_DELEG_FLAG) !== 0,
        // The addon's 6 is SPNEGO's OID; 9 and GSS_C_NO_OID are Kerberos (MIT's default mech).
        mech: mechOID === GSS_MECH_OID_SPNEGO ? 'spnego' : 'krb5',
      }),
    );
  } catch (e) {
    throw addonError(e);
  }
}
