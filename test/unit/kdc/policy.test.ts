/** Ticket policy against MIT's kdc_util.c rules (get_ticket_flags, endtime, renew-till, enctypes). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KDC_OPT_FORWARDABLE,
  KDC_OPT_FORWARDED,
  KDC_OPT_RENEWABLE,
  KDC_OPT_RENEWABLE_OK,
  TKT_FLG_FORWARDABLE,
  TKT_FLG_FORWARDED,
  TKT_FLG_INITIAL,
  TKT_FLG_PRE_AUTH,
  TKT_FLG_RENEWABLE,
} from '../../../src/krb5/constants/index.js';
import type { PrincipalEntry } from '../../../src/krb5/kdc/db.js';
import {
  KDC_INFINITY,
  selectClientKey,
  selectSessionEnctype,
  ticketEndTime,
  ticketFlags,
  ticketRenewTill,
} from '../../../src/krb5/kdc/policy.js';

const realm = { maxLife: 86400, maxRenewableLife: 7 * 86400, clockSkew: 300 };

function entry(enctypes: number[], over: Partial<PrincipalEntry> = {}): PrincipalEntry {
  return {
    principal: { nameType: 1, components: ['x'], realm: 'R' },
    name: 'x@R',
    keys: enctypes.map((enctype) => ({ enctype, kvno: 1, salt: 'Rx', keyvalue: new Uint8Array(16) })),
    requiresPreauth: true,
    allowForwardable: true,
    allowRenewable: true,
    maxLife: 0,
    maxRenewableLife: 0,
    ...over,
  };
}

describe('KDC ticket policy (MIT kdc_util.c)', () => {
  it('maps options to flags: INITIAL for AS, copies PRE_AUTH and FORWARDED from a header', () => {
    const c = entry([18]);
    assert.equal(ticketFlags(KDC_OPT_FORWARDABLE, c, c), (TKT_FLG_FORWARDABLE | TKT_FLG_INITIAL) >>> 0);
    const header = { flags: (TKT_FLG_FORWARDABLE | TKT_FLG_PRE_AUTH | TKT_FLG_INITIAL) >>> 0 };
    const fwd = ticketFlags(KDC_OPT_FORWARDED | KDC_OPT_FORWARDABLE, c, c, header);
    assert.equal(fwd, (TKT_FLG_FORWARDED | TKT_FLG_FORWARDABLE | TKT_FLG_PRE_AUTH) >>> 0);
    // A derivative of a forwarded ticket stays forwarded; FORWARDABLE needs a forwardable header.
    const child = ticketFlags(0, c, c, { flags: TKT_FLG_FORWARDED });
    assert.equal(child, TKT_FLG_FORWARDED);
    assert.equal(ticketFlags(KDC_OPT_FORWARDABLE, c, c, { flags: 0 }) & TKT_FLG_FORWARDABLE, 0);
    assert.equal(
      ticketFlags(KDC_OPT_FORWARDABLE, entry([18], { allowForwardable: false }), c) & TKT_FLG_FORWARDABLE,
      0,
    );
  });

  it('caps the end time at the smallest of request, entries and realm', () => {
    const c = entry([18]);
    assert.equal(ticketEndTime(realm, 1000, KDC_INFINITY, 0, c, c), 1000 + 86400);
    assert.equal(ticketEndTime(realm, 1000, KDC_INFINITY, 4600, c, c), 4600);
    assert.equal(ticketEndTime(realm, 1000, 2000, 90000, c, c), 2000);
    assert.equal(ticketEndTime(realm, 1000, KDC_INFINITY, 0, entry([18], { maxLife: 600 }), c), 1600);
  });

  it('issues renew-till as kdc_get_ticket_renewtime does', () => {
    const c = entry([18]);
    const req = { kdcOptions: KDC_OPT_RENEWABLE, till: 2000, rtime: 0 };
    assert.equal(ticketRenewTill(realm, req, 1000, 2000, c, c), 1000 + 7 * 86400);
    assert.equal(ticketRenewTill(realm, { ...req, rtime: 5000 }, 1000, 2000, c, c), 5000);
    assert.equal(ticketRenewTill(realm, { kdcOptions: 0, till: 2000 }, 1000, 2000, c, c), undefined);
    // renewable-ok: only when the requested till was cut short.
    assert.equal(
      ticketRenewTill(realm, { kdcOptions: KDC_OPT_RENEWABLE_OK, till: 9000 }, 1000, 2000, c, c),
      9000,
    );
    assert.equal(
      ticketRenewTill(realm, { kdcOptions: KDC_OPT_RENEWABLE_OK, till: 2000 }, 1000, 2000, c, c),
      undefined,
    );
    // From a header: never past its renew-till, never from a non-renewable one.
    const header = { flags: TKT_FLG_RENEWABLE, renewTill: 3000 };
    assert.equal(ticketRenewTill(realm, req, 1000, 2000, c, c, header), 3000);
    assert.equal(ticketRenewTill(realm, req, 1000, 2000, c, c, { flags: 0 }), undefined);
    assert.equal(
      ticketRenewTill(realm, req, 1000, 2000, entry([18], { allowRenewable: false }), c),
      undefined,
    );
  });

  it('picks the session enctype as select_session_keytype: first requested, permitted and supported', () => {
    const all = [18, 17, 20, 19];
    assert.equal(selectSessionEnctype([20, 18], entry(all), all), 20);
    assert.equal(selectSessionEnctype([23, 19], entry(all), all), 19);
    assert.equal(selectSessionEnctype([19], entry([17]), all), 0);
    // MIT assumes every server supports aes256-cts-hmac-sha1-96.
    assert.equal(selectSessionEnctype([18], entry([17]), all), 18);
    assert.equal(selectSessionEnctype([20, 18], entry(all), [18]), 18);
  });

  it('picks the client key as select_client_key: first requested enctype it has, newest kvno', () => {
    const keys = [
      { enctype: 18, kvno: 1 },
      { enctype: 17, kvno: 1 },
      { enctype: 18, kvno: 2 },
    ];
    assert.deepEqual(selectClientKey([19, 18], keys), { enctype: 18, kvno: 2 });
    assert.deepEqual(selectClientKey([17, 18], keys), { enctype: 17, kvno: 1 });
    assert.equal(selectClientKey([20], keys), undefined);
  });
});
