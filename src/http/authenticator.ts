/**
 * HTTP Negotiate on the server (RFC 4559), framework-neutral: the Authorization header in, a
 * decision out. An SPNEGO or raw Kerberos token is accepted (MIT's default acceptor takes both);
 * success carries the client's name, the flags, the delegated credentials and the mutual
 * authentication token for `WWW-Authenticate`; anything else is a 401 challenge with the reason,
 * given to `onError` for the log and never to the client. A handshake of more than one leg
 * (SPNEGO request-mic) is connection-bound (RFC 4559 6): its context waits, keyed by the
 * connection object, at most `handshakeTimeoutMs`.
 */
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { SecurityContext } from '../gssapi/context/context.js';
import { Credentials } from '../gssapi/creds/creds.js';
import { GSS_C_DELEG_FLAG } from '../gssapi/flags.js';
import { Name } from '../gssapi/names/names.js';
import type { Pac } from '../krb5/pac/index.js';
import { defaultReplayCache } from '../krb5/rcache/default.js';
import type { ReplayCache } from '../krb5/rcache/replay-cache.js';
import { negotiateChallenge, parseNegotiate } from './header.js';

export interface NegotiateServerOptions {
  /** Acceptor credentials; default: acquired once from `keytab` (or KRB5_KTNAME) for `principal`. */
  credentials?: Credentials;
  /** The keytab, e.g. `FILE:/etc/http.keytab` (default KRB5_KTNAME, then MIT's default). */
  keytab?: string;
  /**
   * The acceptor's name, host-based (`HTTP@www.example.com`) or a principal
   * (`HTTP/www.example.com@EXAMPLE.COM`). Default: any key in the keytab, as MIT's
   * GSS_C_NO_NAME acceptor (a client may then use any service principal the keytab holds).
   */
  principal?: string;
  /**
   * The replay cache of the acquired credentials (default: MIT's rule, KRB5RCACHENAME and so on,
   * else one in memory per process, resolved when the credentials are acquired). Several
   * processes serving one service must share one, e.g. `new FileReplayCache(path)` (MIT's file2,
   * as Apache's MIT acceptors) or a RedisReplayCache.
   */
  replayCache?: ReplayCache;
  /** Refuse clients that did not delegate a credential (GSS_C_DELEG_FLAG). */
  requireDelegation?: boolean;
  /** The largest token accepted, decoded (docs/security.md: 64 KiB, Windows' MaxTokenSize). */
  maxTokenSize?: number;
  /** How long an unfinished multi-leg handshake may wait for its next leg (default 30 s). */
  handshakeTimeoutMs?: number;
  /** Told why each request was refused (for the log); the client only sees the 401. */
  onError?: (failure: NegotiateFailure) => void;
}

/** Why a request was refused: for the server's log, never sent to the client. */
export interface NegotiateFailure {
  /** One line, e.g. `token refused: ...` or `the client did not delegate a credential`. */
  readonly reason: string;
  /** The GSS error behind it, when there is one. */
  readonly error?: GssError;
}

export interface NegotiateIdentity {
  /** The client principal, e.g. `alice@EXAMPLE.COM`. */
  readonly principal: string;
  /** The client principal's realm, e.g. `EXAMPLE.COM`. */
  readonly realm: string;
  /** The granted GSS_C_* flags. */
  readonly flags: number;
  /** The TGT the client delegated (curl --delegation always, browsers with delegation allowed). */
  readonly delegatedCredentials?: Credentials;
  /** The established context (per-message services, export). */
  readonly context: SecurityContext;
  /**
   * The ticket's PAC (MS-PAC: user and group SIDs, UPN; docs/active-directory.md), verified
   * with the service key before the context was established; absent when the ticket has none.
   */
  readonly pac?: Pac;
}

/** What the framework-neutral core decides for one request: 200 with the client, or 401. */
export type NegotiateOutcome =
  | {
      /** Authenticated: let the request through. */
      readonly status: 200;
      /** Who the client is. */
      readonly identity: NegotiateIdentity;
      /** `Negotiate <token>` (the mutual authentication token) for WWW-Authenticate, if any. */
      readonly wwwAuthenticate?: string;
    }
  | {
      /** Not authenticated: answer 401 with `wwwAuthenticate`. */
      readonly status: 401;
      /** `Negotiate`, or `Negotiate <token>` to continue a handshake or carry a reject token. */
      readonly wwwAuthenticate: string;
      /** Why (undefined when the client simply sent no credentials). */
      readonly failure?: NegotiateFailure;
    };

