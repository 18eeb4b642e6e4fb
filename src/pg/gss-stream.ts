/**
 * A Duplex for node-postgres's `stream` option that speaks GSS to the server underneath pg:
 * GSS encryption (GSSENCRequest, the context handshake, then every byte of the session inside
 * RFC 4121 Wrap tokens, protocol-flow.html 55.2.11) and, on an unencrypted connection, GSS
 * authentication (AuthenticationGSS / GSSContinue answered with GSSResponse) which pg itself
 * does not implement. pg sees a plain socket that connects once the GSS work is done.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { GSS_S_BAD_SIG, GSS_S_FAILURE, GSS_S_UNAVAILABLE, GssError } from '../errors/status.js';
import { SecurityContext } from '../gssapi/context/context.js';
import type { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import { concat } from '../util/bytes.js';
import {
  AUTH_REQ_GSS,
  AUTH_REQ_GSS_CONT,
  AUTH_REQ_OK,
  authCode,
  GSS_TOKEN_MAX,
  gssEncRequest,
  gssPacket,
  gssResponse,
  splitBackendMessages,
  splitGssPackets,
} from './protocol.js';

/** libpq's gssencmode: 'prefer' (its default) falls back to an unencrypted connection on 'N'. */
export type GssEncMode = 'require' | 'prefer' | 'disable';

export interface PgGssOptions {
  /** The service part of the server's principal (libpq's krbsrvname), default 'postgres'. */
  service?: string;
  /** The host part of the server's principal; default the host pg connects to. */
  host?: string;
  /** Default: the ccache of KRB5CCNAME. */
  credentials?: Credentials;
  /** Default 'prefer', as libpq. */
  gssencmode?: GssEncMode;
  /** The GSS negotiation must finish within this many ms (default 30000). */
  timeoutMs?: number;
}

type Phase = 'idle' | 'gssenc-reply' | 'handshake' | 'encrypted' | 'auth' | 'plain';

/** The start-up messages before AuthenticationOk are small; this bounds what is buffered. */
const STARTUP_MESSAGE_MAX = 1 << 20;

export class PgGssStream extends Duplex {
  readonly #opts: PgGssOptions;
  #socket: Socket | undefined;
  #phase: Phase = 'idle';
  #ctx: SecurityContext | undefined;
  #host = '';
  #inbound: Uint8Array = new Uint8Array(0);
  #work: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #chunk = 0;
  #noDelay = false;
  #queued: { chunk: Uint8Array; cb: (e?: Error | null) => void }[] = [];

  constructor(opts: PgGssOptions = {}) {
    super();
    this.#opts = opts;
  }

  /** True once the session runs inside GSS encryption. */
  get encrypted(): boolean {
    return this.#phase === 'encrypted';
  }

  /** The established context (encryption or authentication), if any. */
  get context(): SecurityContext | undefined {
    return this.#ctx?.isEstablished ? this.#ctx : undefined;
  }

