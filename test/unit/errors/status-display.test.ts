/**
 * displayStatus structure (RFC 2744 5.11 message contexts, MIT's order) and the com_err tables.
 * The texts themselves are checked against MIT live in test/interop/status-mit.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ASN1_BASE,
  ASN1_NAMES,
  G_BASE,
  G_NAMES,
  KG_BASE,
  KG_NAMES,
  KRB5_ERR_BASE,
  KRB5_ERR_NAMES,
  MINOR,
  minorMessage,
  minorName,
} from '../../../src/errors/minor.js';
import {
  CALLING_ERROR_NAMES,
  displayStatus,
  displayStatusAll,
  GSS_S_BAD_SIG,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_CONTINUE_NEEDED,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_GAP_TOKEN,
  GSS_S_OLD_TOKEN,
  ROUTINE_ERROR_NAMES,
  SUPPLEMENTARY_NAMES,
} from '../../../src/errors/status.js';

const single = (code: number): string => {
  const all = displayStatusAll(code, 'gss');
  assert.equal(all.length, 1, `code ${code} has one message`);
  return all[0]!;
};

describe('displayStatus for GSS codes', () => {
  it('gives each calling error, routine error and supplementary bit one distinct message', () => {
    const texts = [
      ...CALLING_ERROR_NAMES.slice(1).map((_, i) => single(((i + 1) << 24) >>> 0)),
      // GSS_S_BAD_STATUS (5) and GSS_S_BAD_MECH_ATTR (19) share MIT's "invalid status" text.
      ...ROUTINE_ERROR_NAMES.slice(1, 19).map((_, i) => single((i + 1) << 16)),
      ...SUPPLEMENTARY_NAMES.map((_, b) => single(1 << b)),
    ];
    assert.equal(new Set(texts).size, texts.length);
    for (const t of texts) assert.match(t, /^[A-Z][^\n]+$/);
  });

  it('yields the calling error, then the routine error, then supplementary bits lowest first', () => {
    const code =
      GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN | GSS_S_OLD_TOKEN | GSS_S_CONTINUE_NEEDED;
    assert.deepEqual(displayStatusAll(code, 'gss'), [
      single(GSS_S_CALL_INACCESSIBLE_READ),
      single(GSS_S_DEFECTIVE_TOKEN),
      single(GSS_S_CONTINUE_NEEDED),
      single(GSS_S_OLD_TOKEN),
    ]);
  });

  it('hands back a message context until the last message, then 0', () => {
    const code = GSS_S_BAD_SIG | GSS_S_GAP_TOKEN | GSS_S_CONTINUE_NEEDED;
    const first = displayStatus(code, 'gss');
    assert.notEqual(first.messageContext, 0);
    const second = displayStatus(code, 'gss', first.messageContext);
    assert.notEqual(second.messageContext, 0);
    const third = displayStatus(code, 'gss', second.messageContext);
    assert.equal(third.messageContext, 0);
    assert.deepEqual([first.message, second.message, third.message], displayStatusAll(code, 'gss'));
  });

  it('answers a context that does not fit the code with the invalid-status text, as MIT', () => {
    const bad = displayStatus(GSS_S_DEFECTIVE_TOKEN, 'gss', 6);
    assert.equal(bad.message, single((5 << 16) >>> 0)); // GSS_S_BAD_STATUS's text
    assert.equal(bad.messageContext, 6);
  });

  it('terminates for every calling/routine field and every supplementary mask', () => {
    for (let f = 0; f < 256; f++) {
      for (const sup of [0, 1, 0x8000, 0xffff]) {
        const n = displayStatusAll((((f << 24) | (f << 16)) >>> 0) | sup, 'gss').length;
        assert.ok(n >= 1 && n <= 18);
      }
    }
  });
});

describe('displayStatus for minor codes and the com_err tables', () => {
  const tables = [
    ['krb5', KRB5_ERR_BASE, KRB5_ERR_NAMES],
    ['k5g', KG_BASE, KG_NAMES],
    ['ggss', G_BASE, G_NAMES],
    ['asn1', ASN1_BASE, ASN1_NAMES],
  ] as const;

  it('numbers MINOR by table order, and names codes back', () => {
    for (const [, base, names] of tables) {
      names.forEach((n, i) => {
        assert.equal(MINOR[n as keyof typeof MINOR], (base + i) >>> 0, n);
        assert.equal(minorName((base + i) >>> 0), n);
      });
    }
    assert.equal(MINOR.KRB5_BAD_ENCTYPE, (KRB5_ERR_BASE + 188) >>> 0);
    assert.equal(MINOR.KG_BAD_LENGTH, KG_BASE + 6);
  });

  it('is one com_err message, the same as minorMessage', () => {
    for (const code of [MINOR.KRB5KRB_AP_ERR_SKEW, MINOR.KG_BAD_LENGTH, MINOR.G_BAD_TOK_HEADER, 2, 99999]) {
      assert.deepEqual(displayStatus(code, 'mech'), { message: minorMessage(code), messageContext: 0 });
      assert.deepEqual(displayStatusAll(code, 'mech'), [minorMessage(code)]);
    }
    assert.equal(new Set(KG_NAMES.map((_, i) => minorMessage(KG_BASE + i))).size, KG_NAMES.length);
  });

  it("names the table of an unknown code as com_err does (its base's packed name)", () => {
    for (const [name, base, names] of tables) {
      if (names.length >= 256) continue; // krb5_err.et fills its whole range of 256 codes
      assert.equal(minorMessage((base + names.length) >>> 0), `Unknown code ${name} ${names.length}`);
    }
  });
});
