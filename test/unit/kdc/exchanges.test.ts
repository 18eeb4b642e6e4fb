import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decrypt } from '../../../src/crypto/index.js';
import {
  KDC_OPT_FORWARDABLE,
  KDC_OPT_FORWARDED,
  KDC_OPT_RENEW,
  KDC_OPT_RENEWABLE,
  TKT_FLG_FORWARDABLE,
  TKT_FLG_FORWARDED,
  TKT_FLG_INITIAL,
  TKT_FLG_PRE_AUTH,
  TKT_FLG_RENEWABLE,
} from '../../../src/krb5/constants/index.js';
import { type Kdc, startKdc } from '../../../src/krb5/kdc/index.js';
import { decodeEncKdcRepPart } from '../../../src/krb5/messages/kdc-rep.js';
import { decodeEtypeInfo2, decodeMethodData } from '../../../src/krb5/messages/padata.js';
import { decodeEncTicketPart } from '../../../src/krb5/messages/ticket.js';
import {
  asReq,
  clientKey,
  decryptAsRep,
  expectError,
  expectRep,
  framed,
  parseReply,
  randomKey,
  tcpExchange,
  tgsReq,
  udpRequest,
} from './helpers.js';

const REALM = 'UNIT.TEST';
const alice = { realm: REALM, client: ['alice'], password: 'pw-Alice' };

