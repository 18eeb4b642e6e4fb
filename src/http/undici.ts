/**
 * HTTP Negotiate as an undici interceptor (undici 7's `Dispatcher.compose` shape), for undici's
 * own `request`/`fetch` and for any code given a dispatcher:
 *   const dispatcher = new Agent().compose(negotiateInterceptor());
 *   await request(url, { dispatcher });   // or fetch(url, { dispatcher })
 * A `401` with a `Negotiate` challenge is consumed here, never shown to the caller: the request
 * is dispatched again with the token (and again for each continuation leg), and the final
 * response reaches the caller only after the server's mutual authentication token verified; a
 * refusal or a forged token is a GssError through `onResponseError`. Typed structurally: src/
 * does not import undici (an optional peer dependency, >= 7).
 */
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import type { SecurityContext } from '../gssapi/context/context.js';
import { challengeToken, initiatorFor, type NegotiateClientOptions, refused } from './client-context.js';
import { findNegotiateChallenge, negotiateChallenge } from './header.js';

/** Response headers as undici 7 hands them to a handler: lower-case names. */
export type UndiciHeaders = Record<string, string | string[] | undefined>;

/** What we use of undici's per-request controller. */
export interface UndiciController {
  /** Ends the request with an error. */
  abort(reason: Error): void;
  /** Stops reading the response body. */
  pause(): void;
  /** Reads it again. */
  resume(): void;
}

/** An undici 7 dispatch handler (the new handler API), as far as we call it. */
export interface UndiciHandler {
  /** The request is on its way. */
  onRequestStart?(controller: UndiciController, context: unknown): void;
  /** A protocol upgrade (passed through). */
  onRequestUpgrade?(
    controller: UndiciController,
    statusCode: number,
    headers: UndiciHeaders,
    socket: unknown,
  ): void;
  /** The status line and headers. */
  onResponseStart?(
    controller: UndiciController,
    statusCode: number,
    headers: UndiciHeaders,
    statusMessage?: string,
  ): void;
  /** A body chunk. */
  onResponseData?(controller: UndiciController, chunk: Uint8Array): void;
  /** The end of the body. */
  onResponseEnd?(controller: UndiciController, trailers: UndiciHeaders): void;
  /** The request failed. */
  onResponseError?(controller: UndiciController, error: Error): void;
}

/** undici's dispatch options, as far as we read and rewrite them. */
export interface UndiciDispatchOptions {
  /** The request path (passed on as it is). */
  path: string;
  /** The request method (passed on as it is). */
  method: string;
  /** The server, e.g. `http://localhost:8080` (set by an Agent for each request). */
  origin?: string | URL;
  /** The request headers: a record, a flat [name, value, ...] array, or [name, value] pairs. */
  headers?: UndiciRequestHeaders | null;
}

/** Request headers in undici's three forms. */
export type UndiciRequestHeaders =
  | Record<string, string | string[] | undefined>
  | string[]
  | Iterable<[string, string | string[] | undefined]>;

/** undici's `dispatch(options, handler)`, declared as a method so that undici's own types fit it. */
export type UndiciDispatch = {
  /** Sends a request; the handler hears how it goes. */
  dispatch(opts: UndiciDispatchOptions, handler: UndiciHandler): boolean;
}['dispatch'];

/**
 * An undici interceptor, `(dispatch) => dispatch`; declared as a method so that it is accepted
 * where undici's own `DispatcherComposeInterceptor` is expected.
 */
export type UndiciInterceptor = {
  /** Wraps the next dispatch. */
  intercept(dispatch: UndiciDispatch): UndiciDispatch;
}['intercept'];

/** Continuation legs allowed before giving up (SPNEGO needs at most three). */
const MAX_LEGS = 4;

/**
 * An undici interceptor doing HTTP Negotiate (RFC 4559) for every request through the composed
 * dispatcher, with the options of `negotiateFetch`.
 */
export function negotiateInterceptor(opts: NegotiateClientOptions = {}): UndiciInterceptor {
  return (dispatch) => (dispatchOpts, handler) => {
    new NegotiateRequest(dispatch, dispatchOpts, handler, opts).start();
    return true;
  };
}

/** One request and its Negotiate legs. */
class NegotiateRequest {
  #ctx: SecurityContext | undefined;
  #target = '';
  #legs = 0;
  #controller: UndiciController | undefined;

  constructor(
    private readonly dispatch: UndiciDispatch,
    private readonly opts: UndiciDispatchOptions,
    private readonly handler: UndiciHandler,
    private readonly client: NegotiateClientOptions,
  ) {}

  start(): void {
    if (this.client.preemptive) void this.#nextLeg(undefined);
    else this.dispatch(this.opts, this.#leg());
  }

  #fail(e: unknown): void {
    const err = e instanceof Error ? e : new GssError(GSS_S_FAILURE, 0, String(e));
    const c = this.#controller ?? { abort: () => {}, pause: () => {}, resume: () => {} };
    this.handler.onResponseError?.(c, err);
  }

