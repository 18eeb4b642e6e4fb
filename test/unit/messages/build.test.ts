import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  application,
  encodeGeneralString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  explicit,
  readTlv,
} from '../../../src/asn1/index.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GssError } from '../../../src/errors/status.js';
import * as K from '../../../src/krb5/constants/index.js';
import * as M from '../../../src/krb5/messages/index.js';
import { toHex } from '../../../src/util/bytes.js';

const T0 = Date.UTC(2026, 10, 28, 0, 0, 0) / 1000;
const ticket: M.Ticket = {
  realm: 'EXAMPLE.ORG',
  sname: { nameType: K.NT_SRV_INST, components: ['krbtgt', 'EXAMPLE.ORG'] },
  encPart: { etype: 18, kvno: 2, cipher: Uint8Array.of(1, 2, 3) },
};
const body: M.KdcReqBody = {
  kdcOptions: K.KDC_OPT_FORWARDABLE | K.KDC_OPT_RENEWABLE_OK,
  realm: 'EXAMPLE.ORG',
  sname: { nameType: K.NT_SRV_HST, components: ['host', 'a.example.org'] },
  from: T0,
  till: T0 + 3600,
  rtime: T0 + 7200,
  nonce: 0x7edcba98,
  etype: [18, 17],
  addresses: [{ addrType: K.ADDRTYPE_IPV4, address: Uint8Array.of(127, 0, 0, 1) }],
  encAuthorizationData: { etype: 18, cipher: Uint8Array.of(9) },
  additionalTickets: [ticket],
};

function fails(fn: () => unknown, minor: number): void {
  assert.throws(fn, (e: unknown) => e instanceof GssError && e.minor === minor);
}

/** Drops keys whose value is undefined, so deepEqual compares present fields only. */
/** A comparable copy: bytes as hex, undefined fields dropped (a walk, not JSON: keys redact toJSON). */
function defined<T>(x: T): T {
  const walk = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return toHex(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, f]) => f !== undefined)
        .map(([k, f]) => [k, walk(f)]),
    );
  };
  return walk(x) as T;
}