describe('embedded KDC: AS and TGS exchanges', () => {
  let kdc: Kdc;
  before(async () => {
    kdc = await startKdc({
      realm: REALM,
      principals: [
        { name: 'alice', password: 'pw-Alice' },
        { name: 'nopre', password: 'pw-Nopre', requiresPreauth: false },
        { name: 'old', password: 'pw-Old', enctypes: ['aes128-cts-hmac-sha1-96'] },
        { name: 'gsstest/localhost' },
      ],
    });
  });
  after(async () => {
    await kdc?.stop();
  });

  const send = async (msg: Uint8Array) => parseReply(await udpRequest(kdc.port, msg));

  it('answers an AS-REQ without pre-authentication with PREAUTH_REQUIRED and MIT-shaped METHOD-DATA', async () => {
    const err = expectError(await send(asReq({ ...alice, etypes: [20, 18] }, false)));
    assert.equal(err.errorCode, 25);
    assert.equal(err.eText, 'NEEDED_PREAUTH');
    assert.equal(err.realm, REALM);
    assert.deepEqual(err.sname.components, ['krbtgt', REALM]);
    assert.deepEqual(err.cname?.components, ['alice']);
    assert.ok(Math.abs(err.stime - Date.now() / 1000) < 5);
    const md = decodeMethodData(err.eData as Uint8Array);
    assert.deepEqual(
      md.map((p) => p.padataType),
      [19, 2, 133],
    );
    // One ETYPE-INFO2 entry: the first requested enctype the client has, with MIT's default salt.
    assert.deepEqual(decodeEtypeInfo2(md[0].padataValue), [
      { etype: 20, salt: `${REALM}alice`, s2kparams: undefined },
    ]);
  });

  it('issues a TGT for a correct PA-ENC-TIMESTAMP, in each AES enctype', async () => {
    for (const e of [18, 17, 20, 19]) {
      const o = { ...alice, etypes: [e] };
      const rep = expectRep(await send(asReq(o, true)));
      assert.equal(rep.encPart.etype, e);
      const part = decryptAsRep(rep, clientKey(o, e));
      assert.equal(part.nonce, 0x12345678);
      assert.equal(part.key.enctype, e, 'session key enctype is the first requested');
      assert.ok(
        part.flags & TKT_FLG_INITIAL && part.flags & TKT_FLG_PRE_AUTH && part.flags & TKT_FLG_FORWARDABLE,
      );
      assert.deepEqual(part.sname.components, ['krbtgt', REALM]);
      const info = decodeEtypeInfo2((rep.padata ?? [])[0].padataValue);
      assert.equal(info[0].etype, e);
    }
  });

  it('refuses a wrong password with PREAUTH_FAILED (24) and the hint list', async () => {
    const err = expectError(await send(asReq({ ...alice, password: 'wrong' }, true)));
    assert.equal(err.errorCode, 24);
    assert.equal(err.eText, 'PREAUTH_FAILED');
    assert.ok(err.eData && decodeMethodData(err.eData).length === 3);
  });

  it('refuses a timestamp outside the clock skew with KRB_AP_ERR_SKEW (37)', async () => {
    const err = expectError(await send(asReq({ ...alice, skew: 3600 }, true)));
    assert.equal(err.errorCode, 37);
    assert.equal(err.eData, undefined);
  });

  it('refuses unknown clients (6) and enctypes it has no key for (14)', async () => {
    const c = expectError(await send(asReq({ ...alice, client: ['nobody'] }, false)));
    assert.equal(c.errorCode, 6);
    assert.equal(c.eText, 'CLIENT_NOT_FOUND');
    const e = expectError(await send(asReq({ realm: REALM, client: ['old'], etypes: [18] }, false)));
    assert.equal(e.errorCode, 14);
    const n = expectError(await send(asReq({ ...alice, etypes: [23] }, false)));
    assert.equal(n.errorCode, 14);
  });

  it('issues a ticket without pre-authentication to a principal that does not require it', async () => {
    const o = { realm: REALM, client: ['nopre'], password: 'pw-Nopre', etypes: [17] };
    const rep = expectRep(await send(asReq(o, false)));
    const part = decryptAsRep(rep, clientKey(o, 17));
    assert.equal(part.flags & TKT_FLG_PRE_AUTH, 0);
  });

  it('serves TGS: service tickets, subkey replies (usage 9), forwarded and renewed TGTs', async () => {
    const o = { ...alice, etypes: [18], kdcOptions: KDC_OPT_FORWARDABLE | KDC_OPT_RENEWABLE, rtime: 0 };
    const rep = expectRep(await send(asReq(o, true)));
    const as = decryptAsRep(rep, clientKey(o, 18));
    assert.ok(as.flags & TKT_FLG_RENEWABLE);
    assert.ok(as.renewTill && as.renewTill - as.authtime <= 7 * 86400);
    const base = { realm: REALM, tgt: rep.ticket, sessionKey: as.key, client: ['alice'] };

    const svc = expectRep(
      await send(tgsReq({ ...base, service: ['gsstest', 'localhost'], etypes: [19, 18] })),
    );
    const svcPart = decodeEncKdcRepPart(decrypt(as.key, 8, svc.encPart.cipher));
    assert.equal(svcPart.nonce, 0x0badcafe);
    assert.equal(svcPart.key.enctype, 19);
    assert.equal(svcPart.flags & TKT_FLG_INITIAL, 0);
    assert.ok(svcPart.flags & TKT_FLG_PRE_AUTH);

    const subkey = randomKey(17);
    const withSub = expectRep(await send(tgsReq({ ...base, service: ['gsstest', 'localhost'], subkey })));
    decodeEncKdcRepPart(decrypt(subkey, 9, withSub.encPart.cipher));

    const fwd = expectRep(
      await send(
        tgsReq({ ...base, service: ['krbtgt', REALM], kdcOptions: KDC_OPT_FORWARDED | KDC_OPT_FORWARDABLE }),
      ),
    );
    const fwdPart = decodeEncKdcRepPart(decrypt(as.key, 8, fwd.encPart.cipher));
    assert.ok(fwdPart.flags & TKT_FLG_FORWARDED && fwdPart.flags & TKT_FLG_FORWARDABLE);

    const renewed = expectRep(
      await send(tgsReq({ ...base, service: ['krbtgt', REALM], kdcOptions: KDC_OPT_RENEW })),
    );
    const renPart = decodeEncKdcRepPart(decrypt(as.key, 8, renewed.encPart.cipher));
    assert.equal(renPart.renewTill, as.renewTill);
    assert.equal(renPart.authtime, as.authtime);
  });

  it('refuses TGS requests MIT refuses: unknown service, bad checksum, skew, unforwardable TGT', async () => {
    const o = { ...alice, etypes: [18], kdcOptions: 0 };
    const rep = expectRep(await send(asReq(o, true)));
    const as = decryptAsRep(rep, clientKey(o, 18));
    const base = { realm: REALM, tgt: rep.ticket, sessionKey: as.key, client: ['alice'] };
    const unknown = expectError(await send(tgsReq({ ...base, service: ['nosuch', 'localhost'] })));
    assert.equal(unknown.errorCode, 7);
    assert.deepEqual(unknown.cname?.components, ['alice']);
    const modified = expectError(
      await send(tgsReq({ ...base, service: ['gsstest', 'localhost'], badChecksum: true })),
    );
    assert.equal(modified.errorCode, 41);
    const skew = expectError(await send(tgsReq({ ...base, service: ['gsstest', 'localhost'], skew: -3600 })));
    assert.equal(skew.errorCode, 37);
    const fwd = expectError(
      await send(tgsReq({ ...base, service: ['krbtgt', REALM], kdcOptions: KDC_OPT_FORWARDED })),
    );
    assert.equal(fwd.errorCode, 13);
    assert.equal(fwd.eText, 'TGT NOT FORWARDABLE');
    const renew = expectError(
      await send(tgsReq({ ...base, service: ['krbtgt', REALM], kdcOptions: KDC_OPT_RENEW })),
    );
    assert.equal(renew.errorCode, 13);
    const wrongKey = expectError(
      await send(tgsReq({ ...base, sessionKey: randomKey(18), service: ['gsstest', 'localhost'] })),
    );
    assert.equal(wrongKey.errorCode, 31);
  });

  it('encrypts service tickets in the service key that exportKeytab writes', async () => {
    const o = { ...alice, etypes: [18] };
    const rep = expectRep(await send(asReq(o, true)));
    const as = decryptAsRep(rep, clientKey(o, 18));
    const svc = expectRep(
      await send(
        tgsReq({
          realm: REALM,
          tgt: rep.ticket,
          sessionKey: as.key,
          client: ['alice'],
          service: ['gsstest', 'localhost'],
        }),
      ),
    );
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readKeytab, findKey } = await import('../../../src/krb5/keytab/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'kdc-kt-'));
    try {
      await kdc.exportKeytab(['gsstest/localhost'], join(dir, 'kt'));
      const kt = await readKeytab(`FILE:${join(dir, 'kt')}`);
      assert.equal(kt.entries.length, 4);
      const entry = findKey(
        kt,
        { nameType: 2, components: ['gsstest', 'localhost'], realm: REALM },
        svc.ticket.encPart.etype,
      );
      const tkt = decodeEncTicketPart(decrypt(entry.key, 2, svc.ticket.encPart.cipher));
      assert.deepEqual(tkt.cname.components, ['alice']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers the same over TCP with 4-byte length framing', async () => {
    const raw = await tcpExchange(kdc.port, framed(asReq(alice, false)));
    const len = Buffer.from(raw).readUInt32BE(0);
    assert.equal(len, raw.length - 4);
    assert.equal(expectError(parseReply(raw.subarray(4))).errorCode, 25);
  });
});