  // The net.Socket methods pg's Connection calls.
  /**
   * What pg calls on its stream: connects to the server, then does the GSS work (encryption
   * handshake or authentication) before emitting `connect`.
   */
  connect(port: number, host: string): this {
    this.#host = this.#opts.host ?? host;
    const timeoutMs = this.#opts.timeoutMs ?? 30_000;
    this.#timer = setTimeout(
      () =>
        this.destroy(
          new GssError(
            GSS_S_FAILURE,
            0,
            `PostgreSQL GSS: no answer from ${host}:${port} within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const socket = netConnect(port, host);
    this.#socket = socket;
    socket.setNoDelay(this.#noDelay);
    socket.on('connect', () => this.#begin());
    socket.on('data', (d: Buffer) => this.#enqueue(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    socket.on('error', (e) => this.destroy(e));
    socket.on('end', () => this.#enqueue(undefined));
    // As net.Socket: when the connection is gone the stream closes, which is what pg listens for.
    socket.on('close', () => {
      this.#enqueue(undefined);
      this.#work = this.#work.then(() => {
        this.destroy();
      });
    });
    return this;
  }
  /** Passed to the TCP socket, as net.Socket's. */
  setNoDelay(noDelay = true): this {
    this.#noDelay = noDelay;
    this.#socket?.setNoDelay(noDelay);
    return this;
  }
  /** Passed to the TCP socket, as net.Socket's. */
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.#socket?.setKeepAlive(enable, initialDelay);
    return this;
  }
  /** Passed to the TCP socket, as net.Socket's. */
  ref(): this {
    this.#socket?.ref();
    return this;
  }
  /** Passed to the TCP socket, as net.Socket's. */
  unref(): this {
    this.#socket?.unref();
    return this;
  }

  #begin(): void {
    if ((this.#opts.gssencmode ?? 'prefer') === 'disable') {
      this.#ready('auth');
      return;
    }
    this.#phase = 'gssenc-reply';
    this.#socket?.write(gssEncRequest());
  }

  /** Data (or end of input: undefined) is handled in order, one piece at a time: steps are async. */
  #enqueue(data: Uint8Array | undefined): void {
    this.#work = this.#work
      .then(() => (data === undefined ? this.#onEnd() : this.#onData(data)))
      .catch((e: unknown) => {
        this.destroy(e instanceof Error ? e : new Error(String(e)));
      });
  }

  async #onData(data: Uint8Array): Promise<void> {
    if (this.destroyed) return;
    this.#inbound = this.#inbound.length === 0 ? data : concat(this.#inbound, data);
    if (this.#phase === 'gssenc-reply') {
      const reply = this.#inbound[0];
      this.#inbound = this.#inbound.subarray(1);
      if (reply === 0x47 /* G */) await this.#startHandshake();
      else if (reply === 0x4e /* N */) {
        if ((this.#opts.gssencmode ?? 'prefer') === 'require')
          throw new GssError(
            GSS_S_UNAVAILABLE,
            0,
            'PostgreSQL GSS: the server refused GSS encryption (no hostgssenc line in pg_hba.conf, or no server keytab)',
          );
        this.#ready('auth');
      } else
        throw new GssError(
          GSS_S_FAILURE,
          0,
          `PostgreSQL GSS: unexpected reply 0x${reply.toString(16)} to GSSENCRequest`,
        );
    }
    if (this.#phase === 'handshake') await this.#handshake();
    if (this.#phase === 'encrypted') this.#decrypt();
    if (this.#phase === 'auth') await this.#authenticate();
    if (this.#phase === 'plain' && this.#inbound.length > 0) {
      this.#deliver(this.#inbound);
      this.#inbound = new Uint8Array(0);
    }
  }

  #onEnd(): void {
    if (this.destroyed || this.readableEnded) return;
    if (this.#phase === 'gssenc-reply' || this.#phase === 'handshake')
      throw new GssError(
        GSS_S_FAILURE,
        0,
        'PostgreSQL GSS: the server closed the connection during GSS encryption negotiation: it could not accept our context (a wrong or missing service key, or no keytab; its log says which)',
      );
    this.push(null);
  }

  #newContext(): SecurityContext {
    return SecurityContext.initiate({
      target: Name.hostbased(`${this.#opts.service ?? 'postgres'}@${this.#host}`),
      credentials: this.#opts.credentials,
      mutual: true,
      replayDetection: true,
      sequence: true,
      confidentiality: true,
      integrity: true,
    });
  }

  async #startHandshake(): Promise<void> {
    this.#phase = 'handshake';
    this.#ctx = this.#newContext();
    const token = await this.#ctx.step();
    if (token) this.#socket?.write(gssPacket(token));
  }

  async #handshake(): Promise<void> {
    const ctx = this.#ctx as SecurityContext;
    while (!ctx.isEstablished) {
      const { tokens } = splitGssPackets(this.#inbound);
      if (tokens.length === 0) return;
      // One token at a time: once established, the packets behind it are already encrypted.
      const token = tokens[0];
      this.#inbound = this.#inbound.subarray(4 + token.length);
      const out = await serverStep(ctx, token);
      if (out && out.length > 0) this.#socket?.write(gssPacket(out));
    }
    this.#chunk = ctx.wrapSizeLimit(GSS_TOKEN_MAX, { confidential: true });
    this.#ready('encrypted');
  }

