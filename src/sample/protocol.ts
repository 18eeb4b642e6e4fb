/**
 * MIT gss-sample's wire protocol (src/appl/gss-sample/gss-misc.c): each message is one flags
 * byte, a 4-byte big-endian length, then the token. A zero flags byte is the old "v1" form with
 * a 3-byte length, which MIT's receiver still accepts.
 */
import type { Socket } from 'node:net';
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { concat } from '../util/bytes.js';
import { FrameBuffer, FrameTooLargeError, readHeader } from './frame-buffer.js';

export const TOKEN_NOOP = 1 << 0;
export const TOKEN_CONTEXT = 1 << 1;
export const TOKEN_DATA = 1 << 2;
export const TOKEN_MIC = 1 << 3;
export const TOKEN_CONTEXT_NEXT = 1 << 4;
export const TOKEN_WRAPPED = 1 << 5;
export const TOKEN_ENCRYPTED = 1 << 6;
export const TOKEN_SEND_MIC = 1 << 7;

/** Larger frames are refused: a peer cannot make us allocate without bound. */
export const MAX_FRAME = 16 * 1024 * 1024;

/** How long a closing connection may take to deliver its last bytes before it is dropped. */
const CLOSE_GRACE_MS = 5000;

export interface Frame {
  flags: number;
  token: Uint8Array;
}

/**
 * As MIT's send_token: the flags byte, then the 4-byte length. Zero flags (the v1 form) write no
 * flags byte at all, so the receiver reads the length's zero top byte as the flags and the other
 * three as the length: a v1 token must be shorter than 2^24 bytes.
 */
export function encodeFrame(flags: number, token: Uint8Array): Uint8Array {
  if (flags === 0 && token.length >= 1 << 24) {
    throw new GssError(GSS_S_FAILURE, 0, 'a v1 gss-sample token must be shorter than 2^24 bytes');
  }
  const skip = flags === 0 ? 1 : 0;
  const head = new Uint8Array(5);
  head[0] = flags;
  new DataView(head.buffer).setUint32(1, token.length);
  return concat(head.subarray(skip), token);
}

/**
 * Parses one frame from the front of `buf`: the frame and its size, or undefined if incomplete.
 * A header announcing more than `limit` bytes is refused at once (FrameTooLargeError).
 */
export function decodeFrame(buf: Uint8Array, limit = MAX_FRAME): { frame: Frame; size: number } | undefined {
  const h = readHeader(buf.subarray(0, 5));
  if (!h) return undefined;
  if (h.length > limit) throw new FrameTooLargeError(h.length, limit);
  const size = h.headerSize + h.length;
  if (buf.length < size) return undefined;
  return { frame: { flags: h.flags, token: buf.slice(h.headerSize, size) }, size };
}

/**
 * The peer closed (or reset) the connection before a whole frame arrived. `logLine` is what MIT's
 * recv_token writes to gss-server's log for the same bytes (nothing for a reset or a frame cut
 * inside its token, which MIT reports on stderr only).
 */
export class ConnectionClosedError extends GssError {
  readonly logLine: string | undefined;

  constructor(unread: Uint8Array, cause?: Error) {
    let logLine: string | undefined;
    if (!cause) {
      const lenBytes = unread[0] === 0 ? 3 : 4;
      if (unread.length === 0) logLine = 'reading token flags: 0 bytes read';
      else if (unread.length - 1 < lenBytes) {
        logLine = `reading token length: ${unread.length - 1} of ${lenBytes} bytes read`;
      }
    }
    const why = cause ? `: ${cause.message}` : logLine ? ` (${logLine})` : '';
    super(GSS_S_FAILURE, 0, `connection closed while reading a token${why}`);
    this.logLine = logLine;
  }
}

type StreamHandle = { reading?: boolean; readStop?: () => number; readStart?: () => number };

function handleOf(socket: Socket): StreamHandle | undefined {
  return (socket as unknown as { _handle?: StreamHandle })._handle;
}

/**
 * Stops the kernel socket from being read by this process. Needed before the socket is handed to
 * another process: Node discards what its handle reads after `send()` takes it, so bytes the
 * client sent after the context token must stay in the kernel for the worker. Node's public
 * `pause()` keeps reading up to the high-water mark, so the handle is stopped directly.
 */
function stopReading(socket: Socket): void {
  socket.pause();
  const handle = handleOf(socket);
  if (handle?.readStop && handle.reading) {
    handle.readStop();
    handle.reading = false;
  }
}

