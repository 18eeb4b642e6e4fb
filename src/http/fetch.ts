/**
 * `negotiateFetch`: global fetch with HTTP Negotiate (RFC 4559) as curl --negotiate does it.
 * On a 401 with a `Negotiate` challenge it gets a service ticket for `HTTP@<host of the URL>`
 * (the host as written, MIT's dns_canonicalize_hostname=false), sends the SPNEGO token, follows
 * continuation legs, and verifies the server's mutual authentication token when one comes back:
 * a bad one is a GssError, not a response. A wrapper over global fetch, which needs no
 * dependency; ./undici.ts is the same client as an undici interceptor (docs/http.md).
 */
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { challengeToken, initiatorFor, type NegotiateClientOptions, refused } from './client-context.js';
import { findNegotiateChallenge, negotiateChallenge } from './header.js';

/** How `negotiateFetch` authenticates, and which fetch it calls. */
export interface NegotiateFetchOptions extends NegotiateClientOptions {
  /** The fetch to call (default: global fetch), e.g. undici's. */
  fetch?: typeof fetch;
}

/** Continuation legs allowed before giving up (SPNEGO needs at most three). */
const MAX_LEGS = 4;

function withAuthorization(init: RequestInit, token: Uint8Array): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('Authorization', negotiateChallenge(token));
  return { ...init, headers };
}

/** The server's token in a response's Negotiate challenge, if any. */
function serverToken(res: Response): Uint8Array | undefined {
  return challengeToken(res.headers.get('www-authenticate'));
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
  const { target, ctx } = initiatorFor(new URL(url).hostname, opts);
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