  #decrypt(): void {
    const ctx = this.#ctx as SecurityContext;
    const { tokens, used } = splitGssPackets(this.#inbound);
    this.#inbound = this.#inbound.subarray(used);
    for (const t of tokens) {
      const r = ctx.unwrap(t);
      // PostgreSQL refuses a packet without confidentiality, and so do we.
      if (!r.confidential)
        throw new GssError(GSS_S_BAD_SIG, 0, 'PostgreSQL GSS: packet without confidentiality');
      this.#deliver(r.message);
    }
  }

  /** Until AuthenticationOk: answer GSS authentication requests, pass everything else to pg. */
  async #authenticate(): Promise<void> {
    const { messages, used } = splitBackendMessages(this.#inbound, STARTUP_MESSAGE_MAX);
    const rest = this.#inbound.subarray(used);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      const code = m.type === 0x52 /* R */ ? authCode(m.body) : -1;
      if (code === AUTH_REQ_GSS) {
        this.#ctx = this.#newContext();
        const token = await this.#ctx.step();
        if (token) this.#socket?.write(gssResponse(token));
      } else if (code === AUTH_REQ_GSS_CONT) {
        if (!this.#ctx)
          throw new GssError(GSS_S_FAILURE, 0, 'PostgreSQL GSS: GSSContinue before AuthenticationGSS');
        const out = await serverStep(this.#ctx, m.body.subarray(4));
        if (out && out.length > 0) this.#socket?.write(gssResponse(out));
      } else {
        this.#deliver(m.raw);
        if (code === AUTH_REQ_OK || m.type === 0x45 /* E */) {
          // Authentication is over: the rest goes to pg unparsed.
          this.#phase = 'plain';
          this.#inbound = concat(...messages.slice(i + 1).map((x) => x.raw), rest);
          return;
        }
      }
    }
    this.#inbound = rest;
  }

  #ready(phase: 'encrypted' | 'auth'): void {
    this.#phase = phase;
    clearTimeout(this.#timer);
    this.emit('connect');
    for (const q of this.#queued.splice(0)) this.#send(q.chunk, q.cb);
  }

  #deliver(bytes: Uint8Array): void {
    if (!this.push(Buffer.from(bytes))) this.#socket?.pause();
  }

  /** @internal Duplex hook. */
  override _read(): void {
    this.#socket?.resume();
  }

  /** @internal Duplex hook. */
  override _write(chunk: Uint8Array, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.#send(chunk, cb);
  }

  #send(chunk: Uint8Array, cb: (e?: Error | null) => void): void {
    const socket = this.#socket;
    if (!socket || this.#phase === 'idle' || this.#phase === 'gssenc-reply' || this.#phase === 'handshake') {
      this.#queued.push({ chunk, cb });
      return;
    }
    if (this.#phase !== 'encrypted') {
      socket.write(chunk, cb);
      return;
    }
    try {
      const ctx = this.#ctx as SecurityContext;
      const packets: Uint8Array[] = [];
      for (let off = 0; off < chunk.length; off += this.#chunk)
        packets.push(gssPacket(ctx.wrap(chunk.subarray(off, off + this.#chunk), { confidential: true })));
      socket.write(packets.length === 1 ? packets[0] : concat(...packets), cb);
    } catch (e) {
      cb(e as Error);
    }
  }

  /** @internal Duplex hook. */
  override _final(cb: (e?: Error | null) => void): void {
    this.#socket?.end();
    cb();
  }

  /** @internal Duplex hook. */
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#socket?.destroy();
    for (const q of this.#queued.splice(0)) q.cb(err ?? new Error('stream destroyed'));
    cb(err);
  }
}

/** A context step on the server's token; a KRB-ERROR from the server's acceptor says so. */
async function serverStep(ctx: SecurityContext, token: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    return await ctx.step(token);
  } catch (e) {
    if (!(e instanceof GssError)) throw e;
    const what = e.minorCode ? `${e.message} (${e.minorCode})` : e.message;
    throw new GssError(e.major, e.minor, `PostgreSQL GSS: the server refused our context: ${what}`, {
      cause: e,
    });
  }
}

/**
 * The factory for pg's `stream` option: `new pg.Client({ ..., stream: gssStream() })`. pg calls
 * it once per connection, so a Pool gets a fresh GSS context for each.
 */
export function gssStream(opts: PgGssOptions = {}): () => PgGssStream {
  return () => new PgGssStream(opts);
}