/**
 * Undoes stopReading. `resume()` alone does not restart a handle stopped while Node's stream
 * still waits on a read it asked for, so the handle is restarted directly too.
 */
function startReading(socket: Socket): void {
  socket.resume();
  const handle = handleOf(socket);
  if (handle?.readStart && handle.reading === false) {
    handle.reading = true;
    handle.readStart();
  }
}

/**
 * Frames over a socket, pulled one at a time (a listener whose sockets are handed to other
 * processes must be created with `highWaterMark: 0`, or Node reads ahead into its own buffer
 * after a pause, and those bytes would be lost in the hand-off): the socket is read only while a
 * `recv()` waits, so between calls every unread byte is either in `pending` (and handed over with
 * the socket) or still in the kernel.
 *
 * What one connection can make this process hold is bounded: at most one frame of `limit` bytes
 * (a larger header is refused before its body is read) plus one socket read; and the next frame
 * is not read while the replies already written wait above the socket's writable high-water mark
 * (a client that sends without reading our answers stops being read; the kernel holds the rest).
 */
export class FrameStream {
  readonly socket: Socket;
  /** The largest token accepted in a frame (at most MAX_FRAME); may change between frames. */
  limit: number;
  readonly #buf = new FrameBuffer();
  #waiter?: { resolve: (f: Frame) => void; reject: (e: Error) => void };
  #error?: Error;
  #ended = false;

  constructor(socket: Socket, initial: Uint8Array = new Uint8Array(0), limit = MAX_FRAME) {
    this.socket = socket;
    this.limit = Math.min(limit, MAX_FRAME);
    this.#buf.push(initial);
    socket.on('data', (chunk: Buffer) => {
      this.#buf.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      this.#pump();
      if (!this.#waiter) stopReading(socket);
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#pump();
    });
    socket.on('error', (e) => {
      this.#error ??= e;
      this.#pump();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#pump();
    });
    stopReading(socket);
  }

  /**
   * Bytes received and not yet consumed as frames, including any the socket buffered after the
   * last pause (reading exactly its buffered length does not start a new read). Taking them
   * empties this stream's buffer: they travel with the socket.
   */
  get pending(): Uint8Array {
    const n = this.socket.readableLength;
    if (n > 0) {
      const more = this.socket.read(n) as Buffer | null;
      if (more) this.#buf.push(new Uint8Array(more.buffer, more.byteOffset, more.length));
    }
    return this.#buf.takeAll();
  }

  #pump(): void {
    const w = this.#waiter;
    if (!w) return;
    let frame: Frame | undefined;
    try {
      frame = this.#buf.take(this.limit);
    } catch (e) {
      this.#waiter = undefined;
      w.reject(e as Error);
      return;
    }
    if (frame) {
      this.#waiter = undefined;
      w.resolve(frame);
    } else if (this.#error || this.#ended) {
      this.#waiter = undefined;
      const unread = this.#buf.takeAll();
      w.reject(
        this.#error instanceof GssError ? this.#error : new ConnectionClosedError(unread, this.#error),
      );
    }
  }

  recv(): Promise<Frame> {
    if (this.#waiter) return Promise.reject(new Error('recv() already pending'));
    return new Promise<Frame>((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#pump();
      if (!this.#waiter) return;
      if (this.socket.writableNeedDrain) {
        // Our replies are not being read: read nothing more until they have left.
        this.socket.once('drain', () => {
          if (this.#waiter) startReading(this.socket);
        });
      } else {
        startReading(this.socket);
      }
    });
  }

  send(flags: number, token: Uint8Array = new Uint8Array(0)): void {
    this.socket.write(encodeFrame(flags, token));
  }

  /**
   * Drops the connection at once (a timeout, a limit): a waiting `recv()` rejects with `reason`,
   * later ones too.
   */
  abort(reason: GssError): void {
    this.#error ??= reason;
    this.#pump();
    this.socket.destroy();
  }

  /**
   * Ends the connection and frees the socket once what was written has been sent. `end()` alone
   * is not enough: reading is stopped between `recv()` calls, so the peer's FIN is never read and
   * the socket would stay half-open (a `close()` of the server would wait for it forever).
   */
  close(): void {
    if (this.socket.destroyed) return;
    this.socket.end(() => this.socket.destroy());
    // A peer that reads nothing keeps our last bytes queued and `end`'s callback from running.
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Resolves once everything written so far has left this process (before a hand-off). */
  flushed(): Promise<void> {
    if (this.socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.write(new Uint8Array(0), (err) => (err ? reject(err) : resolve()));
    });
  }
}
