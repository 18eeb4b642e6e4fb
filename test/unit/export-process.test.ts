/**
 * The seed's scenario across real processes: a context established here is exported (sealed and
 * plain), the token goes through a pipe to a separate Node process (test/unit/export-child.ts),
 * which imports it with the RFC 2744 facade and carries on the exchange with the peer that
 * stayed here. The exporter's handle refuses every use.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  GSS_S_COMPLETE,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_NO_CONTEXT,
  GSS_S_UNAUTHORIZED,
  GssError,
} from '../../src/errors/status.js';
import type { SecurityContext } from '../../src/gssapi/context/context.js';
import { exportSecContext } from '../../src/gssapi/context/export.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { startImportingChild } from './export-child-driver.js';
import { type ExportWorld, startExportWorld } from './export-kdc.js';

const KEY = new Uint8Array(32).map((_, i) => 255 - i);

describe('export in this process, import in another', () => {
  let world: ExportWorld;
  before(async () => {
    world = await startExportWorld();
  });
  after(async () => {
    await world?.stop();
  });

  for (const side of ['acceptor', 'initiator'] as const) {
    for (const key of [KEY, undefined]) {
      it(`the ${side} moves to a child process (${key ? 'sealed' : 'plain'})`, async () => {
        const { ini, acc } = await world.establish({ sequence: true });
        const [mover, peer]: SecurityContext[] = side === 'acceptor' ? [acc, ini] : [ini, acc];
        const sent = [0, 1, 2, 3, 4].map((i) => peer.wrap(utf8(`before ${i}`)));
        const mic = peer.getMic(utf8('signed before'));
        assert.deepEqual(mover.unwrap(sent[0]).message, utf8('before 0'));
        assert.deepEqual(mover.unwrap(sent[1]).message, utf8('before 1'));
        const inquiry = {
          initiator: String(mover.initiatorName),
          acceptor: String(mover.acceptorName),
          flags: mover.flags,
          locallyInitiated: mover.locallyInitiated ? 1 : 0,
          lifetime: mover.lifetime,
        };
        const inquiredAt = Date.now();
        const token = exportSecContext(mover, { key });
        assert.throws(
          () => mover.wrap(utf8('x')),
          (e: unknown) => e instanceof GssError && e.major === GSS_S_NO_CONTEXT,
        );
        assert.throws(
          () => mover.unwrap(sent[2]),
          (e: unknown) => e instanceof GssError && e.major === GSS_S_NO_CONTEXT,
        );

        const child = startImportingChild();
        try {
          const imp = await child.call({ op: 'import', token: toHex(token), key: key && toHex(key) });
          assert.equal(imp.major, GSS_S_COMPLETE, JSON.stringify(imp));
          assert.notEqual(imp.pid, process.pid);
          const q = await child.call({ op: 'inquire' });
          assert.equal(q.major, GSS_S_COMPLETE);
          assert.equal(q.initiator, inquiry.initiator);
          assert.equal(q.acceptor, inquiry.acceptor);
          assert.equal(q.flags, inquiry.flags);
          assert.equal(q.locallyInitiated, inquiry.locallyInitiated);
          assert.equal(q.open, 1);
          // The remaining lifetime moved with the clock only: it lost at most the seconds that
          // passed since the inquiry (a child starts slowly on a loaded machine), plus rounding.
          const elapsed = Math.ceil((Date.now() - inquiredAt) / 1000);
          assert.ok(Number(q.lifetime) <= inquiry.lifetime, `${q.lifetime} > ${inquiry.lifetime}`);
          assert.ok(Number(q.lifetime) >= inquiry.lifetime - elapsed - 1, `${q.lifetime}, ${elapsed} s`);
          // The tokens the peer sent before the export, in order.
          for (let i = 2; i < 5; i++) {
            const r = await child.call({ op: 'unwrap', token: toHex(sent[i]) });
            assert.equal(r.major, GSS_S_COMPLETE);
            assert.equal(r.msg, toHex(utf8(`before ${i}`)));
          }
          assert.equal(
            (await child.call({ op: 'verifymic', msg: toHex(utf8('signed before')), mic: toHex(mic) })).major,
            0,
          );
          // Replays across the boundary.
          for (const t of [sent[0], sent[1], sent[3]]) {
            assert.equal((await child.call({ op: 'unwrap', token: toHex(t) })).major, GSS_S_DUPLICATE_TOKEN);
          }
          // The conversation goes on both ways.
          for (let i = 0; i < 3; i++) {
            const fresh = peer.wrap(utf8(`after ${i}`));
            const r = await child.call({ op: 'unwrap', token: toHex(fresh) });
            assert.equal(r.major, GSS_S_COMPLETE);
            const w = await child.call({ op: 'wrap', msg: toHex(utf8(`reply ${i}`)) });
            assert.equal(w.major, GSS_S_COMPLETE);
            const back = peer.unwrap(fromHex(String(w.token)));
            assert.equal(back.supplementary, 0);
            assert.deepEqual(back.message, utf8(`reply ${i}`));
          }
          const m = await child.call({ op: 'getmic', msg: toHex(utf8('from the child')) });
          assert.equal(peer.verifyMic(utf8('from the child'), fromHex(String(m.token))), 0);
          // One import per token per process.
          assert.equal((await child.call({ op: 'import-again' })).major, GSS_S_UNAUTHORIZED);
          assert.equal((await child.call({ op: 'delete' })).major, GSS_S_COMPLETE);
        } finally {
          await child.close();
        }
      });
    }
  }
});
