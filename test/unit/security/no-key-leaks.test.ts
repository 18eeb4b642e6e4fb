/**
 * Keys never shown: objects that hold keys print no key bytes through util.inspect,
 * JSON.stringify or String(); errors from failing operations on them (bad decrypt, bad MIC, bad
 * import, bad keytab) carry none in message, cause or stack; and the KRB5_TRACE lines of a full
 * kinit + TGS + context establishment + per-message exchange carry none either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { decrypt, encrypt, randomBytes, stringToKey } from '../../../src/crypto/index.js';
import type { Key } from '../../../src/crypto/key.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { getContextState } from '../../../src/gssapi/context/context-internal.js';
import { importSecContext } from '../../../src/gssapi/context/export.js';
import { credsInternals } from '../../../src/gssapi/creds/creds-internal.js';
import { type CachedCredential, encodeCcache, parseCcache } from '../../../src/krb5/ccache/format.js';
import { PrincipalDb } from '../../../src/krb5/kdc/db.js';
import { passwordKeys } from '../../../src/krb5/kdc/keys.js';
import { encodeKeytab, parseKeytab } from '../../../src/krb5/keytab/format.js';
import { parsePrincipal } from '../../../src/krb5/principal.js';
import { setTraceSink } from '../../../src/krb5/trace.js';
import { assertNoSecrets, showsSecret, thrown } from './leak-check.js';
import { ALICE_PASSWORD, REALM, type SecurityWorld, startSecurityWorld } from './world.js';

/** A key no random generator would make: easy to spot in any output. */
const MARK = Uint8Array.from({ length: 32 }, (_, i) => (0xc0 + i * 7) & 0xff);
const markKey = (): Key => ({ enctype: 18, keyvalue: MARK.slice() });

