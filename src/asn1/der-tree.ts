/**
 * A DER element tree sized first and written once (X.690 10, the same bytes as ./encode.ts):
 * ./encode.ts copies each level into a new array, and every level over 64 bytes is a new
 * off-heap ArrayBuffer (V8 keeps only smaller typed arrays on its heap). A message built as a
 * tree of `DerNode`s costs one output array, its own: an encoding that carries a key never
 * lands in a buffer shared with anything else.
 */
import { CLASS_APPLICATION, CLASS_CONTEXT, CLASS_UNIVERSAL, TAG_OCTET_STRING, TAG_SEQUENCE } from './tlv.js';

/** A contents part: an encoded element or raw contents octets (copied), or a node; undefined vanishes. */
export type DerPart = Uint8Array | DerNode | undefined;

/** One element not yet written: identifier, definite length, then `parts` as contents. */
export class DerNode {
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  readonly parts: readonly DerPart[];
  /** Contents octets. */
  readonly length: number;
  /** Identifier, length and contents octets. */
  readonly size: number;

  constructor(cls: number, constructed: boolean, tag: number, parts: readonly DerPart[]) {
    this.cls = cls;
    this.constructed = constructed;
    this.tag = tag;
    this.parts = parts;
    let len = 0;
    for (const p of parts) {
      if (p === undefined) continue;
      len += p instanceof Uint8Array ? p.length : p.size;
    }
    this.length = len;
    this.size = headerSize(tag, len) + len;
  }
}

function headerSize(tag: number, len: number): number {
  let n = 2;
  if (tag >= 0x1f) for (let x = tag; x > 0; x = Math.floor(x / 128)) n++;
  if (len >= 0x80) for (let x = len; x > 0; x = Math.floor(x / 256)) n++;
  return n;
}

/** Identifier and length octets at `at` (as ./encode.ts writeHeader); the offset after them. */
function writeHeaderAt(out: Uint8Array, at: number, n: DerNode): number {
  const { tag } = n;
  const len = n.length;
  const id = (n.cls << 6) | (n.constructed ? 0x20 : 0);
  let p = at;
  if (tag < 0x1f) {
    out[p++] = id | tag;
  } else {
    out[p++] = id | 0x1f;
    let k = 0;
    for (let x = tag; x > 0; x = Math.floor(x / 128)) k++;
    for (let i = k - 1; i >= 0; i--) out[p++] = (Math.floor(tag / 128 ** i) & 0x7f) | (i > 0 ? 0x80 : 0);
  }
  if (len < 0x80) {
    out[p++] = len;
  } else {
    let k = 0;
    for (let x = len; x > 0; x = Math.floor(x / 256)) k++;
    out[p++] = 0x80 | k;
    for (let i = k - 1; i >= 0; i--) out[p++] = Math.floor(len / 256 ** i) & 0xff;
  }
  return p;
}

function writeNode(out: Uint8Array, at: number, n: DerNode): number {
  let p = writeHeaderAt(out, at, n);
  for (const part of n.parts) {
    if (part === undefined) continue;
    if (part instanceof Uint8Array) {
      out.set(part, p);
      p += part.length;
    } else {
      p = writeNode(out, p, part);
    }
  }
  return p;
}

/** The DER octets of `n`, in one new array of exactly its size. */
export function derBytes(n: DerNode): Uint8Array {
  const out = new Uint8Array(n.size);
  writeNode(out, 0, n);
  return out;
}

export function sequenceNode(fields: readonly DerPart[]): DerNode {
  return new DerNode(CLASS_UNIVERSAL, true, TAG_SEQUENCE, fields);
}

/** EXPLICIT context tag [n] around `inner`; undefined stays undefined (an absent OPTIONAL). */
export function explicitNode(n: number, inner: DerPart): DerNode | undefined {
  return inner === undefined ? undefined : new DerNode(CLASS_CONTEXT, true, n, [inner]);
}

/** APPLICATION [n] (constructed, explicit) around `inner`. */
export function applicationNode(n: number, inner: DerPart): DerNode {
  return new DerNode(CLASS_APPLICATION, true, n, [inner]);
}

/** OCTET STRING whose contents are `b` (copied when written). */
export function octetStringNode(b: Uint8Array): DerNode {
  return new DerNode(CLASS_UNIVERSAL, false, TAG_OCTET_STRING, [b]);
}