describe('building and re-reading messages', () => {
  it('KDC-REQ with every optional field present, and with none, round-trips', () => {
    for (const reqBody of [body, { kdcOptions: 0, realm: 'R', till: T0, nonce: 1, etype: [] }]) {
      const req: M.KdcReq = { msgType: K.KRB_TGS_REQ, padata: [], reqBody };
      const enc = M.encodeKdcReq(req);
      const dec = M.decodeTgsReq(enc);
      assert.deepEqual(defined(dec.reqBody), defined(reqBody));
      assert.deepEqual(dec.padata, [], 'present-but-empty padata stays present');
      assert.equal(toHex(M.encodeKdcReq(dec)), toHex(enc));
      assert.equal(toHex(dec.reqBodyBytes ?? new Uint8Array()), toHex(M.encodeKdcReqBody(reqBody)));
    }
    const noPadata = M.decodeAsReq(M.encodeAsReq({ reqBody: body }));
    assert.equal(noPadata.padata, undefined, 'absent padata stays absent');
  });

  it('nonces are Int32 as MIT decodes them; kvnos are signed on the wire as MIT and Windows write them', () => {
    assert.ok(toHex(M.encodeKdcReqBody(body)).includes('a7060204' + '7edcba98'));
    const big = M.encodeKdcReqBody({ ...body, nonce: 0x80000000 });
    const req = M.encodeAsReq({ reqBody: { ...body, nonce: 0x80000000 } });
    assert.ok(toHex(big).includes('a707020500' + '80000000'));
    fails(() => M.decodeAsReq(req), MINOR.ASN1_OVERFLOW);
    const t = M.encodeTicket({ ...ticket, encPart: { ...ticket.encPart, kvno: 0xffff0001 } });
    assert.ok(toHex(t).includes('a1050203ff0001'));
    assert.equal(M.decodeTicket(t).encPart.kvno, 0xffff0001);
  });

  it('tolerates unknown fields, unknown PA-DATA types and unknown ad-types', () => {
    const known = M.encodeKdcReqBody({ ...body, additionalTickets: undefined });
    // Append an unknown [12] field to KDC-REQ-BODY, as a later RFC could.
    const inner = readTlv(known).value;
    const extended = encodeSequence([inner, explicit(12, encodeInteger(7))]);
    const req = application(
      K.KRB_AS_REQ,
      encodeSequence([
        explicit(1, encodeInteger(5)),
        explicit(2, encodeInteger(K.KRB_AS_REQ)),
        explicit(3, M.encodeMethodData([{ padataType: 9999, padataValue: Uint8Array.of(1) }])),
        explicit(4, extended),
      ]),
    );
    const dec = M.decodeAsReq(req);
    assert.equal(dec.padata?.[0].padataType, 9999);
    assert.equal(dec.reqBody.nonce, body.nonce);
    const ad = [{ adType: 4242, adData: Uint8Array.of(5, 6) }];
    const etp: M.EncTicketPart = {
      flags: K.TKT_FLG_INITIAL,
      key: { enctype: 18, keyvalue: new Uint8Array(32) },
      crealm: 'R',
      cname: { nameType: 1, components: ['a'] },
      transited: { trType: 1, contents: new Uint8Array() },
      authtime: T0,
      endtime: T0 + 1,
      authorizationData: ad,
    };
    const e = M.encodeEncTicketPart(etp);
    assert.deepEqual(M.decodeEncTicketPart(e).authorizationData, ad);
    assert.equal(toHex(M.encodeEncTicketPart(M.decodeEncTicketPart(e))), toHex(e));
  });

  it('checks pvno and msg-type as MIT does', () => {
    // AP-REP's msg-type is an INTEGER MIT reads and never checks: accepted with any value.
    const otherType = application(
      K.KRB_AP_REP,
      encodeSequence([
        explicit(0, encodeInteger(5)),
        explicit(1, encodeInteger(K.KRB_AP_REQ)),
        explicit(
          2,
          encodeSequence([explicit(0, encodeInteger(18)), explicit(2, encodeOctetString(new Uint8Array()))]),
        ),
      ]),
    );
    assert.equal(M.decodeApRep(otherType).encPart.etype, 18);
    // KDC-REQ and KDC-REP keep msg-type; one that disagrees with the tag is refused (MIT's
    // callers refuse it too, after decoding).
    const asReq = M.encodeAsReq({ reqBody: body });
    const mismatched = asReq.slice();
    mismatched[toHex(asReq).indexOf('a20302010a') / 2 + 4] = K.KRB_TGS_REQ;
    fails(() => M.decodeAsReq(mismatched), MINOR.KRB5_BADMSGTYPE);
    const good = M.encodeApRep({ encPart: { etype: 18, cipher: Uint8Array.of(1) } });
    const badPvno = good.slice();
    badPvno[toHex(good).indexOf('a003020105') / 2 + 4] = 4;
    fails(() => M.decodeApRep(badPvno), MINOR.KRB5KDC_ERR_BAD_PVNO);
    fails(() => M.decodeAsRep(M.encodeTgsRep({ ...asRepBase() })), MINOR.ASN1_BAD_ID);
    fails(() => M.decodeKrbMessage(M.encodeTicket(ticket)), MINOR.ASN1_BAD_ID);
  });

  it('EncKDCRepPart keeps [25] or [26] as received', () => {
    for (const tag of [K.APP_ENC_AS_REP_PART, K.APP_ENC_TGS_REP_PART] as const) {
      const p: M.EncKdcRepPart = {
        tag,
        key: { enctype: 17, keyvalue: new Uint8Array(16) },
        lastReq: [{ lrType: 0, lrValue: T0 }],
        nonce: 5,
        keyExpiration: T0 + 99,
        flags: K.TKT_FLG_RENEWABLE,
        authtime: T0,
        endtime: T0 + 60,
        srealm: 'R',
        sname: { nameType: 2, components: ['krbtgt', 'R'] },
        encryptedPaData: [],
      };
      const e = M.encodeEncKdcRepPart(p);
      assert.equal(e[0], 0x60 | tag);
      assert.deepEqual(defined(M.decodeEncKdcRepPart(e)), defined(p));
    }
  });

  it('PA-PAC-REQUEST, TYPED-DATA, KRB-ERROR optional fields', () => {
    assert.equal(toHex(M.encodePaPacRequest({ includePac: true })), '3005a0030101ff');
    assert.deepEqual(M.decodePaPacRequest(M.encodePaPacRequest({ includePac: false })), {
      includePac: false,
    });
    const td = [{ dataType: K.TD_REQ_NONCE, dataValue: Uint8Array.of(1) }, { dataType: 1 }];
    assert.deepEqual(defined(M.decodeTypedData(M.encodeTypedData(td))), defined(td));
    const err: M.KrbError = {
      stime: T0,
      susec: 1,
      errorCode: K.KRB_ERR_GENERIC,
      realm: 'R',
      sname: { nameType: 2, components: ['krbtgt', 'R'] },
      eText: 'é',
    };
    const e = M.encodeKrbError(err);
    assert.deepEqual(defined(M.decodeKrbError(e)), defined(err));
    assert.equal(K.krbErrorMinor(err.errorCode), MINOR.KRB5KRB_ERR_GENERIC);
  });

  it('a KerberosString is carried as UTF-8 bytes', () => {
    assert.equal(toHex(encodeGeneralString('ß')), '1b02c39f');
  });
});

function asRepBase(): Omit<M.KdcRep, 'msgType'> {
  return {
    crealm: 'R',
    cname: { nameType: 1, components: ['a'] },
    ticket,
    encPart: { etype: 18, cipher: Uint8Array.of(0) },
  };
}
