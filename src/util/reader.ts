import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../errors/status.js';

/**
 * A bounds-checked cursor over outside bytes. Every read past the end throws the GssError
 * made by `fail`, so a parser built on it cannot throw anything else for short input.
 */
export class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #fail: (what: string) => GssError;
  #pos = 0;

  constructor(bytes: Uint8Array, fail?: (what: string) => GssError) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#fail = fail ?? ((what) => new GssError(GSS_S_DEFECTIVE_TOKEN, 0, `truncated input: ${what}`));
  }

  get offset(): number {
    return this.#pos;
  }
  get remaining(): number {
    return this.#bytes.length - this.#pos;
  }
  get atEnd(): boolean {
    return this.#pos === this.#bytes.length;
  }

  /** Throws the reader's error with `what` as its message. */
  fail(what: string): never {
    throw this.#fail(what);
  }

  #need(n: number, what: string): void {
    if (!Number.isInteger(n) || n < 0 || this.#pos + n > this.#bytes.length) throw this.#fail(what);
  }

  u8(what = 'byte'): number {
    this.#need(1, what);
    return this.#bytes[this.#pos++];
  }
  u16(what = 'uint16', littleEndian = false): number {
    this.#need(2, what);
    const v = this.#view.getUint16(this.#pos, littleEndian);
    this.#pos += 2;
    return v;
  }
  u32(what = 'uint32', littleEndian = false): number {
    this.#need(4, what);
    const v = this.#view.getUint32(this.#pos, littleEndian);
    this.#pos += 4;
    return v;
  }
  i32(what = 'int32', littleEndian = false): number {
    this.#need(4, what);
    const v = this.#view.getInt32(this.#pos, littleEndian);
    this.#pos += 4;
    return v;
  }
  u64(what = 'uint64'): bigint {
    this.#need(8, what);
    const v = this.#view.getBigUint64(this.#pos, false);
    this.#pos += 8;
    return v;
  }
  /** A view (no copy) of the next n bytes. */
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.#need(n, what);
    const v = this.#bytes.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
  skip(n: number, what = 'bytes'): void {
    this.#need(n, what);
    this.#pos += n;
  }
  /** Throws unless every byte was consumed: strict lengths. */
  end(what = 'trailing bytes'): void {
    if (!this.atEnd) throw this.#fail(what);
  }
}
