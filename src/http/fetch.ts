/**
 * `negotiateFetch`: global fetch with HTTP Negotiate (RFC 4559) as curl --negotiate does it.
 * On a 401 with a `Negotiate` challenge it gets a service ticket for `HTTP@<host of the URL>`
 * (the host as written, MIT's dns_canonicalize_hostname=false), sends the SPNEGO token, follows
 * continuation legs, and verifies the server's mutual authentication token when one comes back:
 * a bad one is a GssError, not a response. A wrapper over fetch rather than an undici dispatcher,
 * because global fetch is what Node applications call and it needs no dependency (docs/http.md).
 */
import { minorMessage, minorName } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../errors/status.js';
import { SecurityContext } from '../gssapi/context/context.js';
import type { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import { findNegotiateChallenge, negotiateChallenge, parseNegotiate } from './header.js';

/** How `negotiateFetch` authenticates. */
export interface NegotiateFetchOptions {
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
  /** The fetch to call (default: global fetch), e.g. one bound to an undici dispatcher. */
  fetch?: typeof fetch;
}

/** Continuation legs allowed before giving up (SPNEGO needs at most three). */
const MAX_LEGS = 4;
const MAX_TOKEN = 64 * 1024;

function withAuthorization(init: RequestInit, token: Uint8Array): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('Authorization', negotiateChallenge(token));
  return { ...init, headers };
}

/** The server's token in a response's Negotiate challenge, if any. */
function serverToken(res: Response): Uint8Array | undefined {
  const ch = findNegotiateChallenge(res.headers.get('www-authenticate'));
  if (ch === undefined || ch === 'Negotiate') return undefined;
  const p = parseNegotiate(ch, MAX_TOKEN);
  if (!p.ok) throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, `the server's Negotiate token: ${p.reason}`);
  return p.token;
}

/** The server's error token, said plainly: which service refused us, and MIT's reason. */
function refused(target: string, e: unknown): GssError {
  if (!(e instanceof GssError)) return new GssError(GSS_S_FAILURE, 0, String(e), { cause: e });
  const why = e.minor ? `${minorMessage(e.minor)} (${minorName(e.minor)})` : e.message;
  return new GssError(e.major, e.minor, `${target}: the server refused our Kerberos token: ${why}`, {
    cause: e,
  });
}

/**
 * `fetch(url, init)` that answers a `401 Negotiate` with a Kerberos (by default SPNEGO) token for
 * `HTTP@<host>` and verifies the server's mutual authentication token, as curl --negotiate does.
 * Resolves to the final Response; a refused or forged server token rejects with a GssError.
 */
export async function negotiateFetch(
  url: string | URL,
  init: RequestInit = {},
  opts: NegotiateFetchOptions = {},
): Promise<Response> {
  const f = opts.fetch ?? fetch;
  if (!opts.preemptive) {
    const first = await f(url, init);
    if (first.status !== 401 || !findNegotiateChallenge(first.headers.get('www-authenticate'))) return first;
    await first.body?.cancel();
  }
  const target = `${opts.service ?? 'HTTP'}@${new URL(url).hostname}`;
  const ctx = SecurityContext.initiate({
    target: Name.hostbased(target),
    mech: opts.mech ?? 'spnego',
    mutual: true,
    delegate: opts.delegate ?? false,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  let token = await ctx.step();
  for (let leg = 0; token !== undefined && leg < MAX_LEGS; leg++) {
    const res = await f(url, withAuthorization(init, token));
    const reply = serverToken(res);
    if (res.status === 401) {
      await res.body?.cancel();
      // The server's reject token (a KRB-ERROR inside SPNEGO) gives the precise reason.
      if (reply === undefined || ctx.isEstablished) {
        throw new GssError(GSS_S_FAILURE, 0, `${target}: the server refused our Kerberos token (HTTP 401)`);
      }
      try {
        token = await ctx.step(reply);
      } catch (e) {
        throw refused(target, e);
      }
      if (token === undefined)
        throw new GssError(
          GSS_S_FAILURE,
          0,
          `${target}: the server refused the completed context (HTTP 401)`,
        );
      continue;
    }
    if (reply !== undefined && !ctx.isEstablished) {
      try {
        await ctx.step(reply);
      } catch (e) {
        await res.body?.cancel();
        throw e;
      }
    }
    if (opts.requireMutualAuth && !ctx.isEstablished) {
      await res.body?.cancel();
      throw new GssError(
        GSS_S_FAILURE,
        0,
        `${target}: the server did not authenticate itself (no mutual token)`,
      );
    }
    return res;
  }
  throw new GssError(GSS_S_FAILURE, 0, `${target}: Negotiate did not complete in ${MAX_LEGS} legs`);
}
