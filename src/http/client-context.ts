/**
 * The client side of HTTP Negotiate shared by `negotiateFetch` and the undici interceptor: the
 * options, the initiator context for `HTTP@<host>` (the host as written in the URL, MIT's
 * dns_canonicalize_hostname=false; mutual authentication always requested), the server's token
 * out of a `WWW-Authenticate` value, and a refusal said plainly.
 */
import { minorMessage, minorName } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../errors/status.js';
import { SecurityContext } from '../gssapi/context/context.js';
import type { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import { findNegotiateChallenge, parseNegotiate } from './header.js';

/** How a client authenticates with Negotiate (negotiateFetch, negotiateInterceptor). */
export interface NegotiateClientOptions {
  /** Initiator credentials (default: KRB5CCNAME, as kinit left them). */
  credentials?: Credentials;
  /** 'spnego' (default, what servers expect) or 'krb5' (a raw Kerberos token). */
  mech?: 'spnego' | 'krb5';
  /** Forward the TGT to the server (curl --delegation always). */
  delegate?: boolean;
  /** The service part of the target (default 'HTTP'). */
  service?: string;
  /** Send the token with the first request instead of waiting for the 401 (needed for a body
   * that cannot be sent twice, such as a stream). */
  preemptive?: boolean;
  /** Fail unless the server proves its identity with a mutual authentication token. */
  requireMutualAuth?: boolean;
}

/** The largest server token read from a WWW-Authenticate header, decoded. */
const MAX_TOKEN = 64 * 1024;

/** A fresh initiator context for the service on `hostname`, and the target's name for errors. */
export function initiatorFor(
  hostname: string,
  opts: NegotiateClientOptions,
): { target: string; ctx: SecurityContext } {
  const target = `${opts.service ?? 'HTTP'}@${hostname}`;
  const ctx = SecurityContext.initiate({
    target: Name.hostbased(target),
    mech: opts.mech ?? 'spnego',
    mutual: true,
    delegate: opts.delegate ?? false,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  return { target, ctx };
}

/**
 * The server's token in WWW-Authenticate value(s), if its Negotiate challenge carries one; a
 * malformed one is a GssError (GSS_S_DEFECTIVE_TOKEN).
 */
export function challengeToken(values: string | null | undefined): Uint8Array | undefined {
  const ch = findNegotiateChallenge(values);
  if (ch === undefined || ch === 'Negotiate') return undefined;
  const p = parseNegotiate(ch, MAX_TOKEN);
  if (!p.ok) throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, `the server's Negotiate token: ${p.reason}`);
  return p.token;
}

/** The server's error token, said plainly: which service refused us, and MIT's reason. */
export function refused(target: string, e: unknown): GssError {
  if (!(e instanceof GssError)) return new GssError(GSS_S_FAILURE, 0, String(e), { cause: e });
  const why = e.minor ? `${minorMessage(e.minor)} (${minorName(e.minor)})` : e.message;
  return new GssError(e.major, e.minor, `${target}: the server refused our Kerberos token: ${why}`, {
    cause: e,
  });
}