  /** Dispatches the request again with the next token (the first one without a challenge). */
  async #nextLeg(challenge: string | undefined): Promise<void> {
    let token: Uint8Array | undefined;
    try {
      if (++this.#legs > MAX_LEGS)
        throw new GssError(
          GSS_S_FAILURE,
          0,
          `${this.#target}: Negotiate did not complete in ${MAX_LEGS} legs`,
        );
      if (!this.#ctx) {
        const origin = this.opts.origin;
        if (origin === undefined)
          throw new GssError(GSS_S_FAILURE, 0, 'Negotiate: the request has no origin');
        ({ target: this.#target, ctx: this.#ctx } = initiatorFor(
          new URL(String(origin)).hostname,
          this.client,
        ));
        token = await this.#ctx.step();
      } else {
        const reply = challengeToken(challenge);
        if (reply === undefined || this.#ctx.isEstablished)
          throw new GssError(
            GSS_S_FAILURE,
            0,
            `${this.#target}: the server refused our Kerberos token (HTTP 401)`,
          );
        try {
          token = await this.#ctx.step(reply);
        } catch (e) {
          throw refused(this.#target, e);
        }
      }
      if (token === undefined)
        throw new GssError(
          GSS_S_FAILURE,
          0,
          `${this.#target}: the server refused the completed context (HTTP 401)`,
        );
    } catch (e) {
      this.#fail(e);
      return;
    }
    const headers = withAuthorization(this.opts.headers, negotiateChallenge(token));
    this.dispatch({ ...this.opts, headers }, this.#leg());
  }

  /** The handler of one attempt: a Negotiate 401 is consumed, a mutual token verified first. */
  #leg(): UndiciHandler {
    let mode: 'pass' | 'challenge' | 'verify' = 'pass';
    let challenge: string | undefined;
    // While the server's token is being verified, the body and its end wait here.
    let verification: 'pending' | 'ok' | 'failed' = 'pending';
    const held: Uint8Array[] = [];
    let end: { trailers: UndiciHeaders } | undefined;
    const h = this.handler;
    return {
      onRequestStart: (c, context) => {
        this.#controller = c;
        h.onRequestStart?.(c, context);
      },
      onRequestUpgrade: (c, status, headers, socket) => h.onRequestUpgrade?.(c, status, headers, socket),
      onResponseStart: (c, status, headers, msg) => {
        const www = joined(headers['www-authenticate']);
        const ctx = this.#ctx;
        if (status === 401 && findNegotiateChallenge(www) !== undefined && (this.#legs === 0 || ctx)) {
          mode = 'challenge';
          challenge = www;
          return;
        }
        let reply: Uint8Array | undefined;
        try {
          reply = ctx && !ctx.isEstablished ? challengeToken(www) : undefined;
          if (ctx && !ctx.isEstablished && reply === undefined && this.client.requireMutualAuth)
            throw new GssError(
              GSS_S_FAILURE,
              0,
              `${this.#target}: the server did not authenticate itself (no mutual token)`,
            );
        } catch (e) {
          c.abort(e as Error);
          return;
        }
        if (!ctx || reply === undefined) {
          h.onResponseStart?.(c, status, headers, msg);
          return;
        }
        // The response reaches the caller only once the server's token verified.
        mode = 'verify';
        c.pause();
        ctx.step(reply).then(
          () => {
            verification = 'ok';
            h.onResponseStart?.(c, status, headers, msg);
            for (const chunk of held.splice(0)) h.onResponseData?.(c, chunk);
            if (end) h.onResponseEnd?.(c, end.trailers);
            else c.resume();
          },
          (e: unknown) => {
            verification = 'failed';
            held.length = 0;
            c.abort(e instanceof Error ? e : new GssError(GSS_S_FAILURE, 0, String(e)));
          },
        );
      },
      onResponseData: (c, chunk) => {
        if (mode === 'challenge') return; // the 401's body is nobody's
        if (mode === 'verify' && verification !== 'ok') {
          if (verification === 'pending') held.push(chunk);
          return;
        }
        h.onResponseData?.(c, chunk);
      },
      onResponseEnd: (c, trailers) => {
        if (mode === 'challenge') {
          void this.#nextLeg(challenge);
          return;
        }
        if (mode === 'verify' && verification !== 'ok') {
          if (verification === 'pending') end = { trailers };
          return;
        }
        h.onResponseEnd?.(c, trailers);
      },
      onResponseError: (c, error) => h.onResponseError?.(c, error),
    };
  }
}

function joined(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The request headers with `Authorization` set, in whichever of undici's forms they came. */
function withAuthorization(
  headers: UndiciRequestHeaders | null | undefined,
  value: string,
): UndiciRequestHeaders {
  const isAuth = (name: string) => name.toLowerCase() === 'authorization';
  if (headers === undefined || headers === null) return { authorization: value };
  if (Array.isArray(headers) && (headers.length === 0 || typeof headers[0] === 'string')) {
    // A flat [name, value, name, value, ...] array.
    const flat = headers as string[];
    const out: string[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      if (!isAuth(flat[i])) out.push(flat[i], flat[i + 1]);
    }
    return [...out, 'authorization', value];
  }
  if (Symbol.iterator in headers) {
    const pairs = Array.from(headers as Iterable<[string, string | string[] | undefined]>).filter(
      (p) => !isAuth(p[0]),
    );
    return [...pairs, ['authorization', value]];
  }
  const out: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) if (!isAuth(k)) out[k] = v;
  out.authorization = value;
  return out;
}
