import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applicationNode,
  DerNode,
  derBytes,
  explicitNode,
  octetStringNode,
  sequenceNode,
} from '../../../src/asn1/der-tree.js';
import {
  application,
  CLASS_CONTEXT,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  encodeTlv,
  explicit,
} from '../../../src/asn1/index.js';

/** Deterministic filler bytes of a given length. */
function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

describe('asn1/der-tree', () => {
  it('writes the same DER as the level-by-level encoder at every length-octet boundary', () => {
    for (const n of [0, 1, 60, 61, 62, 63, 64, 100, 123, 124, 125, 126, 127, 128, 255, 256, 65535, 65536]) {
      const c = bytes(n, n);
      const tree = applicationNode(
        15,
        sequenceNode([
          explicitNode(0, encodeInteger(5)),
          explicitNode(1, undefined),
          explicitNode(2, octetStringNode(c)),
        ]),
      );
      const level = application(
        15,
        encodeSequence([
          explicit(0, encodeInteger(5)),
          explicit(1, undefined),
          explicit(2, encodeOctetString(c)),
        ]),
      );
      assert.deepEqual(derBytes(tree), level, `contents of ${n} octets`);
      assert.equal(tree.size, level.length);
    }
  });

  it('writes high tag numbers as encodeTlv does', () => {
    for (const tag of [30, 31, 127, 128, 16383, 16384]) {
      const inner = bytes(3, tag);
      assert.deepEqual(
        derBytes(new DerNode(CLASS_CONTEXT, true, tag, [inner])),
        encodeTlv(CLASS_CONTEXT, true, tag, [inner]),
      );
    }
  });

  it('gives each encoding an array of its own, exactly its size', () => {
    const a = derBytes(octetStringNode(bytes(200, 1)));
    const b = derBytes(octetStringNode(bytes(200, 2)));
    assert.equal(a.byteOffset, 0);
    assert.equal(a.buffer.byteLength, a.length);
    assert.notEqual(a.buffer, b.buffer);
  });
});
