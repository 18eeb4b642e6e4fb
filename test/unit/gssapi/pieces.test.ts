import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomKey } from '../../../src/crypto/index.js';
import { GssError } from '../../../src/errors/status.js';
import { channelBindingsHash } from '../../../src/gssapi/mech/krb5/establish/bindings.js';
import {
  etypeNegotiationAuthdata,
  readEtypeNegotiation,
} from '../../../src/gssapi/mech/krb5/establish/etype-negotiation.js';
import { makeKrbCred, readKrbCred } from '../../../src/gssapi/mech/krb5/establish/krb-cred.js';
import type { CachedCredential } from '../../../src/krb5/ccache/index.js';
import { encodeTicket } from '../../../src/krb5/messages/ticket.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

describe('channel-binding hash (RFC 4121 4.1.1.2)', () => {
  it('is sixteen zeros without bindings', () => {
    assert.equal(toHex(channelBindingsHash(undefined)), '00'.repeat(16));
  });
  it('is MD5 over little-endian types and lengths (python hashlib of the same layout)', () => {
    // python3: hashlib.md5(struct.pack('<II', 2, 4) + b'\x7f\0\0\1' + struct.pack('<II', 2, 4)
    //   + b'\x7f\0\0\2' + struct.pack('<I', 3) + b'\xc0\xff\xee').hexdigest()
    const h = channelBindingsHash({
      initiatorAddrType: 2,
      initiatorAddress: fromHex('7f000001'),
      acceptorAddrType: 2,
      acceptorAddress: fromHex('7f000002'),
      applicationData: fromHex('c0ffee'),
    });
    assert.equal(toHex(h), EXPECTED_CB_MD5);
  });
});

describe('RFC 4537 EtypeList in the authenticator', () => {
  it('is sent only when another enctype is preferred, cut after the session enctype', () => {
    assert.equal(etypeNegotiationAuthdata([18, 17], 18), undefined);
    const ad = etypeNegotiationAuthdata([20, 18, 17], 18);
    assert.ok(ad);
    assert.equal(ad[0].adType, 1);
    assert.deepEqual(readEtypeNegotiation(ad), [20, 18]);
  });
  it('reads nothing from unrelated authorization data, and GssError from garbage', () => {
    assert.deepEqual(readEtypeNegotiation([{ adType: 128, adData: new Uint8Array(3) }]), []);
    assert.throws(() => readEtypeNegotiation([{ adType: 1, adData: Uint8Array.of(0x30, 0x05) }]), GssError);
  });
});

describe('KRB-CRED for delegation', () => {
  const sessionKey = randomKey(18);
  const tgt: CachedCredential = {
    client: { nameType: 1, components: ['alice'], realm: 'R' },
    server: { nameType: 2, components: ['krbtgt', 'R'], realm: 'R' },
    key: randomKey(18),
    authtime: 1_700_000_000,
    starttime: 1_700_000_000,
    endtime: 1_700_086_400,
    renewTill: 0,
    isSkey: false,
    ticketFlags: 0x40810000,
    addresses: [],
    authdata: [],
    ticket: encodeTicket({
      realm: 'R',
      sname: { nameType: 2, components: ['krbtgt', 'R'] },
      encPart: { etype: 18, kvno: 1, cipher: new Uint8Array(64).fill(9) },
    }),
    secondTicket: new Uint8Array(0),
  };

  it('round-trips under the session key, and is read with the subkey tried first', () => {
    const bytes = makeKrbCred(tgt, sessionKey, 12345, 1_700_000_100_250);
    const [back] = readKrbCred(bytes, [randomKey(18), sessionKey]);
    assert.deepEqual(back.client, tgt.client);
    assert.deepEqual(back.server, tgt.server);
    assert.deepEqual(back.key, tgt.key);
    assert.equal(back.endtime, tgt.endtime);
    assert.equal(back.ticketFlags, tgt.ticketFlags);
    assert.deepEqual(back.ticket, tgt.ticket);
  });

  it('cannot be read without the key: GSS_S_FAILURE, and truncations throw only GssError', () => {
    const bytes = makeKrbCred(tgt, sessionKey, 1, 1_700_000_100_000);
    assert.throws(
      () => readKrbCred(bytes, [randomKey(18)]),
      (e: GssError) => e.code === 'GSS_S_FAILURE',
    );
    for (let i = 0; i < bytes.length; i += 7) {
      assert.throws(() => readKrbCred(bytes.subarray(0, i), [sessionKey]), GssError);
    }
  });
});

const EXPECTED_CB_MD5 = '2b74f5fcac62c928b7b2c52d7ea2d6e3';
