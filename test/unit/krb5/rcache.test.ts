import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryReplayCache } from '../../../src/krb5/rcache/memory.js';

describe('MemoryReplayCache', () => {
  it('rejects a tag seen within its lifetime and forgets it afterwards', () => {
    let now = 1_000_000;
    const rc = new MemoryReplayCache(() => now);
    const tag = Uint8Array.of(1, 2, 3);
    assert.equal(rc.checkAndStore(tag, now + 300_000), true);
    assert.equal(rc.checkAndStore(Uint8Array.of(1, 2, 3), now + 300_000), false);
    assert.equal(rc.checkAndStore(Uint8Array.of(1, 2, 4), now + 300_000), true);
    now += 300_001;
    assert.equal(rc.checkAndStore(tag, now + 300_000), true);
  });

  it('sweeps expired entries as it grows', () => {
    let now = 0;
    const rc = new MemoryReplayCache(() => now);
    for (let i = 0; i < 2000; i++) rc.checkAndStore(new Uint8Array(Uint32Array.of(i).buffer), 10);
    now = 20;
    for (let i = 0; i < 1100; i++) rc.checkAndStore(new Uint8Array(Uint32Array.of(100_000 + i).buffer), 30);
    assert.ok(rc.size < 2000 + 1100, `size ${rc.size}`);
  });
});
