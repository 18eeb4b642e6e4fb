/**
 * Interprocess tokens written by an earlier version (test/vectors/export-token-v1.json, from
 * commit f559723) still import to the same record, and the current encoder writes the same
 * body bytes for the same record: docs/export-token.md promises tokens readable across versions.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Key } from '../../src/crypto/key.js';
import { decodeExportToken, encodeExportToken } from '../../src/gssapi/export/export-token.js';
import type { ContextState } from '../../src/gssapi/mech/krb5/context-state.js';
import { fromHex } from '../../src/util/bytes.js';

interface VectorState {
  locallyInitiated: boolean;
  flags: number;
  initiatorName: { nameType: number; realm: string; components: string[] };
  acceptorName: { nameType: number; realm: string; components: string[] };
  authTime: number;
  endTime: number;
  sessionKey: [number, number, number];
  subkey: [number, number, number];
  acceptorSubkey?: [number, number, number];
  sendSeq: string;
  recv: {
    doReplay: boolean;
    doSequence: boolean;
    wide: boolean;
    base: string;
    next: string;
    recvmap: string;
  };
}

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/export-token-v1.json', import.meta.url), 'utf8'),
) as { sealKey: string; states: VectorState[]; tokens: { sealed: boolean; hex: string }[] };

const key = ([enctype, n, fill]: [number, number, number]): Key => ({
  enctype,
  keyvalue: new Uint8Array(n).map((_, i) => (fill + i * 7) & 255),
});

function state(v: VectorState): ContextState {
  const s: ContextState = {
    locallyInitiated: v.locallyInitiated,
    flags: v.flags,
    initiatorName: v.initiatorName,
    acceptorName: v.acceptorName,
    authTime: v.authTime,
    endTime: v.endTime,
    sessionKey: key(v.sessionKey),
    subkey: key(v.subkey),
    sendSeq: BigInt(v.sendSeq),
    recv: {
      doReplay: v.recv.doReplay,
      doSequence: v.recv.doSequence,
      wide: v.recv.wide,
      base: BigInt(v.recv.base),
      next: BigInt(v.recv.next),
      recvmap: BigInt(v.recv.recvmap),
    },
  };
  if (v.acceptorSubkey) s.acceptorSubkey = key(v.acceptorSubkey);
  return s;
}

/** The record as plain data (names and keys compared by value). */
function plain(s: ContextState): unknown {
  const k = (x: Key | undefined) => (x ? { enctype: x.enctype, keyvalue: [...x.keyvalue] } : undefined);
  const n = (p: ContextState['initiatorName']) => ({
    nameType: p.nameType,
    realm: p.realm,
    components: [...p.components],
  });
  return {
    ...s,
    initiatorName: n(s.initiatorName),
    acceptorName: n(s.acceptorName),
    sessionKey: k(s.sessionKey),
    subkey: k(s.subkey),
    acceptorSubkey: k(s.acceptorSubkey),
    recv: { ...s.recv },
  };
}

describe('interprocess tokens of version 1 (test/vectors/export-token-v1.json)', () => {
  const sealKey = fromHex(vectors.sealKey);
  vectors.tokens.forEach((t, i) => {
    const expected = state(vectors.states[i >> 1]);
    it(`token ${i} (${t.sealed ? 'sealed' : 'plain'}) imports to its record`, () => {
      const d = decodeExportToken(fromHex(t.hex), t.sealed ? { key: sealKey } : {});
      assert.equal(d.sealed, t.sealed);
      assert.deepEqual(plain(d.state), plain(expected));
    });
  });

  vectors.tokens.forEach((t, i) => {
    if (t.sealed) return;
    it(`the encoder writes token ${i}'s bytes again, token id and check value aside`, () => {
      const old = fromHex(t.hex);
      const now = encodeExportToken(state(vectors.states[i >> 1]));
      assert.equal(now.length, old.length);
      // Header before the token id (19 bytes), then length and body (after the 16-byte id).
      assert.deepEqual(now.subarray(0, 19), old.subarray(0, 19));
      assert.deepEqual(now.subarray(35, now.length - 16), old.subarray(35, old.length - 16));
      const d = decodeExportToken(now);
      assert.deepEqual(plain(d.state), plain(state(vectors.states[i >> 1])));
    });
  });

  it('a sealed token of the current encoder has the old one length and framing', () => {
    const sealKeyNow = fromHex(vectors.sealKey);
    const old = fromHex(vectors.tokens[1].hex);
    const now = encodeExportToken(state(vectors.states[0]), { key: sealKeyNow });
    assert.equal(now.length, old.length);
    assert.deepEqual(now.subarray(0, 19), old.subarray(0, 19));
    assert.deepEqual(
      plain(decodeExportToken(now, { key: sealKeyNow }).state),
      plain(state(vectors.states[0])),
    );
  });
});
