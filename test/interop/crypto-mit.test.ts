/**
 * Our crypto against MIT krb5 in a live realm: string-to-key equals the keys MIT's kadmin writes
 * for alice's password, and service tickets issued by MIT's KDC decrypt with our code (key
 * usage 2) under the service keys, for each of the four enctypes. The keytab is read through
 * `klist -k -K -e` (MIT's own reading) and the ccache and Ticket through minimal walks below.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decrypt, defaultSalt, type Key, profileByName, stringToKey } from '../../src/crypto/index.js';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { Reader } from '../../src/util/reader.js';
import { AES_ENCTYPES, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';

/** `klist -k -K -e` lines: "KVNO principal (enctype)  (0xKEY)". */
function keytabKeys(realm: Realm, keytab: string): { principal: string; kvno: number; key: Key }[] {
  const out = realm.run(MIT_BIN.klist, ['-k', '-K', '-e', keytab]);
  const keys = [];
  for (const m of out.matchAll(/^\s*(\d+)\s+(\S+)\s+\(([\w-]+)\)\s+\(0x([0-9a-f]+)\)\s*$/gm)) {
    keys.push({
      kvno: Number(m[1]),
      principal: m[2],
      key: { enctype: profileByName(m[3]).enctype, keyvalue: fromHex(m[4]) },
    });
  }
  return keys;
}

interface Cred {
  server: string;
  sessionKey: Key;
  ticket: Uint8Array;
}

/** MIT FILE ccache, version 0x0504 (ccache format doc): just the credentials we need. */
function readCcache(path: string): Cred[] {
  const r = new Reader(new Uint8Array(readFileSync(path)));
  assert.equal(r.u16(), 0x0504);
  r.skip(r.u16()); // header tags
  const principal = () => {
    r.u32(); // name type
    const n = r.u32();
    const realm = new TextDecoder().decode(r.bytes(r.u32()));
    const comps = [];
    for (let i = 0; i < n; i++) comps.push(new TextDecoder().decode(r.bytes(r.u32())));
    return `${comps.join('/')}@${realm}`;
  };
  principal(); // default principal
  const creds: Cred[] = [];
  while (!r.atEnd) {
    principal(); // client
    const server = principal();
    const enctype = r.u16();
    const keyvalue = r.bytes(r.u32()).slice();
    r.skip(16 + 1 + 4); // times, is_skey, flags
    // addresses, then authdata: each a 16-bit type and 32-bit-counted bytes
    for (let list = 0; list < 2; list++) {
      for (let i = r.u32(); i > 0; i--) {
        r.skip(2);
        r.skip(r.u32());
      }
    }
    const ticket = r.bytes(r.u32()).slice();
    r.skip(r.u32()); // second ticket
    creds.push({ server, sessionKey: { enctype, keyvalue }, ticket });
  }
  return creds;
}

/** A DER TLV walk: the children of a constructed value, by tag byte. */
function der(b: Uint8Array): Map<number, Uint8Array> {
  const r = new Reader(b);
  const out = new Map<number, Uint8Array>();
  while (!r.atEnd) {
    const tag = r.u8();
    let len = r.u8();
    if (len & 0x80) {
      let n = len & 0x7f;
      for (len = 0; n > 0; n--) len = len * 256 + r.u8();
    }
    out.set(tag, r.bytes(len));
  }
  return out;
}
const child = (b: Uint8Array, ...path: number[]): Uint8Array =>
  path.reduce((v, tag) => {
    const c = der(v).get(tag);
    assert.ok(c, `DER tag 0x${tag.toString(16)} present`);
    return c;
  }, b);
const derInt = (b: Uint8Array) => child(b, 0x02).reduce((n, x) => n * 256 + x, 0);

describe('crypto against MIT krb5', { skip: interopSkip() }, () => {
  let realm: Realm;
  const services = AES_ENCTYPES.map((name) => ({
    name,
    principal: `svc-${profileByName(name).enctype}/localhost`,
  }));
  let serviceKeytab: string;

  before(async () => {
    realm = await startRealm();
    serviceKeytab = join(realm.dir, 'per-enctype.keytab');
    // One service per enctype, so the KDC must encrypt each ticket in that enctype.
    for (const s of services) {
      realm.kadmin(`addprinc -randkey -e ${s.name}:normal ${s.principal}`);
      realm.kadmin(`ktadd -k ${serviceKeytab} -norandkey ${s.principal}`);
      realm.run(MIT_BIN.kvno, [s.principal]);
    }
    realm.run(MIT_BIN.kvno, ['gsstest/localhost']);
  });
  after(async () => {
    await realm?.stop();
  });

  it("string-to-key of alice's password equals MIT's key for each enctype", () => {
    const keys = keytabKeys(realm, realm.keytabs.alice);
    assert.deepEqual(keys.map((k) => k.key.enctype).sort(), [17, 18, 19, 20]);
    for (const { principal, key } of keys) {
      assert.equal(principal, `alice@${realm.realm}`);
      const ours = stringToKey(key.enctype, realm.alicePassword, defaultSalt(realm.realm, ['alice']));
      assert.equal(toHex(ours.keyvalue), toHex(key.keyvalue), `enctype ${key.enctype}`);
    }
  });

  it("decrypts MIT-issued service tickets (usage 2) under each enctype's service key", () => {
    const creds = readCcache(realm.aliceCcache.replace(/^FILE:/, ''));
    const keytab = [...keytabKeys(realm, serviceKeytab), ...keytabKeys(realm, realm.keytabs.gsstest)];
    const seen = new Set<number>();
    for (const server of [...services.map((s) => s.principal), 'gsstest/localhost']) {
      const cred = creds.find((c) => c.server === `${server}@${realm.realm}`);
      assert.ok(cred, `ticket for ${server} in the ccache`);
      // Ticket ::= [APPLICATION 1] SEQUENCE { ..., enc-part [3] EncryptedData }
      const encPart = child(cred.ticket, 0x61, 0x30, 0xa3, 0x30);
      const etype = derInt(child(encPart, 0xa0));
      const kvno = derInt(child(encPart, 0xa1));
      const cipher = child(encPart, 0xa2, 0x04);
      const entry = keytab.find((k) => k.principal === `${server}@${realm.realm}` && k.key.enctype === etype);
      assert.ok(entry, `service key ${server} enctype ${etype}`);
      assert.equal(entry.kvno, kvno);
      const plain = decrypt(entry.key, 2, cipher);
      // EncTicketPart ::= [APPLICATION 3] SEQUENCE { flags [0], key [1] EncryptionKey, crealm [2], cname [3], ... }
      const part = child(plain, 0x63, 0x30);
      const key = child(part, 0xa1, 0x30);
      assert.equal(derInt(child(key, 0xa0)), cred.sessionKey.enctype);
      assert.equal(toHex(child(key, 0xa1, 0x04)), toHex(cred.sessionKey.keyvalue));
      assert.equal(new TextDecoder().decode(child(part, 0xa2, 0x1b)), realm.realm);
      seen.add(etype);
      // Any flipped bit in the MIT ciphertext is caught.
      for (const i of [0, 17, cipher.length >> 1, cipher.length - 1]) {
        const t = cipher.slice();
        t[i] ^= 0x04;
        assert.throws(
          () => decrypt(entry.key, 2, t),
          (e) => e instanceof GssError && e.minor === MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY,
        );
      }
    }
    assert.deepEqual([...seen].sort(), [17, 18, 19, 20]);
  });
});