describe('keys are never shown', () => {
  let w: SecurityWorld;
  const traceLines: string[] = [];
  /** Every secret the world made: long-term keys, TGT and ticket session keys, context keys. */
  const secrets: Uint8Array[] = [MARK];

  before(async () => {
    setTraceSink((line) => traceLines.push(line));
    w = await startSecurityWorld();
  });
  after(async () => {
    setTraceSink(undefined);
    await w?.stop();
  });

  it('the leak check itself sees a key where one is printed', () => {
    assert.ok(showsSecret(markKey(), MARK), 'util.inspect of a plain Key shows its bytes');
    assert.ok(showsSecret(Buffer.from(MARK).toString('base64'), MARK));
    assert.ok(showsSecret(Buffer.from(MARK), MARK));
  });

  it('SecurityContext, Credentials and Name print no keys', async () => {
    const { ini, acc } = await w.establish({ delegate: true });
    for (const c of [ini, acc]) {
      const s = getContextState(c);
      assert.ok(s);
      secrets.push(s.sessionKey.keyvalue.slice(), s.subkey.keyvalue.slice());
      if (s.acceptorSubkey) secrets.push(s.acceptorSubkey.keyvalue.slice());
    }
    const side = credsInternals.get(w.alice)?.initiator;
    assert.ok(side);
    for (const cred of await side.ccache.list()) secrets.push(cred.key.keyvalue.slice());
    for (const e of parseKeytab(w.keytabBytes).entries) secrets.push(e.key.keyvalue.slice());
    for (const enctype of [17, 18, 19, 20]) {
      secrets.push(stringToKey(enctype, ALICE_PASSWORD, `${REALM}alice`).keyvalue);
    }
    const objects: [string, unknown][] = [
      ['initiator ContextState', getContextState(ini)],
      ['acceptor ContextState', getContextState(acc)],
      ['initiator SecurityContext', ini],
      ['acceptor SecurityContext', acc],
      ['alice Credentials', w.alice],
      ['acceptor Credentials', w.acceptor],
      ['delegated Credentials', acc.delegatedCredentials],
      ['Name', ini.acceptorName],
      ['Kdc handle', w.kdc],
    ];
    for (const [what, o] of objects) assertNoSecrets(o, secrets, what);
  });

  it('errors of failing operations carry no keys', async () => {
    const key = markKey();
    const other: Key = { enctype: 18, keyvalue: randomBytes(32) };
    const cipher = encrypt(key, 2, new TextEncoder().encode('ticket'));
    const failures: [string, unknown][] = [
      ['decrypt with the wrong key', await thrown(() => decrypt(other, 2, cipher))],
      ['decrypt of damaged ciphertext', await thrown(() => decrypt(key, 2, cipher.subarray(1)))],
    ];
    const { ini, acc } = await w.establish();
    const mic = ini.getMic(Uint8Array.of(1, 2, 3));
    mic[mic.length - 1] ^= 1;
    failures.push(['bad MIC', await thrown(() => acc.verifyMic(Uint8Array.of(1, 2, 3), mic))]);
    const wrapped = ini.wrap(Uint8Array.of(1, 2, 3), { confidential: true });
    wrapped[wrapped.length - 1] ^= 1;
    failures.push(['bad Wrap', await thrown(() => acc.unwrap(wrapped))]);
    const sealKey = randomBytes(32);
    const sealed = acc.export({ key: sealKey });
    failures.push([
      'import with the wrong seal key',
      await thrown(() => importSecContext(sealed, { key: MARK })),
    ]);
    const { acc: acc2 } = await w.establish();
    const plain = acc2.export();
    const imported = importSecContext(acc2Copy(plain));
    assertNoSecrets(getContextState(imported), [...secrets, ...keysOf(imported)], 'imported ContextState');
    failures.push([
      'import of a truncated token',
      await thrown(() => importSecContext(plain.subarray(0, 90))),
    ]);
    failures.push([
      'import of a damaged token',
      await thrown(() => importSecContext(plain.subarray(0, plain.length - 3))),
    ]);
    const entry = { principal: parsePrincipal(`svc/host@${REALM}`), timestamp: 1, kvno: 3, key: markKey() };
    const kt = encodeKeytab([entry]);
    failures.push(['truncated keytab', await thrown(() => parseKeytab(kt.subarray(0, kt.length - 5)))]);
    const acceptWrongKey = SecurityContext.accept({ credentials: w.acceptor });
    const { apReqToken } = await w.establish();
    const damaged = apReqToken.slice();
    damaged[damaged.length - 20] ^= 1;
    failures.push(['accept of a damaged AP-REQ', await thrown(() => acceptWrongKey.step(damaged))]);
    for (const [what, e] of failures) assertNoSecrets(e, [...secrets, sealKey, key.keyvalue], what);
  });

  it('keytab entries, ccache credentials and KDC database entries (internal records)', () => {
    const entry = { principal: parsePrincipal(`svc/host@${REALM}`), timestamp: 1, kvno: 3, key: markKey() };
    const keytab = parseKeytab(encodeKeytab([entry]));
    const cred: CachedCredential = {
      client: parsePrincipal(`alice@${REALM}`),
      server: parsePrincipal(`krbtgt/${REALM}@${REALM}`),
      key: markKey(),
      authtime: 1,
      starttime: 1,
      endtime: 2,
      renewTill: 0,
      isSkey: false,
      ticketFlags: 0,
      addresses: [],
      authdata: [],
      ticket: new Uint8Array(0),
      secondTicket: new Uint8Array(0),
    };
    const cc = parseCcache(
      encodeCcache({ version: 4, headerTags: [], principal: cred.client, credentials: [cred] }),
    );
    const db = new PrincipalDb(REALM);
    const p = parsePrincipal(`bob@${REALM}`);
    db.put({
      principal: p,
      name: `bob@${REALM}`,
      keys: passwordKeys(p, 'bob-pw', 1),
      requiresPreauth: true,
      allowForwardable: true,
      allowRenewable: true,
      maxLife: 0,
      maxRenewableLife: 0,
    });
    const dbEntry = db.getByName('bob');
    assert.ok(dbEntry);
    const dbSecrets = dbEntry.keys.map((k) => k.keyvalue);
    assertNoSecrets(db, dbSecrets, 'PrincipalDb');
    assertNoSecrets(dbEntry, dbSecrets, 'KDC database entry');
    assertNoSecrets(keytab, [MARK], 'Keytab');
    assertNoSecrets(keytab.entries[0], [MARK], 'keytab entry');
    assertNoSecrets(cc, [MARK], 'ccache contents');
    assertNoSecrets(cc.credentials[0], [MARK], 'ccache credential');
  });

  it('KRB5_TRACE of kinit, TGS, establishment and messages shows no key and no password', async () => {
    const before = traceLines.length;
    const { ini, acc } = await w.establish({ delegate: true });
    acc.unwrap(ini.wrap(Uint8Array.of(9, 9, 9), { confidential: true }));
    const s = getContextState(ini);
    assert.ok(s);
    secrets.push(s.sessionKey.keyvalue.slice(), s.subkey.keyvalue.slice());
    const text = traceLines.join('');
    assert.ok(traceLines.length > 10, `trace lines: ${traceLines.length}`);
    assert.ok(traceLines.length > before);
    assert.ok(
      /Getting initial credentials/.test(text) && /Requesting tickets/.test(text),
      text.slice(0, 400),
    );
    assertNoSecrets(text, secrets, 'KRB5_TRACE');
    assert.ok(!text.includes(ALICE_PASSWORD), 'the password is not traced');
    void inspect;
  });
});

/** A copy of an exported token, so the original can still be damaged and imported below. */
function acc2Copy(token: Uint8Array): Uint8Array {
  return token.slice();
}

function keysOf(ctx: SecurityContext): Uint8Array[] {
  const s = getContextState(ctx);
  assert.ok(s);
  return [s.sessionKey, s.subkey, s.acceptorSubkey].flatMap((k) => (k ? [k.keyvalue.slice()] : []));
}
