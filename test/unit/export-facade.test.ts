/**
 * The seed's scenario through the RFC 2744 facade (gssapi-ts/rfc2744): establishment, export
 * (the handle becomes GSS_C_NO_CONTEXT), failures that leave the handle alone, import, the
 * calling errors of MIT's mechglue, and the small calls around them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { getContextState } from '../../src/gssapi/context/context-internal.js';
import {
  type Box,
  GSS_C_ACCEPT,
  GSS_C_BOTH,
  GSS_C_GSS_CODE,
  GSS_C_INDEFINITE,
  GSS_C_MECH_CODE,
  GSS_C_MUTUAL_FLAG,
  GSS_C_NO_BUFFER,
  GSS_C_NO_CHANNEL_BINDINGS,
  GSS_C_NO_CONTEXT,
  GSS_C_NO_CREDENTIAL,
  GSS_C_NO_NAME,
  GSS_C_NO_OID,
  GSS_C_NO_OID_SET,
  GSS_C_NT_HOSTBASED_SERVICE,
  GSS_C_QOP_DEFAULT,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
  GSS_C_TRANS_FLAG,
  GSS_CALLING_ERROR,
  GSS_MECH_KRB5_OID,
  GSS_ROUTINE_ERROR,
  GSS_S_BAD_MECH,
  GSS_S_BAD_NAME,
  GSS_S_CALL_BAD_STRUCTURE,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_CALL_INACCESSIBLE_WRITE,
  GSS_S_COMPLETE,
  GSS_S_CONTEXT_EXPIRED,
  GSS_S_CONTINUE_NEEDED,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_NO_CONTEXT,
  GSS_S_NO_CRED,
  GSS_S_UNAUTHORIZED,
  GSS_S_UNAVAILABLE,
  type GssBufferDesc,
  type GssCredId,
  type GssCtxId,
  type GssName,
  type GssOid,
  type GssOidSet,
  gss_accept_sec_context,
  gss_acquire_cred,
  gss_compare_name,
  gss_context_time,
  gss_delete_sec_context,
  gss_display_name,
  gss_display_status,
  gss_export_name,
  gss_export_sec_context,
  gss_get_mic,
  gss_import_name,
  gss_import_sec_context,
  gss_indicate_mechs,
  gss_init_sec_context,
  gss_inquire_context,
  gss_release_buffer,
  gss_release_cred,
  gss_release_name,
  gss_unwrap,
  gss_verify_mic,
  gss_wrap,
  gss_wrap_size_limit,
  gssBuffer,
  gssEmptyBuffer,
} from '../../src/gssapi/rfc2744/index.js';
import { fromUtf8, utf8 } from '../../src/util/bytes.js';
import { setClockOffset } from '../../src/util/clock.js';
import { type ExportWorld, startExportWorld } from './export-kdc.js';

const KEY = new Uint8Array(32).fill(0x33);
const REQ = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;

interface Pair {
  ini: Box<GssCtxId>;
  acc: Box<GssCtxId>;
}

function wrapMsg(ctx: GssCtxId, text: string): GssBufferDesc {
  const minor = { value: 0 };
  const out = gssEmptyBuffer();
  assert.equal(gss_wrap(minor, ctx, 1, GSS_C_QOP_DEFAULT, gssBuffer(utf8(text)), null, out), GSS_S_COMPLETE);
  return out;
}

function unwrapMsg(ctx: GssCtxId, token: GssBufferDesc): { major: number; text: string } {
  const minor = { value: 0 };
  const out = gssEmptyBuffer();
  const major = gss_unwrap(minor, ctx, token, out, null, null);
  return { major, text: fromUtf8(out.value) };
}

describe('the RFC 2744 facade: export and import', () => {
  let world: ExportWorld;
  let target: GssName;
  let acceptorCred: GssCredId;

  before(async () => {
    world = await startExportWorld();
    const minor = { value: 0 };
    const name: Box<GssName> = { value: null };
    assert.equal(
      gss_import_name(minor, gssBuffer(utf8('gsstest@localhost')), GSS_C_NT_HOSTBASED_SERVICE, name),
      GSS_S_COMPLETE,
    );
    target = name.value;
    const cred: Box<GssCredId> = { value: null };
    const actual: Box<GssOidSet> = { value: null };
    const time = { value: 0 };
    const major = await gss_acquire_cred(
      minor,
      GSS_C_NO_NAME,
      0,
      GSS_C_NO_OID_SET,
      GSS_C_ACCEPT,
      cred,
      actual,
      time,
    );
    assert.equal(major, GSS_S_COMPLETE);
    assert.deepEqual(actual.value, [GSS_MECH_KRB5_OID, '1.3.6.1.5.5.2']);
    assert.equal(time.value, GSS_C_INDEFINITE);
    acceptorCred = cred.value;
  });
  after(async () => {
    setClockOffset(0);
    await world?.stop();
  });

  /** init/accept/init through the facade; `steps` stops early (2: after accept). */
  async function establish(steps = 3): Promise<Pair> {
    const minor = { value: 0 };
    const ini: Box<GssCtxId> = { value: GSS_C_NO_CONTEXT };
    const acc: Box<GssCtxId> = { value: GSS_C_NO_CONTEXT };
    const t1 = gssEmptyBuffer();
    const flags = { value: 0 };
    let major = await gss_init_sec_context(
      minor,
      world.alice,
      ini,
      target,
      GSS_C_NO_OID,
      REQ,
      0,
      GSS_C_NO_CHANNEL_BINDINGS,
      GSS_C_NO_BUFFER,
      null,
      t1,
      flags,
      null,
    );
    assert.equal(major, GSS_S_CONTINUE_NEEDED);
    assert.equal(flags.value & GSS_C_TRANS_FLAG, 0, 'no TRANS before establishment');
    if (steps < 2) return { ini, acc };
    const t2 = gssEmptyBuffer();
    const src: Box<GssName> = { value: null };
    major = await gss_accept_sec_context(
      minor,
      acc,
      acceptorCred,
      t1,
      GSS_C_NO_CHANNEL_BINDINGS,
      src,
      null,
      t2,
      flags,
      null,
      null,
    );
    assert.equal(major, GSS_S_COMPLETE);
    assert.ok(flags.value & GSS_C_TRANS_FLAG);
    if (steps < 3) return { ini, acc };
    const t3 = gssEmptyBuffer();
    major = await gss_init_sec_context(
      minor,
      world.alice,
      ini,
      target,
      GSS_C_NO_OID,
      REQ,
      0,
      GSS_C_NO_CHANNEL_BINDINGS,
      t2,
      null,
      t3,
      flags,
      null,
    );
    assert.equal(major, GSS_S_COMPLETE);
    assert.ok(flags.value & GSS_C_TRANS_FLAG);
    assert.equal(t3.length, 0);
    return { ini, acc };
  }

  it('export: token out, handle GSS_C_NO_CONTEXT, every later call NO_CONTEXT; import carries on', async () => {
    const { ini, acc } = await establish();
    const pending = [wrapMsg(ini.value, 'one'), wrapMsg(ini.value, 'two'), wrapMsg(ini.value, 'three')];
    assert.equal(unwrapMsg(acc.value, pending[0]).text, 'one');
    const stale = acc.value;
    const minor = { value: 7 };
    const token = gssEmptyBuffer();
    assert.equal(gss_export_sec_context(minor, acc, token, { key: KEY }), GSS_S_COMPLETE);
    assert.equal(minor.value, 0);
    assert.equal(acc.value, GSS_C_NO_CONTEXT);
    assert.equal(token.length, token.value.length);
    // Through the (now null) handle: MIT's CALL_INACCESSIBLE_READ | NO_CONTEXT; through a
    // stale copy of the old handle: NO_CONTEXT. Both have NO_CONTEXT as routine error.
    for (const h of [acc.value, stale]) {
      const out = gssEmptyBuffer();
      const majors = [
        gss_wrap(minor, h, 1, 0, gssBuffer(utf8('x')), null, out),
        gss_unwrap(minor, h, pending[1], out, null, null),
        gss_get_mic(minor, h, 0, gssBuffer(utf8('x')), out),
        gss_verify_mic(minor, h, gssBuffer(utf8('x')), pending[1], null),
        gss_wrap_size_limit(minor, h, 1, 0, 1000, { value: 0 }),
        gss_inquire_context(minor, h, null, null, null, null, { value: 0 }, null, null),
        gss_context_time(minor, h, { value: 0 }),
        gss_export_sec_context(minor, { value: h }, gssEmptyBuffer()),
        gss_delete_sec_context(minor, { value: h }, null),
      ];
      for (const [i, m] of majors.entries()) {
        assert.equal(GSS_ROUTINE_ERROR(m), GSS_S_NO_CONTEXT, `call ${i}: ${m.toString(16)}`);
        if (h === stale) assert.equal(GSS_CALLING_ERROR(m), 0);
      }
    }
    assert.equal(
      gss_wrap(minor, stale, 1, 0, gssBuffer(utf8('x')), null, gssEmptyBuffer()),
      GSS_S_NO_CONTEXT,
    );
    assert.equal(
      gss_wrap(minor, acc.value, 1, 0, gssBuffer(utf8('x')), null, gssEmptyBuffer()),
      (GSS_S_CALL_INACCESSIBLE_READ | GSS_S_NO_CONTEXT) >>> 0,
    );
    assert.equal(
      gss_delete_sec_context(minor, acc, null),
      (GSS_S_CALL_INACCESSIBLE_WRITE | GSS_S_NO_CONTEXT) >>> 0,
    );
    // The importer.
    const imported: Box<GssCtxId> = { value: GSS_C_NO_CONTEXT };
    assert.equal(gss_import_sec_context(minor, token, imported, { key: KEY }), GSS_S_COMPLETE);
    assert.notEqual(imported.value, GSS_C_NO_CONTEXT);
    assert.deepEqual(unwrapMsg(imported.value, pending[1]), { major: GSS_S_COMPLETE, text: 'two' });
    assert.deepEqual(unwrapMsg(imported.value, pending[2]), { major: GSS_S_COMPLETE, text: 'three' });
    assert.equal(unwrapMsg(imported.value, pending[0]).major, GSS_S_DUPLICATE_TOKEN);
    assert.equal(unwrapMsg(ini.value, wrapMsg(imported.value, 'back')).text, 'back');
    // The same token again: UNAUTHORIZED, handle NO_CONTEXT.
    const again: Box<GssCtxId> = { value: GSS_C_NO_CONTEXT };
    assert.equal(gss_import_sec_context(minor, token, again, { key: KEY }), GSS_S_UNAUTHORIZED);
    assert.equal(again.value, GSS_C_NO_CONTEXT);
    // gss_release_buffer zeroes the bytes.
    const bytes = token.value;
    assert.equal(gss_release_buffer(minor, token), GSS_S_COMPLETE);
    assert.ok(bytes.every((b) => b === 0));
    assert.equal(token.length, 0);
    assert.equal(token.value.length, 0);
  });

  it('inquire gives the same answers before the export and after the import', async () => {
    const { acc } = await establish();
    const ask = (h: GssCtxId) => {
      const minor = { value: 0 };
      const src: Box<GssName> = { value: null };
      const targ: Box<GssName> = { value: null };
      const out = {
        life: { value: 0 },
        mech: { value: null } as Box<GssOid>,
        flags: { value: 0 },
        local: { value: 0 },
        open: { value: 0 },
      };
      const o = out;
      assert.equal(
        gss_inquire_context(minor, h, src, targ, o.life, o.mech, o.flags, o.local, o.open),
        GSS_S_COMPLETE,
      );
      const text = (n: GssName) => {
        const b = gssEmptyBuffer();
        assert.equal(gss_display_name(minor, n, b, null), GSS_S_COMPLETE);
        return fromUtf8(b.value);
      };
      return [
        text(src.value),
        text(targ.value),
        Math.round(o.life.value / 60),
        o.mech.value,
        o.flags.value,
        o.local.value,
        o.open.value,
      ];
    };
    const before = ask(acc.value);
    assert.equal(before[0], `alice@${world.realm}`);
    const token = gssEmptyBuffer();
    assert.equal(gss_export_sec_context({ value: 0 }, acc, token), GSS_S_COMPLETE);
    const imported: Box<GssCtxId> = { value: null };
    assert.equal(gss_import_sec_context({ value: 0 }, token, imported), GSS_S_COMPLETE);
    assert.deepEqual(ask(imported.value), before);
  });

  it('a failed export leaves the handle and the context unchanged', async () => {
    const { ini, acc } = await establish();
    const h = acc.value;
    const minor = { value: 0 };
    const token = gssEmptyBuffer();
    assert.equal(gss_export_sec_context(minor, acc, token, { key: new Uint8Array(16) }), GSS_S_FAILURE);
    assert.equal(acc.value, h);
    assert.equal(token.length, 0);
    // An injected failure in the encoding step (as export-semantics.test.ts), minor in the box.
    const s = getContextState(h!)!;
    const name = s.acceptorName;
    Object.defineProperty(s, 'acceptorName', {
      configurable: true,
      get() {
        throw new GssError(GSS_S_FAILURE, 12, 'injected');
      },
    });
    assert.equal(gss_export_sec_context(minor, acc, token), GSS_S_FAILURE);
    assert.equal(minor.value, 12);
    // Something that is not a GssError: GSS_S_FAILURE, minor 0, nothing thrown.
    Object.defineProperty(s, 'acceptorName', {
      configurable: true,
      get() {
        throw new TypeError('injected');
      },
    });
    assert.equal(gss_export_sec_context(minor, acc, token), GSS_S_FAILURE);
    assert.equal(minor.value, 0);
    Object.defineProperty(s, 'acceptorName', { configurable: true, writable: true, value: name });
    assert.equal(acc.value, h);
    assert.equal(unwrapMsg(acc.value, wrapMsg(ini.value, 'usable')).text, 'usable');
    assert.equal(gss_export_sec_context(minor, acc, token), GSS_S_COMPLETE);
    assert.equal(acc.value, GSS_C_NO_CONTEXT);
  });

  it('not fully established: UNAVAILABLE, handle unchanged, no TRANS, not open', async () => {
    const { ini } = await establish(1);
    const h = ini.value;
    const minor = { value: 0 };
    const token = gssEmptyBuffer();
    assert.equal(gss_export_sec_context(minor, ini, token), GSS_S_UNAVAILABLE);
    assert.equal(minor.value, MINOR.KG_CTX_INCOMPLETE);
    assert.equal(ini.value, h);
    const flags = { value: 0 };
    const open = { value: 1 };
    assert.equal(gss_inquire_context(minor, h, null, null, null, null, flags, null, open), GSS_S_COMPLETE);
    assert.equal(flags.value & GSS_C_TRANS_FLAG, 0);
    assert.equal(open.value, 0);
  });

  it('expired: CONTEXT_EXPIRED, handle unchanged; after delete: NO_CONTEXT', async () => {
    const { acc } = await establish();
    const h = acc.value;
    const minor = { value: 0 };
    const life = { value: 0 };
    assert.equal(gss_context_time(minor, h, life), GSS_S_COMPLETE);
    try {
      setClockOffset((life.value + 10) * 1000);
      assert.equal(gss_export_sec_context(minor, acc, gssEmptyBuffer()), GSS_S_CONTEXT_EXPIRED);
      assert.equal(gss_context_time(minor, h, life), GSS_S_CONTEXT_EXPIRED);
      assert.equal(
        gss_inquire_context(minor, h, null, null, life, null, null, null, null),
        GSS_S_CONTEXT_EXPIRED,
      );
      assert.equal(life.value, 0);
      assert.equal(acc.value, h);
    } finally {
      setClockOffset(0);
    }
    assert.equal(gss_delete_sec_context(minor, acc, null), GSS_S_COMPLETE);
    assert.equal(acc.value, GSS_C_NO_CONTEXT);
    assert.equal(gss_export_sec_context(minor, { value: h }, gssEmptyBuffer()), GSS_S_NO_CONTEXT);
  });

  it('bad interprocess tokens: MIT codes, the handle stays GSS_C_NO_CONTEXT', () => {
    const cases: [GssBufferDesc | null, number][] = [
      [GSS_C_NO_BUFFER, GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN],
      [gssEmptyBuffer(), GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN],
      [gssBuffer(Uint8Array.of(0, 0, 9)), GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN],
      [gssBuffer(Uint8Array.of(0, 0, 0, 0, 1)), GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN],
      [gssBuffer(Uint8Array.of(0, 0, 0, 2, 0x2b, 0x06, 1)), GSS_S_BAD_MECH],
      [
        { length: 0, value: Uint8Array.of(0, 0, 0, 1, 0) },
        GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN,
      ],
    ];
    for (const [buf, want] of cases) {
      const h: Box<GssCtxId> = { value: GSS_C_NO_CONTEXT };
      assert.equal(gss_import_sec_context({ value: 0 }, buf, h), want >>> 0);
      assert.equal(h.value, GSS_C_NO_CONTEXT);
    }
  });

  it("calling errors as MIT's mechglue", async () => {
    const { acc } = await establish();
    const tok = gssEmptyBuffer();
    const m = { value: 0 };
    const W = GSS_S_CALL_INACCESSIBLE_WRITE;
    const R = GSS_S_CALL_INACCESSIBLE_READ;
    const expectations: [string, number, number][] = [
      ['export, no minor', gss_export_sec_context(null, acc, tok), W],
      ['export, no handle', gss_export_sec_context(m, null, tok), R | GSS_S_NO_CONTEXT],
      ['export, NO_CONTEXT', gss_export_sec_context(m, { value: null }, tok), R | GSS_S_NO_CONTEXT],
      ['export, no buffer', gss_export_sec_context(m, acc, null), W],
      ['import, no minor', gss_import_sec_context(undefined, tok, { value: null }), W],
      ['import, no handle', gss_import_sec_context(m, tok, null), W],
      ['wrap, no input', gss_wrap(m, acc.value, 1, 0, null, null, tok), R],
      ['wrap, no output', gss_wrap(m, acc.value, 1, 0, gssBuffer(utf8('x')), null, null), W],
      ['unwrap, empty input', gss_unwrap(m, acc.value, gssEmptyBuffer(), tok), R],
      ['get_mic, no output', gss_get_mic(m, acc.value, 0, gssBuffer(utf8('x')), null), W],
      ['verify_mic, empty token', gss_verify_mic(m, acc.value, gssBuffer(utf8('x')), gssEmptyBuffer()), R],
      ['wrap_size_limit, no output', gss_wrap_size_limit(m, acc.value, 1, 0, 100, null), W],
      ['context_time, no output', gss_context_time(m, acc.value, null), W],
      ['inquire, NO_CONTEXT', gss_inquire_context(m, null), R | GSS_S_NO_CONTEXT],
      ['delete, no handle', gss_delete_sec_context(m, null), W | GSS_S_NO_CONTEXT],
      ['import_name, no buffer', gss_import_name(m, null, null, { value: null }), R | GSS_S_BAD_NAME],
      ['import_name, empty', gss_import_name(m, gssEmptyBuffer(), null, { value: null }), GSS_S_BAD_NAME],
      ['import_name, no output', gss_import_name(m, gssBuffer(utf8('a')), null, null), W],
      ['display_name, no name', gss_display_name(m, null, tok), R | GSS_S_BAD_NAME],
      ['compare_name, no name', gss_compare_name(m, target, null, { value: 0 }), R | GSS_S_BAD_NAME],
      ['release_name, no box', gss_release_name(m, null), R | GSS_S_BAD_NAME],
      ['export_name, no name', gss_export_name(m, null, tok), R | GSS_S_BAD_NAME],
      ['release_cred, no box', gss_release_cred(m, null), GSS_S_NO_CRED | R],
      ['display_status, no context', gss_display_status(m, 0, GSS_C_GSS_CODE, null, null, tok), W],
      ['indicate_mechs, no output', gss_indicate_mechs(m, null), W],
      [
        'accept, no input',
        await gss_accept_sec_context(m, { value: null }, null, null, null, null, null, tok, null, null, null),
        R,
      ],
      [
        'init, no target',
        await gss_init_sec_context(
          m,
          null,
          { value: null },
          null,
          null,
          0,
          0,
          null,
          null,
          null,
          tok,
          null,
          null,
        ),
        R | GSS_S_BAD_NAME,
      ],
      [
        'init, another mechanism',
        await gss_init_sec_context(
          m,
          null,
          { value: null },
          target,
          '1.3.6.1.5.2.5', // IAKERB: not ours (SPNEGO is)
          0,
          0,
          null,
          null,
          null,
          tok,
          null,
          null,
        ),
        GSS_S_BAD_MECH,
      ],
      ['acquire, bad usage', await gss_acquire_cred(m, null, 0, null, 7, { value: null }), GSS_S_FAILURE],
      ['acquire, no output', await gss_acquire_cred(m, null, 0, null, GSS_C_BOTH, null), W],
    ];
    for (const [what, got, want] of expectations)
      assert.equal(got, want >>> 0, `${what}: ${got.toString(16)}`);
    assert.ok(acc.value, 'no calling error touched the context');
  });

  it('names, status display, mechanisms, credentials', async () => {
    const m = { value: 0 };
    const n: Box<GssName> = { value: null };
    assert.equal(
      gss_import_name(m, gssBuffer(utf8(`gsstest/localhost@${world.realm}`)), null, n),
      GSS_S_COMPLETE,
    );
    const eq = { value: 0 };
    assert.equal(gss_compare_name(m, n.value, target, eq), GSS_S_COMPLETE);
    assert.equal(eq.value, 1);
    const exported = gssEmptyBuffer();
    assert.equal(gss_export_name(m, n.value, exported), GSS_S_COMPLETE);
    assert.equal(exported.value[0], 0x04);
    const type: Box<GssOid> = { value: null };
    const shown = gssEmptyBuffer();
    assert.equal(gss_display_name(m, n.value, shown, type), GSS_S_COMPLETE);
    assert.equal(fromUtf8(shown.value), `gsstest/localhost@${world.realm}`);
    assert.equal(gss_release_name(m, n), GSS_S_COMPLETE);
    assert.equal(n.value, GSS_C_NO_NAME);
    // display_status walks the message context as MIT does.
    const ctx = { value: 0 };
    const texts: string[] = [];
    do {
      const s = gssEmptyBuffer();
      assert.equal(
        gss_display_status(m, GSS_S_CALL_INACCESSIBLE_READ | GSS_S_NO_CONTEXT, GSS_C_GSS_CODE, null, ctx, s),
        0,
      );
      texts.push(fromUtf8(s.value));
    } while (ctx.value !== 0);
    assert.deepEqual(texts, [
      'A required input parameter could not be read',
      'No context has been established',
    ]);
    const s = gssEmptyBuffer();
    assert.equal(
      gss_display_status(m, MINOR.KG_CTX_INCOMPLETE, GSS_C_MECH_CODE, GSS_MECH_KRB5_OID, { value: 0 }, s),
      0,
    );
    assert.ok(s.length > 0);
    const mechs: Box<GssOidSet> = { value: null };
    assert.equal(gss_indicate_mechs(m, mechs), GSS_S_COMPLETE);
    assert.deepEqual(mechs.value, [GSS_MECH_KRB5_OID, '1.3.6.1.5.5.2']);
    // Acquire with our extension (a password), then release: the handle becomes NO_CREDENTIAL.
    const cred: Box<GssCredId> = { value: null };
    const alice: Box<GssName> = { value: null };
    gss_import_name(m, gssBuffer(utf8('alice')), null, alice);
    const major = await gss_acquire_cred(m, alice.value, 0, null, 1, cred, null, null, {
      password: 'alice-pw-1',
    });
    assert.equal(major, GSS_S_COMPLETE);
    assert.equal(gss_release_cred(m, cred), GSS_S_COMPLETE);
    assert.equal(cred.value, GSS_C_NO_CREDENTIAL);
    assert.equal(gss_release_cred(m, cred), GSS_S_COMPLETE);
  });
});
