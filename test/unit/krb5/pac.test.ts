/**
 * MS-PAC decoding and verification on a PAC Samba's AD DC issued (test/fixtures/pac): the
 * decoded values, both signatures, the client-info checks, and every tampered byte rejected.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Key } from '../../../src/crypto/key.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../../src/errors/status.js';
import { parseKeytab } from '../../../src/krb5/keytab/format.js';
import { encodeAuthorizationData } from '../../../src/krb5/messages/common.js';
import { findPac, type PacCheck, verifyPac } from '../../../src/krb5/pac/index.js';
import type { Principal } from '../../../src/krb5/principal.js';

const dir = join('test', 'fixtures', 'pac');
const pac = new Uint8Array(readFileSync(join(dir, 'samba.pac')));
const meta = JSON.parse(readFileSync(join(dir, 'samba.json'), 'utf8')) as {
  client: Principal;
  authtime: number;
  etype: number;
  sid: string;
};
const keyOf = (file: string, etype: number): Key => {
  const kt = parseKeytab(new Uint8Array(readFileSync(join(dir, file))));
  const e = kt.entries.find((x) => x.key.enctype === etype);
  assert.ok(e);
  return e.key;
};
const serverKey = keyOf('web.keytab', meta.etype);
const kdcKey = keyOf('krbtgt.keytab', 18);
const check: PacCheck = { serverKey, kdcKey, client: meta.client, authtime: meta.authtime };

function minorOf(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof GssError, String(e));
    assert.equal(e.major, GSS_S_FAILURE);
    return e.minor;
  }
  assert.fail('accepted');
}

/** Where a buffer's bytes lie in the PAC (PAC_INFO_BUFFER table, MS-PAC 2.4). */
function bufferRange(type: number): [number, number] {
  const v = new DataView(pac.buffer, pac.byteOffset);
  const n = v.getUint32(0, true);
  for (let i = 0; i < n; i++) {
    const at = 8 + i * 16;
    if (v.getUint32(at, true) === type) {
      const off = v.getUint32(at + 8, true);
      return [off, off + v.getUint32(at + 4, true)];
    }
  }
  assert.fail(`no buffer ${type}`);
}

describe('MS-PAC from Samba AD', () => {
  it('decodes logon info, client info and UPN/DNS info after both signatures verify', () => {
    const p = verifyPac(pac, check);
    assert.equal(p.kdcSignatureVerified, true);
    assert.equal(p.clientName, 'alice');
    const li = p.logonInfo;
    assert.ok(li);
    assert.equal(li.effectiveName, 'alice');
    assert.equal(li.logonDomainName, 'ADEX');
    assert.equal(li.logonServer, 'DC1');
    assert.equal(li.logonDomainId, meta.sid);
    assert.equal(li.userSid, `${meta.sid}-1102`);
    assert.equal(li.primaryGroupSid, `${meta.sid}-513`);
    assert.deepEqual(
      li.groups.map((g) => g.sid),
      [`${meta.sid}-513`, `${meta.sid}-1103`],
    );
    // MS-PAC 2.2.1 / MS-SFU: S-1-18-1, "authentication authority asserted identity".
    assert.deepEqual(li.extraSids, [{ sid: 'S-1-18-1', attributes: 7 }]);
    assert.equal(li.passwordMustChange?.toISOString(), '2027-01-13T13:42:25.674Z');
    assert.deepEqual(p.upnDnsInfo, {
      upn: 'alice@ad.example.test',
      dnsDomainName: 'AD.EXAMPLE.TEST',
      upnConstructed: false,
      samName: 'alice',
      sid: `${meta.sid}-1102`,
    });
    assert.deepEqual([...p.buffers.keys()], [1, 10, 12, 6, 7, 16, 19]);
  });

  it('without the krbtgt key only the server signature is checked, as an acceptor does', () => {
    const p = verifyPac(pac, { ...check, kdcKey: undefined });
    assert.equal(p.kdcSignatureVerified, false);
  });

  it('every flipped byte is refused when both keys are at hand', () => {
    for (let i = 0; i < pac.length; i++) {
      const bad = pac.slice();
      bad[i] ^= 0x01;
      assert.throws(() => verifyPac(bad, check), GssError, `byte ${i}`);
    }
  });

  it('with the service key alone, every flip outside the KDC signature bytes is refused', () => {
    const [from, to] = bufferRange(7);
    for (let i = 0; i < pac.length; i++) {
      const bad = pac.slice();
      bad[i] ^= 0x80;
      const inKdcSignature = i >= from + 4 && i < to;
      if (inKdcSignature) continue;
      assert.throws(() => verifyPac(bad, { ...check, kdcKey: undefined }), GssError, `byte ${i}`);
    }
  });

  it("a changed signature is MIT's KRB5KRB_AP_ERR_BAD_INTEGRITY; a wrong key too", () => {
    const [from] = bufferRange(6);
    const bad = pac.slice();
    bad[from + 6] ^= 1;
    assert.equal(
      minorOf(() => verifyPac(bad, check)),
      MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY,
    );
    const other: Key = { enctype: serverKey.enctype, keyvalue: new Uint8Array(serverKey.keyvalue.length) };
    assert.equal(
      minorOf(() => verifyPac(pac, { ...check, serverKey: other })),
      MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY,
    );
    assert.equal(
      minorOf(() => verifyPac(pac, { ...check, kdcKey: other })),
      MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY,
    );
  });

  it("a PAC moved to another ticket (other client or authtime) is MIT's KRB5KRB_AP_WRONG_PRINC", () => {
    assert.equal(
      minorOf(() => verifyPac(pac, { ...check, authtime: meta.authtime + 1 })),
      MINOR.KRB5KRB_AP_WRONG_PRINC,
    );
    assert.equal(
      minorOf(() => verifyPac(pac, { ...check, client: { ...meta.client, components: ['bob'] } })),
      MINOR.KRB5KRB_AP_WRONG_PRINC,
    );
  });

  it('findPac: the AD-WIN2K-PAC inside AD-IF-RELEVANT; two PACs are refused', () => {
    const ifRelevant = (n: number) => ({
      adType: 1,
      adData: encodeAuthorizationData(Array.from({ length: n }, () => ({ adType: 128, adData: pac }))),
    });
    assert.deepEqual(findPac([ifRelevant(1)]), pac);
    assert.equal(findPac([]), undefined);
    assert.equal(findPac(undefined), undefined);
    assert.throws(() => findPac([ifRelevant(2)]), GssError);
    assert.throws(() => findPac([{ adType: 1, adData: Uint8Array.of(0x30, 0x05) }]), GssError);
  });
});