interface Pending {
  readonly ctx: SecurityContext;
  readonly deadline: number;
}

const DEFAULT_MAX_TOKEN = 64 * 1024;
const DEFAULT_HANDSHAKE_MS = 30_000;

export class NegotiateAuthenticator {
  readonly #opts: NegotiateServerOptions;
  #creds: Promise<Credentials> | undefined;
  readonly #pending = new WeakMap<object, Pending>();

  constructor(opts: NegotiateServerOptions = {}) {
    this.#opts = opts;
  }

  #credentials(): Promise<Credentials> {
    if (this.#opts.credentials) return Promise.resolve(this.#opts.credentials);
    if (!this.#creds) {
      const p = this.#opts.principal;
      const name = p === undefined ? undefined : p.includes('/') ? Name.principal(p) : Name.hostbased(p);
      this.#creds = Credentials.acquire({
        usage: 'accept',
        keytab: this.#opts.keytab,
        name,
        // Resolved once with the credential, as MIT's acquire_accept_cred opens its rcache, not
        // per request (the configured name is not looked up again for every token).
        replayCache: this.#opts.replayCache ?? defaultReplayCache(),
      });
      // A failed acquisition (keytab missing) is retried on the next request.
      this.#creds.catch(() => {
        this.#creds = undefined;
      });
    }
    return this.#creds;
  }

  /**
   * Decides one request. `connection` identifies the TCP connection (e.g. `req.socket`) so that
   * a multi-leg handshake continues only there. Never throws.
   */
  async authenticate(authorization: string | undefined, connection?: object): Promise<NegotiateOutcome> {
    const parsed = parseNegotiate(authorization, this.#opts.maxTokenSize ?? DEFAULT_MAX_TOKEN);
    if (!parsed.ok) {
      // No credentials at all is the normal first request: a challenge, nothing to log.
      return parsed.absent && authorization === undefined
        ? { status: 401, wwwAuthenticate: 'Negotiate' }
        : this.#refuse({ reason: parsed.reason });
    }
    const now = Date.now();
    const waiting = connection ? this.#pending.get(connection) : undefined;
    if (connection) this.#pending.delete(connection);
    let ctx: SecurityContext;
    if (waiting && waiting.deadline > now && !isInitialToken(parsed.token)) {
      ctx = waiting.ctx;
    } else {
      try {
        ctx = SecurityContext.accept({ credentials: await this.#credentials() });
      } catch (e) {
        return this.#refuse({
          reason: `acceptor credentials unavailable: ${message(e)}`,
          error: gssError(e),
        });
      }
    }
    let out: Uint8Array | undefined;
    try {
      out = await ctx.step(parsed.token);
    } catch (e) {
      const err = gssError(e);
      return this.#refuse({ reason: `token refused: ${err.message}`, error: err }, ctx.errorToken);
    }
    if (!ctx.isEstablished) {
      if (!connection)
        return this.#refuse({ reason: 'multi-leg handshake without a connection to bind it to' });
      this.#pending.set(connection, {
        ctx,
        deadline: now + (this.#opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_MS),
      });
      return { status: 401, wwwAuthenticate: negotiateChallenge(out) };
    }
    const flags = ctx.flags;
    const delegated = ctx.delegatedCredentials;
    if (this.#opts.requireDelegation && !(flags & GSS_C_DELEG_FLAG && delegated)) {
      ctx.delete();
      return this.#refuse({ reason: 'the client did not delegate a credential (requireDelegation)' });
    }
    const client = ctx.initiatorName.principal;
    return {
      status: 200,
      identity: {
        principal: String(ctx.initiatorName),
        realm: client.realm,
        flags,
        ...(delegated ? { delegatedCredentials: delegated } : {}),
        context: ctx,
        ...(ctx.pac ? { pac: ctx.pac } : {}),
      },
      ...(out && out.length > 0 ? { wwwAuthenticate: negotiateChallenge(out) } : {}),
    };
  }

  #refuse(failure: NegotiateFailure, token?: Uint8Array): NegotiateOutcome {
    try {
      this.#opts.onError?.(failure);
    } catch {
      // A failing log hook must not turn a 401 into a 500.
    }
    return { status: 401, wwwAuthenticate: negotiateChallenge(token), failure };
  }
}

/** An initial context token (RFC 2743 3.1 framing): a new handshake, whatever was pending. */
function isInitialToken(token: Uint8Array): boolean {
  return token[0] === 0x60;
}

function gssError(e: unknown): GssError {
  return e instanceof GssError ? e : new GssError(GSS_S_FAILURE, 0, message(e), { cause: e });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
