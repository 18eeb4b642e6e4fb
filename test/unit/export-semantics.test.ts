/**
 * gss_export_sec_context / gss_import_sec_context in the idiomatic API, on contexts established
 * by our initiator and acceptor (embedded KDC): the seed page's semantics (export kills the
 * handle; a failed export changes nothing), RFC 2743 2.2.8 (TRANS, UNAVAILABLE, CONTEXT_EXPIRED),
 * and an import that restores the context exactly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import {
  GSS_S_CONTEXT_EXPIRED,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_GAP_TOKEN,
  GSS_S_NO_CONTEXT,
  GSS_S_UNAUTHORIZED,
  GSS_S_UNAVAILABLE,
  GSS_S_UNSEQ_TOKEN,
  GssError,
} from '../../src/errors/status.js';
import type { SecurityContext } from '../../src/gssapi/context/context.js';
import { SecurityContext as Ctx } from '../../src/gssapi/context/context.js';
import { getContextState } from '../../src/gssapi/context/context-internal.js';
import { exportSecContext, importSecContext, releaseBuffer } from '../../src/gssapi/context/export.js';
import { GSS_C_TRANS_FLAG } from '../../src/gssapi/flags.js';
import { Name } from '../../src/gssapi/names/names.js';
import { utf8 } from '../../src/util/bytes.js';
import { setClockOffset } from '../../src/util/clock.js';
import { type ExportWorld, startExportWorld } from './export-kdc.js';

const KEY = new Uint8Array(32).map((_, i) => i * 7 + 1);

function rejects(fn: () => unknown, major: number, minor?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GssError, `not a GssError: ${String(e)}`);
    assert.equal(e.major, major, `major ${e.code}`);
    if (minor !== undefined) assert.equal(e.minor, minor);
    return true;
  });
}

/** Every call of a dead handle: NO_CONTEXT. */
function assertDead(ctx: SecurityContext, peerToken: Uint8Array, peerMic: Uint8Array): void {
  const calls: [string, () => unknown][] = [
    ['wrap', () => ctx.wrap(utf8('x'))],
    ['unwrap', () => ctx.unwrap(peerToken)],
    ['getMic', () => ctx.getMic(utf8('x'))],
    ['verifyMic', () => ctx.verifyMic(utf8('m'), peerMic)],
    ['wrapSizeLimit', () => ctx.wrapSizeLimit(1000)],
    ['initiatorName', () => ctx.initiatorName],
    ['acceptorName', () => ctx.acceptorName],
    ['lifetime', () => ctx.lifetime],
    ['contextTime', () => ctx.contextTime()],
    ['flags', () => ctx.flags],
    ['locallyInitiated', () => ctx.locallyInitiated],
    ['isOpen', () => ctx.isOpen],
    ['export', () => ctx.export()],
    ['export sealed', () => ctx.export({ key: KEY })],
    ['delete', () => ctx.delete()],
  ];
  for (const [what, fn] of calls) {
    try {
      fn();
      assert.fail(`${what} succeeded on a dead handle`);
    } catch (e) {
      assert.ok(e instanceof GssError, `${what}: ${String(e)}`);
      assert.equal(e.major, GSS_S_NO_CONTEXT, `${what}: ${e.code}`);
    }
  }
}

/** What gss_inquire_context reports. */
function inquire(ctx: SecurityContext) {
  // The lifetime counts down: seconds are compared to the minute so a tick does not matter.
  return {
    initiator: String(ctx.initiatorName),
    acceptor: String(ctx.acceptorName),
    flags: ctx.flags,
    lifetime: Math.round(ctx.lifetime / 60),
    locallyInitiated: ctx.locallyInitiated,
    open: ctx.isOpen,
  };
}

