/**
 * The acceptor's cache of decrypted tickets (src/gssapi/mech/krb5/establish/ticket-cache.ts): hits only for the same
 * ciphertext under the same keytab Key object, bounded per key, and safe with context deletion
 * (a context's session key is its own copy: deleting a context must not wipe the cached key
 * that later AP-REQs with the same ticket use).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encrypt, randomBytes, randomKey } from '../../../src/crypto/index.js';
import type { Key } from '../../../src/crypto/key.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { getContextState } from '../../../src/gssapi/context/context-internal.js';
import { Credentials } from '../../../src/gssapi/creds/creds.js';
import { GSS_C_MUTUAL_FLAG, GSS_C_REPLAY_FLAG } from '../../../src/gssapi/flags.js';
import { channelBindingsHash } from '../../../src/gssapi/mech/krb5/establish/bindings.js';
import { encodeGssChecksum } from '../../../src/gssapi/mech/krb5/establish/checksum.js';
import {
  cachedTicketPart,
  rememberTicketPart,
} from '../../../src/gssapi/mech/krb5/establish/ticket-cache.js';
import { TOK_ID_AP_REQ, wrapInitialContextToken } from '../../../src/gssapi/token/framing.js';
import { AP_OPTS_MUTUAL_REQUIRED } from '../../../src/krb5/constants/flags.js';
import { KU_AP_REQ_AUTH, KU_TICKET } from '../../../src/krb5/constants/key-usages.js';
import { writeKeytab } from '../../../src/krb5/keytab/index.js';
import { encodeApReq, encodeAuthenticator } from '../../../src/krb5/messages/ap.js';
import { type EncTicketPart, encodeEncTicketPart } from '../../../src/krb5/messages/ticket.js';
import { toHex } from '../../../src/util/bytes.js';

const REALM = 'CACHE.GSS';
const SERVICE = { nameType: 3, components: ['gsstest', 'localhost'], realm: REALM };

function part(session: Key): EncTicketPart {
  const now = Math.floor(Date.now() / 1000);
  return {
    flags: 0,
    key: session,
    crealm: REALM,
    cname: { nameType: 1, components: ['alice'] },
    transited: { trType: 1, contents: new Uint8Array(0) },
    authtime: now - 10,
    endtime: now + 3600,
  };
}

describe('ticket cache', () => {
  it('hits only for the same ciphertext under the same key object', () => {
    const k = randomKey(18);
    const cipher = randomBytes(200);
    const p = part(randomKey(18));
    assert.equal(cachedTicketPart(k, cipher), undefined);
    rememberTicketPart(k, cipher, p);
    assert.equal(cachedTicketPart(k, cipher.slice()), p);
    // Same length and last 16 bytes (the index), another byte before: no hit.
    const other = cipher.slice();
    other[0] ^= 1;
    assert.equal(cachedTicketPart(k, other), undefined);
    // The same key bytes in another Key object (another keytab read): no hit.
    assert.equal(cachedTicketPart({ enctype: 18, keyvalue: k.keyvalue.slice() }, cipher), undefined);
    // The cache keeps its own copy of the ciphertext.
    cipher[5] ^= 1;
    assert.equal(cachedTicketPart(k, cipher), undefined);
  });

  it('keeps at most 256 tickets per key, the oldest out first', () => {
    const k = randomKey(18);
    const ciphers = Array.from({ length: 257 }, () => randomBytes(64));
    for (const c of ciphers) rememberTicketPart(k, c, part(randomKey(18)));
    assert.equal(cachedTicketPart(k, ciphers[0]), undefined);
    assert.ok(cachedTicketPart(k, ciphers[1]));
    assert.ok(cachedTicketPart(k, ciphers[256]));
  });

  describe('through the acceptor', () => {
    let dir: string;
    let serviceKey: Key;
    let creds: Credentials;
    const saved = process.env.KRB5_CONFIG;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-tktcache-'));
      writeFileSync(join(dir, 'krb5.conf'), `[libdefaults]\n  default_realm = ${REALM}\n`);
      process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
      serviceKey = randomKey(18);
      await writeKeytab(`FILE:${join(dir, 'kt')}`, [
        { principal: SERVICE, timestamp: 0, kvno: 2, key: serviceKey },
      ]);
      creds = await Credentials.acquire({ usage: 'accept', keytab: `FILE:${join(dir, 'kt')}` });
    });
    after(() => {
      if (saved === undefined) delete process.env.KRB5_CONFIG;
      else process.env.KRB5_CONFIG = saved;
      rmSync(dir, { recursive: true, force: true });
    });

    /** An AP-REQ for `ticketCipher`, with a fresh authenticator (so the replay cache passes). */
    function apReq(ticketCipher: Uint8Array, session: Key, cusec: number): Uint8Array {
      const authenticator = encodeAuthenticator({
        crealm: REALM,
        cname: { nameType: 1, components: ['alice'] },
        cksum: {
          cksumtype: 0x8003,
          checksum: encodeGssChecksum({
            bindingsHash: channelBindingsHash(undefined),
            flags: GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG,
          }),
        },
        cusec,
        ctime: Math.floor(Date.now() / 1000),
        subkey: randomKey(18),
        seqNumber: 5,
      });
      return wrapInitialContextToken(
        TOK_ID_AP_REQ,
        encodeApReq({
          apOptions: AP_OPTS_MUTUAL_REQUIRED,
          ticket: { realm: REALM, sname: SERVICE, encPart: { etype: 18, kvno: 2, cipher: ticketCipher } },
          authenticator: { etype: 18, cipher: encrypt(session, KU_AP_REQ_AUTH, authenticator) },
        }),
      );
    }

    it('a second context on the same ticket survives the deletion of the first', async () => {
      const session = randomKey(18);
      const ticketCipher = encrypt(serviceKey, KU_TICKET, encodeEncTicketPart(part(session)));
      const first = SecurityContext.accept({ credentials: creds });
      await first.step(apReq(ticketCipher, session, 1));
      const firstKey = getContextState(first)?.sessionKey;
      assert.ok(firstKey);
      assert.equal(toHex(firstKey.keyvalue), toHex(session.keyvalue));
      first.delete();
      // The first context's copy is wiped...
      assert.ok(firstKey.keyvalue.every((b) => b === 0));
      // ...and the ticket, now served from the cache, still yields the session key.
      const second = SecurityContext.accept({ credentials: creds });
      const rep = await second.step(apReq(ticketCipher, session, 2));
      assert.ok(rep, 'an AP-REP');
      const secondKey = getContextState(second)?.sessionKey;
      assert.ok(secondKey);
      assert.notEqual(secondKey, firstKey);
      assert.equal(toHex(secondKey.keyvalue), toHex(session.keyvalue));
      second.delete();
    });
  });
});
