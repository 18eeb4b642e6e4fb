/**
 * KerberosServer and initializeServer of the `kerberos` addon (kerberos_gss.cc
 * authenticate_gss_server_*), on our SecurityContext.
 */
import { SecurityContext } from '../gssapi/context/context.js';
import { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import { addonError, decodeBase64, encodeBase64 } from './status.js';

interface ServerState {
  context: SecurityContext;
  /** Set when initializeServer had no service: targetName is then filled from the context. */
  anyService: boolean;
  username: string | null;
  targetName: string | null;
  response: string | null;
  contextComplete: boolean;
}

const states = new WeakMap<KerberosServer, ServerState>();

function stateOf(s: KerberosServer): ServerState {
  const st = states.get(s);
  if (!st) throw new TypeError('Illegal invocation');
  return st;
}

/**
 * The server handle of npm `kerberos` (authenticate_gss_server_* in its kerberos_gss.cc) on an
 * acceptor `SecurityContext`: `step` runs gss_accept_sec_context on a base64 token. Made by
 * `initializeServer`.
 */
export class KerberosServer {
  /** @internal Made by initializeServer. */
  constructor(context: SecurityContext, anyService: boolean) {
    states.set(this, {
      context,
      anyService,
      username: null,
      targetName: null,
      response: null,
      contextComplete: false,
    });
  }

  /** The initiator's name after a successful step, else null. */
  get username(): string | null {
    return stateOf(this).username;
  }
  /** The base64 token to send back to the client after a step (the AP-REP), else null. */
  get response(): string | null {
    return stateOf(this).response;
  }
  /** The acceptor name the client used, only when initializeServer('') took any key. */
  get targetName(): string | null {
    return stateOf(this).targetName;
  }
  /** True after any step that did not fail, as the addon sets it (even before completion). */
  get contextComplete(): boolean {
    return stateOf(this).contextComplete;
  }

  /** gss_accept_sec_context with the client's token; the token to send back, or null. */
  async step(challenge: string): Promise<string | null> {
    if (typeof challenge !== 'string') throw new TypeError('parameter `challenge` must be a string.');
    const s = stateOf(this);
    s.response = null;
    if (challenge === '') throw new Error('No challenge parameter in request from client');
    try {
      const out = await s.context.step(decodeBase64(challenge).bytes);
      if (out && out.length > 0) s.response = encodeBase64(out);
      s.username = s.context.initiatorName.toString();
      if (s.anyService) s.targetName = s.context.acceptorName.toString();
      s.contextComplete = true;
      return s.response;
    } catch (e) {
      throw addonError(e);
    }
  }
}

/**
 * initializeServer: acceptor credentials for the host-based name ('type@fqdn'), or, with '',
 * any key of the default keytab (GSS_C_NO_CREDENTIAL) and `targetName` reported after the step.
 */
export async function initializeServer(service: string): Promise<KerberosServer> {
  if (typeof service !== 'string') throw new TypeError('parameter `service` must be a string.');
  try {
    if (service === '') return new KerberosServer(SecurityContext.accept(), true);
    const credentials = await Credentials.acquire({ usage: 'accept', name: Name.hostbased(service) });
    return new KerberosServer(SecurityContext.accept({ credentials }), false);
  } catch (e) {
    throw addonError(e);
  }
}
