/**
 * `gss server`'s bounds on what a peer can make it hold and for how long: the project's server
 * policy (docs/security.md) applied to MIT gss-sample's protocol. MIT's gss-server has none of
 * them; each is configurable, and the defaults are chosen so that MIT's gss-client never meets one.
 */
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { FrameTooLargeError } from './frame-buffer.js';
import { type FrameStream, MAX_FRAME } from './protocol.js';

export interface ServerLimits {
  /**
   * The largest token a frame may carry before a context is established, and on unauthenticated
   * (MIT -na) connections: an AP-REQ whose ticket carries a large PAC reaches tens of KiB
   * (Windows caps its MaxTokenSize at 65535); a larger header is refused before its body is read.
   */
  maxTokenSize: number;
  /**
   * The largest token a frame may carry on an established connection: with the read-side rules
   * of FrameStream, the bound on what one authenticated connection makes a process buffer.
   */
  maxMessageSize: number;
  /** Milliseconds from accept to an established context (0: none). */
  handshakeTimeoutMs: number;
  /** Milliseconds an established connection may stay silent between frames (0: none). */
  idleTimeoutMs: number;
  /** Connections accepted but not yet authenticated, at most; more are closed at once. */
  maxUnauthenticated: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxTokenSize: 64 * 1024,
  maxMessageSize: MAX_FRAME,
  handshakeTimeoutMs: 30_000,
  // Off, as MIT's gss-server: the peer is authenticated, and a client pausing between messages
  // is legitimate. Anonymous peers are bounded by the handshake timeout and the cap instead.
  idleTimeoutMs: 0,
  maxUnauthenticated: 128,
});

/** The defaults with `given` over them, each checked (whole numbers, frame sizes ≤ MAX_FRAME). */
export function resolveLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  const out = { ...DEFAULT_LIMITS, ...given };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`server limit ${name} must be a whole number ≥ 0, not ${value}`);
    }
  }
  for (const name of ['maxTokenSize', 'maxMessageSize'] as const) {
    if (out[name] > MAX_FRAME) throw new RangeError(`server limit ${name} is above ${MAX_FRAME} bytes`);
  }
  if (out.maxUnauthenticated < 1) throw new RangeError('server limit maxUnauthenticated must be ≥ 1');
  return out;
}

/** ETIMEDOUT: MIT passes errno values through as minor status. */
const ETIMEDOUT = 110;

/** A connection closed by the server for taking too long (the handshake or an idle period). */
export class ConnectionTimeoutError extends GssError {
  constructor(what: string) {
    super(GSS_S_FAILURE, ETIMEDOUT, what);
  }
}

/** The log line for a connection dropped by a limit; undefined for other errors. */
export function limitLogLine(e: unknown, peer: string, authenticated: boolean): string | undefined {
  if (e instanceof FrameTooLargeError) {
    const flag = authenticated ? '--max-message-size' : '--max-token-size';
    const when = authenticated ? '' : ' before authentication';
    return `refused a ${e.length}-byte token from ${peer}${when}: the limit is ${e.limit} bytes (${flag}); connection closed`;
  }
  if (e instanceof ConnectionTimeoutError) return `closed the connection from ${peer}: ${e.message}`;
  return undefined;
}

/** Arms the socket's idle timer: silent for `ms` (reads and writes), the connection is dropped. */
export function armIdleTimeout(stream: FrameStream, ms: number): void {
  if (!ms) return;
  stream.socket.setTimeout(ms, () => {
    stream.abort(new ConnectionTimeoutError(`idle for ${ms / 1000} s (--idle-timeout)`));
  });
}
