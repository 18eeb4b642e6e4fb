/**
 * A DER element tree sized first and written once (X.690 10, the same bytes as ./encode.ts):
 * ./encode.ts copies each level into a new array, and every level over 64 bytes is a new
 * off-heap ArrayBuffer (V8 keeps only smaller typed arrays on its heap). A message built as a
 * tree of `DerNode`s costs one output array, its own: an encoding that carries a key never
 * lands in a buffer shared with anything else.
 */
import { headerLength, writeHeader } from './encode.js';
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
    this.size = headerLength(tag, len) + len;
  }
}

function writeNode(out: Uint8Array, at: number, n: DerNode): number {
  let p = writeHeader(out, n.cls, n.constructed, n.tag, n.length, at);
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