describe('export/import semantics (idiomatic API)', () => {
  let world: ExportWorld;
  before(async () => {
    world = await startExportWorld();
  });
  after(async () => {
    setClockOffset(0);
    await world?.stop();
  });

  it('established contexts report TRANS; export kills the handle for every later call', async () => {
    for (const sealed of [false, true]) {
      const { ini, acc } = await world.establish();
      assert.ok(ini.flags & GSS_C_TRANS_FLAG);
      assert.ok(acc.flags & GSS_C_TRANS_FLAG);
      const fromIni = ini.wrap(utf8('to the acceptor'));
      const mic = ini.getMic(utf8('m'));
      const token = exportSecContext(acc, sealed ? { key: KEY } : {});
      assert.ok(token.length > 0);
      assert.equal(getContextState(acc), undefined);
      assertDead(acc, fromIni, mic);
      // The imported copy carries on.
      const copy = importSecContext(token, sealed ? { key: KEY } : {});
      assert.deepEqual(copy.unwrap(fromIni).message, utf8('to the acceptor'));
      assert.equal(copy.verifyMic(utf8('m'), mic), 0);
    }
  });

  it('export wipes the exported keys from the dead handle', async () => {
    const { acc } = await world.establish();
    const s = getContextState(acc)!;
    const keys = [s.sessionKey, s.subkey, s.acceptorSubkey!];
    acc.export();
    for (const k of keys) assert.ok(k.keyvalue.every((b) => b === 0));
  });

  it('a bad sealing key leaves the context unchanged and usable', async () => {
    const { ini, acc } = await world.establish();
    const before = inquire(acc);
    const sendSeq = getContextState(acc)!.sendSeq;
    for (const key of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0)]) {
      rejects(() => acc.export({ key }), GSS_S_FAILURE);
    }
    assert.deepEqual(inquire(acc), before);
    assert.equal(getContextState(acc)!.sendSeq, sendSeq);
    assert.deepEqual(ini.unwrap(acc.wrap(utf8('still here'))).message, utf8('still here'));
    assert.deepEqual(acc.unwrap(ini.wrap(utf8('and here'))).message, utf8('and here'));
    const copy = importSecContext(acc.export({ key: KEY }), { key: KEY });
    assert.deepEqual(ini.unwrap(copy.wrap(utf8('after'))).message, utf8('after'));
  });

  it('a failure injected in the encoding step leaves the context unchanged and usable', async () => {
    const { ini, acc } = await world.establish();
    const s = getContextState(acc)!;
    const name = s.initiatorName;
    const before = inquire(acc);
    // kg_ctx_externalize failing (MIT: ENOMEM, GSS_S_FAILURE): the encoder reads the record
    // field by field, so a field that cannot be read stops it half-way.
    const ENOMEM = 12;
    Object.defineProperty(s, 'initiatorName', {
      configurable: true,
      enumerable: true,
      get() {
        throw new GssError(GSS_S_FAILURE, ENOMEM, 'injected encoding failure');
      },
    });
    rejects(() => acc.export(), GSS_S_FAILURE, ENOMEM);
    rejects(() => acc.export({ key: KEY }), GSS_S_FAILURE, ENOMEM);
    Object.defineProperty(s, 'initiatorName', {
      configurable: true,
      enumerable: true,
      writable: true,
      value: name,
    });
    assert.equal(getContextState(acc), s, 'the handle keeps its record');
    assert.deepEqual(inquire(acc), before);
    assert.ok(
      s.sessionKey.keyvalue.some((b) => b !== 0),
      'keys not wiped',
    );
    assert.deepEqual(acc.unwrap(ini.wrap(utf8('usable'))).message, utf8('usable'));
    const copy = importSecContext(acc.export());
    assert.deepEqual(inquire(copy), before);
  });

  it('a context not fully established: UNAVAILABLE, unchanged, TRANS absent until established', async () => {
    const ini = Ctx.initiate({ target: Name.hostbased('gsstest@localhost'), credentials: world.alice });
    rejects(() => ini.export(), GSS_S_UNAVAILABLE, MINOR.KG_CTX_INCOMPLETE);
    const t1 = await ini.step();
    assert.equal(ini.isEstablished, false);
    assert.equal(ini.flags & GSS_C_TRANS_FLAG, 0);
    rejects(() => ini.export(), GSS_S_UNAVAILABLE, MINOR.KG_CTX_INCOMPLETE);
    rejects(() => ini.export({ key: KEY }), GSS_S_UNAVAILABLE);
    const acc = Ctx.accept({ credentials: world.acceptor });
    rejects(() => acc.export(), GSS_S_UNAVAILABLE);
    const t2 = await acc.step(t1);
    // The handle was left as it was: establishment completes.
    await ini.step(t2);
    assert.ok(ini.isEstablished);
    assert.ok(ini.flags & GSS_C_TRANS_FLAG);
    const copy = importSecContext(ini.export());
    assert.deepEqual(acc.unwrap(copy.wrap(utf8('established'))).message, utf8('established'));
  });

  it('an expired context: CONTEXT_EXPIRED, unchanged', async () => {
    const { ini, acc } = await world.establish();
    const lifetime = ini.lifetime;
    try {
      // Past the ticket end time, and past the acceptor's clock-skew grace.
      setClockOffset((lifetime + 301) * 1000);
      rejects(() => ini.export(), GSS_S_CONTEXT_EXPIRED);
      rejects(() => acc.export({ key: KEY }), GSS_S_CONTEXT_EXPIRED);
      assert.ok(getContextState(ini) && getContextState(acc));
    } finally {
      setClockOffset(0);
    }
    assert.deepEqual(acc.unwrap(ini.wrap(utf8('alive'))).message, utf8('alive'));
    importSecContext(acc.export());
  });

  it('after delete: NO_CONTEXT', async () => {
    const { ini, acc } = await world.establish();
    acc.delete();
    rejects(() => acc.export(), GSS_S_NO_CONTEXT);
    assertDead(acc, ini.wrap(utf8('late')), ini.getMic(utf8('m')));
  });

  it('import restores names, flags, lifetime, keys and the sequence state exactly', async () => {
    for (const key of [undefined, KEY]) {
      const { ini, acc } = await world.establish();
      const toAcc = [1, 2, 3, 4, 5].map((i) => ini.wrap(utf8(`msg ${i}`)));
      const micToAcc = ini.getMic(utf8('mic'));
      assert.deepEqual(acc.unwrap(toAcc[0]).message, utf8('msg 1'));
      assert.deepEqual(acc.unwrap(toAcc[1]).message, utf8('msg 2'));
      const before = inquire(acc);
      const record = structuredClone(getContextState(acc)!);
      const copy = importSecContext(acc.export({ key }), { key });
      assert.deepEqual(inquire(copy), before);
      assert.deepEqual(getContextState(copy), record, 'the whole record survives');
      assert.ok(record.acceptorSubkey, 'acceptor subkey (RFC 4121 FLAG_ACCEPTOR_SUBKEY) travelled');
      // Sent before the export, unwrapped after it, in order.
      for (let i = 2; i < 5; i++) {
        const r = copy.unwrap(toAcc[i]);
        assert.deepEqual(r.message, utf8(`msg ${i + 1}`));
        assert.equal(r.supplementary, 0);
      }
      assert.equal(copy.verifyMic(utf8('mic'), micToAcc), 0);
      // Unwrapped before the export: a replay after it.
      assert.equal(copy.unwrap(toAcc[0]).supplementary, GSS_S_DUPLICATE_TOKEN);
      assert.equal(copy.unwrap(toAcc[1]).supplementary, GSS_S_DUPLICATE_TOKEN);
      // The send sequence continues: the initiator sees no gap and no replay.
      const back = ini.unwrap(copy.wrap(utf8('reply')));
      assert.equal(back.supplementary, 0);
      assert.deepEqual(back.message, utf8('reply'));
    }
  });

  it('a gap at export time stays a gap after import', async () => {
    const { ini, acc } = await world.establish({ sequence: true });
    const t = [0, 1, 2, 3].map((i) => ini.wrap(utf8(`m${i}`)));
    assert.equal(acc.unwrap(t[0]).supplementary, 0);
    assert.equal(acc.unwrap(t[2]).supplementary, GSS_S_GAP_TOKEN);
    const copy = importSecContext(acc.export());
    // The missing token arrives late: MIT's g_seqstate calls it UNSEQ; the skipped one is no replay.
    const late = copy.unwrap(t[1]);
    assert.deepEqual(late.message, utf8('m1'));
    assert.equal(late.supplementary, GSS_S_UNSEQ_TOKEN);
    assert.equal(copy.unwrap(t[2]).supplementary, GSS_S_DUPLICATE_TOKEN);
    assert.equal(copy.unwrap(t[3]).supplementary, 0);
  });

  it('the same token imported twice in one process: UNAUTHORIZED', async () => {
    const { acc } = await world.establish();
    const token = acc.export({ key: KEY });
    importSecContext(token, { key: KEY });
    rejects(() => importSecContext(token, { key: KEY }), GSS_S_UNAUTHORIZED);
  });

  it('releaseBuffer zeroes the token', async () => {
    const { acc } = await world.establish();
    const token = acc.export();
    const view = token.subarray(0);
    releaseBuffer(token);
    assert.ok(view.every((b) => b === 0));
    releaseBuffer(undefined);
  });
});
