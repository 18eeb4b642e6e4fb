/**
 * Bytes of a gss-sample connection gathered into frames in linear time: chunks are kept as they
 * arrive and each frame is copied out once when complete (joining every chunk to the previous
 * ones made a 16 MiB frame cost seconds of CPU, the buffer being copied again per chunk).
 */

import { MINOR } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../errors/status.js';

/** A frame header announced more than the connection's limit (refused before the body is read). */
export class FrameTooLargeError extends GssError {
  readonly length: number;
  readonly limit: number;

  constructor(length: number, limit: number) {
    super(
      GSS_S_DEFECTIVE_TOKEN,
      MINOR.KRB5KRB_ERR_FIELD_TOOLONG,
      `gss-sample frame of ${length} bytes is too large (limit ${limit})`,
    );
    this.length = length;
    this.limit = limit;
  }
}

/** The flags byte and the token length announced by a frame header (v1 form: a 3-byte length). */
export interface FrameHeader {
  flags: number;
  headerSize: number;
  length: number;
}

/** Reads a header from its first bytes (at most 5); undefined until enough bytes are there. */
export function readHeader(head: Uint8Array): FrameHeader | undefined {
  if (head.length < 1) return undefined;
  const flags = head[0];
  const lenBytes = flags === 0 ? 3 : 4;
  if (head.length < 1 + lenBytes) return undefined;
  let length = 0;
  for (let i = 0; i < lenBytes; i++) length = length * 256 + head[1 + i];
  return { flags, headerSize: 1 + lenBytes, length };
}

export class FrameBuffer {
  #chunks: Uint8Array[] = [];
  #length = 0;

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /**
   * The header at the front, checked against `limit` as soon as its length field is complete.
   * @throws FrameTooLargeError
   */
  header(limit: number): FrameHeader | undefined {
    const h = readHeader(this.#copyFront(Math.min(5, this.#length)));
    if (h && h.length > limit) throw new FrameTooLargeError(h.length, limit);
    return h;
  }

  /** Takes the frame at the front if it is complete (one copy of its token). */
  take(limit: number): { flags: number; token: Uint8Array } | undefined {
    const h = this.header(limit);
    if (!h || this.#length < h.headerSize + h.length) return undefined;
    this.#remove(h.headerSize);
    return { flags: h.flags, token: this.#remove(h.length) };
  }

  /** Everything held, as one array; the buffer is empty afterwards. */
  takeAll(): Uint8Array {
    return this.#remove(this.#length);
  }

  /** A copy of the first `n` bytes (n is small: a header). */
  #copyFront(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    for (const c of this.#chunks) {
      if (at === n) break;
      const part = c.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Removes the first `n` bytes, returned as a new array (each byte copied once). */
  #remove(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let at = 0;
    let used = 0;
    for (const c of this.#chunks) {
      if (at === n) break;
      const part = c.subarray(0, n - at);
      out.set(part, at);
      at += part.length;
      if (part.length === c.length) used++;
      else this.#chunks[used] = c.subarray(part.length);
    }
    this.#chunks.splice(0, used);
    this.#length -= n;
    return out;
  }
}
