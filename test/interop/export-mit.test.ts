/**
 * Export and import with MIT krb5 1.20 as the peer (python3-gssapi, test/interop/export-peer.py)
 * in a live realm: MIT's initiator talks to our acceptor, which is exported and imported in a
 * separate Node process that unwraps MIT's tokens, those sent before the export included; the
 * reverse direction with our initiator and MIT's acceptor; and MIT's own status codes for the
 * cases whose codes we copy or deliberately do not (docs/export-token.md, "Compared with MIT").
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import {
  GSS_S_BAD_MECH,
  GSS_S_CALL_BAD_STRUCTURE,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_COMPLETE,
  GSS_S_CONTEXT_EXPIRED,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_NO_CONTEXT,
  GSS_S_UNAVAILABLE,
  GssError,
} from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { exportSecContext, importSecContext } from '../../src/gssapi/context/export.js';
import { GSS_C_TRANS_FLAG } from '../../src/gssapi/flags.js';
import { Name } from '../../src/gssapi/names/names.js';
import { GSS_C_NO_CONTEXT, gss_export_sec_context, gssEmptyBuffer } from '../../src/gssapi/rfc2744/index.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { ALICE_PASSWORD, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { startImportingChild } from '../unit/export-child-driver.js';
import { type ExportPeer, startExportPeer } from './export-peer.js';

const KEY = new Uint8Array(32).map((_, i) => (i * 13 + 5) & 0xff);
const hex = (s: string) => toHex(utf8(s));

function gssMajor(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GssError, `not a GssError: ${String(e)}`);
    return e.major;
  }
  return GSS_S_COMPLETE;
}

describe('export/import with MIT krb5 as the peer', { skip: interopSkip() }, () => {
  let realm: Realm;
  const peers: ExportPeer[] = [];
  let restoreEnv = () => {};
  const peer = (env?: NodeJS.ProcessEnv) => {
    const p = startExportPeer(env ?? realm.env);
    peers.push(p);
    return p;
  };

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
  });
  after(async () => {
    for (const p of peers) await p.close();
    restoreEnv();
    await realm?.stop();
  });

  it("MIT initiator, our acceptor exported to another process: MIT's earlier tokens unwrap there", async () => {
    const mit = peer();
    const t1 = await mit.ok({
      op: 'init',
      target: 'gsstest@localhost',
      flags: ['mutual', 'replay', 'sequence'],
    });
    const acc = SecurityContext.accept();
    const t2 = await acc.step(fromHex(String(t1.token)));
    assert.ok(t2);
    assert.equal((await mit.ok({ op: 'step', token: toHex(t2) })).complete, true);
    assert.ok(acc.flags & GSS_C_TRANS_FLAG);
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 5; i++)
      sent.push(fromHex(String((await mit.ok({ op: 'wrap', msg: hex(`mit ${i}`) })).token)));
    const mic = fromHex(String((await mit.ok({ op: 'getmic', msg: hex('mit signed') })).token));
    assert.deepEqual(acc.unwrap(sent[0]).message, utf8('mit 0'));
    assert.deepEqual(acc.unwrap(sent[1]).message, utf8('mit 1'));
    const fromUs = acc.wrap(utf8('ours before'));
    const token = exportSecContext(acc, { key: KEY });
    assert.equal(
      gssMajor(() => acc.unwrap(sent[2])),
      GSS_S_NO_CONTEXT,
    );

    const child = startImportingChild();
    try {
      assert.equal(
        (await child.call({ op: 'import', token: toHex(token), key: toHex(KEY) })).major,
        GSS_S_COMPLETE,
      );
      const q = await child.call({ op: 'inquire' });
      assert.equal(q.initiator, `alice@${realm.realm}`);
      for (let i = 2; i < 5; i++) {
        const r = await child.call({ op: 'unwrap', token: toHex(sent[i]) });
        assert.equal(r.major, GSS_S_COMPLETE, `mit ${i}`);
        assert.equal(r.msg, hex(`mit ${i}`));
      }
      assert.equal((await child.call({ op: 'verifymic', msg: hex('mit signed'), mic: toHex(mic) })).major, 0);
      // Replays across the boundary: one unwrapped here, one there.
      assert.equal((await child.call({ op: 'unwrap', token: toHex(sent[0]) })).major, GSS_S_DUPLICATE_TOKEN);
      assert.equal((await child.call({ op: 'unwrap', token: toHex(sent[3]) })).major, GSS_S_DUPLICATE_TOKEN);
      // MIT continues with the importer, both ways, its sequence checks satisfied.
      assert.equal((await mit.ok({ op: 'unwrap', token: toHex(fromUs) })).msg, hex('ours before'));
      for (let i = 0; i < 3; i++) {
        const w = await mit.ok({ op: 'wrap', msg: hex(`mit after ${i}`) });
        assert.equal((await child.call({ op: 'unwrap', token: String(w.token) })).msg, hex(`mit after ${i}`));
        const back = await child.call({ op: 'wrap', msg: hex(`child ${i}`) });
        assert.equal((await mit.ok({ op: 'unwrap', token: String(back.token) })).msg, hex(`child ${i}`));
      }
      const m = await child.call({ op: 'getmic', msg: hex('from the child') });
      await mit.ok({ op: 'verifymic', msg: hex('from the child'), mic: String(m.token) });
    } finally {
      await child.close();
    }
  });

  it('our initiator exported to another process, MIT acceptor: the exchange continues', async () => {
    const mit = peer();
    await mit.ok({ op: 'accept' });
    const ini = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), sequence: true });
    const t1 = await ini.step();
    assert.ok(t1);
    const r = await mit.ok({ op: 'step', token: toHex(t1) });
    await ini.step(fromHex(String(r.token)));
    assert.ok(ini.isEstablished && ini.flags & GSS_C_TRANS_FLAG);
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) sent.push(String((await mit.ok({ op: 'wrap', msg: hex(`acc ${i}`) })).token));
    assert.deepEqual(ini.unwrap(fromHex(sent[0])).message, utf8('acc 0'));
    const token = exportSecContext(ini);
    const child = startImportingChild();
    try {
      assert.equal((await child.call({ op: 'import', token: toHex(token) })).major, GSS_S_COMPLETE);
      for (let i = 1; i < 4; i++) {
        assert.equal((await child.call({ op: 'unwrap', token: sent[i] })).msg, hex(`acc ${i}`));
      }
      assert.equal((await child.call({ op: 'unwrap', token: sent[0] })).major, GSS_S_DUPLICATE_TOKEN);
      const w = await child.call({ op: 'wrap', msg: hex('initiator moved') });
      assert.equal((await mit.ok({ op: 'unwrap', token: String(w.token) })).msg, hex('initiator moved'));
      // MIT's replay detection sees the importer's numbers as new ones.
      const again = await mit.call({ op: 'unwrap', token: String(w.token) });
      assert.ok(again.error, 'MIT refuses the replayed token');
    } finally {
      await child.close();
    }
  });

  it('MIT import of bad tokens: the mechglue codes we copy, and MIT’s answer for a bad inner token', async () => {
    const mit = peer();
    const ours = exportSecContext(
      await (async () => {
        const p = peer();
        const t1 = await p.ok({ op: 'init', target: 'gsstest@localhost', flags: ['replay'] });
        const acc = SecurityContext.accept();
        await acc.step(fromHex(String(t1.token)));
        return acc;
      })(),
    );
    const cases: [string, string, number, number][] = [
      // name, token, MIT's major, ours
      [
        'empty',
        '',
        GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN,
        GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN,
      ],
      [
        '3 bytes',
        '000009',
        GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN,
        GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN,
      ],
      [
        'OID length 0',
        '0000000000',
        GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN,
        GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN,
      ],
      [
        'OID length past the end',
        '000000ff2a',
        GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN,
        GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN,
      ],
      ['unknown mechanism', '000000032a0304aabbcc', GSS_S_BAD_MECH, GSS_S_BAD_MECH],
      // A bad krb5 inner token: MIT's krb5 mechanism says FAILURE (minor EINVAL); we say DEFECTIVE_TOKEN.
      [
        'krb5 OID, garbage body',
        `000000092a864886f712010202${'00'.repeat(40)}`,
        GSS_S_FAILURE,
        GSS_S_DEFECTIVE_TOKEN,
      ],
      ['krb5 OID, no body', '000000092a864886f712010202', GSS_S_FAILURE, GSS_S_DEFECTIVE_TOKEN],
      ['our token', toHex(ours), GSS_S_FAILURE, GSS_S_COMPLETE],
    ];
    for (const [what, token, mitMajor, ourMajor] of cases) {
      const a = await mit.call({ op: 'import', token });
      assert.equal(a.error?.major ?? 0, mitMajor >>> 0, `MIT, ${what}: ${JSON.stringify(a.error)}`);
      assert.equal(
        gssMajor(() => importSecContext(fromHex(token))),
        ourMajor >>> 0,
        `ours, ${what}`,
      );
    }
    // MIT's own interprocess token (same framing, MIT's body): DEFECTIVE_TOKEN for us.
    const p = peer();
    const acc = peer();
    await acc.ok({ op: 'accept' });
    const t1 = await p.ok({ op: 'init', target: 'gsstest@localhost', flags: ['mutual'] });
    await p.ok({ op: 'step', token: String((await acc.ok({ op: 'step', token: String(t1.token) })).token) });
    const mitToken = String((await p.ok({ op: 'export' })).token);
    assert.equal(mitToken.slice(0, 26), '000000092a864886f712010202');
    assert.equal(
      gssMajor(() => importSecContext(fromHex(mitToken))),
      GSS_S_DEFECTIVE_TOKEN,
    );
    // MIT imports one token twice in one process (we refuse: GSS_S_UNAUTHORIZED).
    assert.deepEqual(await p.call({ op: 'import', token: mitToken }), {});
    assert.deepEqual(await p.call({ op: 'import', token: mitToken }), {});
  });

  it('MIT exports unestablished and expired contexts and reports TRANS early; we refuse (RFC 2743 2.2.8)', async () => {
    // Not established: MIT's initiator after its first step, mutual authentication pending.
    const mit = peer();
    await mit.ok({ op: 'init', target: 'gsstest@localhost', flags: ['mutual'] });
    const partial = await mit.ok({ op: 'inquire' });
    assert.equal(partial.complete, false);
    assert.ok(Number(partial.flags) & GSS_C_TRANS_FLAG, 'MIT 1.20 reports TRANS before establishment');
    // Per-message calls on it: NO_CONTEXT with KG_CTX_INCOMPLETE, on both sides.
    const wrapPartial = await mit.call({ op: 'wrap', msg: hex('early') });
    assert.equal(wrapPartial.error?.major, GSS_S_NO_CONTEXT);
    assert.equal(wrapPartial.error?.minor, MINOR.KG_CTX_INCOMPLETE);
    assert.ok((await mit.call({ op: 'export' })).token, 'MIT 1.20 exports a partial context');
    // After the export MIT's handle is NULL: CALL_INACCESSIBLE_READ | NO_CONTEXT, as the facade's.
    const exportedTwice = await mit.call({ op: 'export' });
    assert.equal(exportedTwice.error?.major, (GSS_S_CALL_INACCESSIBLE_READ | GSS_S_NO_CONTEXT) >>> 0);
    assert.equal(
      gss_export_sec_context({ value: 0 }, { value: GSS_C_NO_CONTEXT }, gssEmptyBuffer()),
      exportedTwice.error?.major,
    );
    const ours = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost') });
    await ours.step();
    assert.equal(ours.flags & GSS_C_TRANS_FLAG, 0);
    assert.throws(
      () => ours.wrap(utf8('early')),
      (e: unknown) =>
        e instanceof GssError && e.major === GSS_S_NO_CONTEXT && e.minor === MINOR.KG_CTX_INCOMPLETE,
    );
    assert.equal(
      gssMajor(() => ours.export()),
      GSS_S_UNAVAILABLE,
    );

    // Expired: a 4-second ticket, established, then waited out.
    const cc = `FILE:${realm.dir}/export-short.ccache`;
    realm.run(MIT_BIN.kinit, ['-l', '4s', '-c', cc, 'alice'], { input: `${ALICE_PASSWORD}\n` });
    const short = peer({ ...realm.env, KRB5CCNAME: cc });
    const acc = peer();
    await acc.ok({ op: 'accept' });
    const t1 = await short.ok({ op: 'init', target: 'gsstest@localhost', flags: ['mutual'] });
    await short.ok({
      op: 'step',
      token: String((await acc.ok({ op: 'step', token: String(t1.token) })).token),
    });
    const ourIni = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost') });
    const mitAcc = peer();
    await mitAcc.ok({ op: 'accept' });
    // Ours, with the same short ticket.
    const savedCc = process.env.KRB5CCNAME;
    process.env.KRB5CCNAME = cc;
    try {
      const o1 = await ourIni.step();
      await ourIni.step(fromHex(String((await mitAcc.ok({ op: 'step', token: toHex(o1!) })).token)));
    } finally {
      process.env.KRB5CCNAME = savedCc;
    }
    assert.ok(ourIni.lifetime <= 4);
    await new Promise((r) => setTimeout(r, (ourIni.lifetime + 1.2) * 1000));
    const expired = await short.call({ op: 'inquire' });
    assert.equal(expired.error?.major, GSS_S_CONTEXT_EXPIRED, 'MIT: inquire says expired');
    assert.ok((await short.call({ op: 'export' })).token, 'MIT 1.20 exports an expired context');
    assert.equal(
      gssMajor(() => ourIni.export()),
      GSS_S_CONTEXT_EXPIRED,
    );
    assert.ok(ourIni.isEstablished, 'unchanged');
  });
});
