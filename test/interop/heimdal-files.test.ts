/**
 * Keytabs and ccaches across Heimdal 7.8 and us: Heimdal-written keytabs (kadmin ext_keytab,
 * ktutil add/copy) parsed by parseKeytab with the keys Heimdal's string-to-key derives; ours
 * listed by Heimdal's ktutil with the same keys; Heimdal kinit/kgetcred ccaches read by our ccache
 * code (the service ticket opens with the keytab to the cached session key); ours copied by
 * Heimdal's copy_cred_cache and read back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decrypt, stringToKey } from '../../src/crypto/index.js';
import { resolveCcache } from '../../src/krb5/ccache/index.js';
import { KU_TICKET } from '../../src/krb5/constants/key-usages.js';
import { type KeytabEntry, parseKeytab, writeKeytab } from '../../src/krb5/keytab/index.js';
import { decodeEncTicketPart, decodeTicket } from '../../src/krb5/messages/ticket.js';
import { parsePrincipal, unparsePrincipal } from '../../src/krb5/principal.js';
import { toHex } from '../../src/util/bytes.js';
import { heimdalBin, heimdalSkip, startHeimdalRealm } from '../harness/heimdal.js';
import type { Realm } from '../harness/realm.js';

const ETYPE_NAME: Record<number, string> = {
  17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96',
  19: 'aes128-cts-hmac-sha256-128',
  20: 'aes256-cts-hmac-sha384-192',
};

interface ListedKey {
  kvno: number;
  enctype: string;
  principal: string;
  key: string;
}

/** Heimdal `ktutil -k FILE list --keys`: Vno, Type, Principal, Key columns. */
function heimdalList(realm: Realm, file: string): ListedKey[] {
  const out = realm.run(heimdalBin().ktutil, ['-k', file, 'list', '--keys']);
  const rows: ListedKey[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s*$/.exec(line);
    if (m) rows.push({ kvno: Number(m[1]), enctype: m[2], principal: m[3], key: m[4] });
  }
  return rows;
}

function ours(entries: readonly KeytabEntry[]): ListedKey[] {
  return entries.map((e) => ({
    kvno: e.kvno,
    enctype: ETYPE_NAME[e.key.enctype] ?? String(e.key.enctype),
    principal: unparsePrincipal(e.principal),
    key: toHex(e.key.keyvalue),
  }));
}

describe('keytabs and ccaches shared with Heimdal', { skip: heimdalSkip() }, () => {
  let realm: Realm;
  const bin = heimdalBin();
  before(async () => {
    realm = await startHeimdalRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  it('parseKeytab reads kadmin ext_keytab output: the keys Heimdal ktutil lists', () => {
    const kt = parseKeytab(readFileSync(realm.keytabs.services));
    assert.equal(kt.version, 0x0502);
    assert.equal(kt.entries.length, 12);
    assert.deepEqual(ours(kt.entries), heimdalList(realm, realm.keytabs.services));
    for (const e of kt.entries) assert.equal(e.kvno, 1);
  });

  it("alice's keytab holds our string-to-key of her password with the salts Heimdal's database records", () => {
    // Heimdal salts RFC 8009 keys with a random prefix; `get` shows each salt: type(salt)[kvno].
    const get = realm.kadmin('get alice');
    const salts = new Map<string, string>();
    for (const m of get.matchAll(/([a-z0-9-]+)\(pw-salt(?:\(([^)]*)\))?\)\[\d+\]/g)) {
      salts.set(m[1], m[2] ?? `${realm.realm}alice`);
    }
    assert.equal(salts.size, 4, get);
    assert.notEqual(
      salts.get('aes256-cts-hmac-sha384-192'),
      `${realm.realm}alice`,
      'random salt for RFC 8009',
    );
    const kt = parseKeytab(readFileSync(realm.keytabs.alice));
    assert.equal(kt.entries.length, 4);
    for (const e of kt.entries) {
      const name = ETYPE_NAME[e.key.enctype];
      const salt = salts.get(name);
      assert.ok(salt, name);
      const k = stringToKey(e.key.enctype, realm.alicePassword, salt);
      assert.equal(toHex(k.keyvalue), toHex(e.key.keyvalue), name);
    }
  });

  it('Heimdal ktutil add --password derives the keys we derive (default salt, all four AES, kvno 300)', () => {
    const file = join(realm.dir, 'ktutil-add.keytab');
    for (const enctype of Object.values(ETYPE_NAME)) {
      realm.run(bin.ktutil, [
        '-k',
        file,
        'add',
        '-p',
        'bob@HEIMDAL.GSS',
        '-V',
        '300',
        '-e',
        enctype,
        '-w',
        'bob-Pw-9',
      ]);
    }
    const kt = parseKeytab(readFileSync(file));
    assert.equal(kt.entries.length, 4);
    for (const e of kt.entries) {
      assert.equal(e.kvno, 300); // Heimdal writes the 32-bit kvno after the 8-bit one
      assert.equal(unparsePrincipal(e.principal), 'bob@HEIMDAL.GSS');
      const k = stringToKey(e.key.enctype, 'bob-Pw-9', 'HEIMDAL.GSSbob');
      assert.equal(toHex(k.keyvalue), toHex(e.key.keyvalue), ETYPE_NAME[e.key.enctype]);
    }
  });

  it('Heimdal ktutil lists and copies a keytab we wrote (kvno above 255 included)', async () => {
    const src = parseKeytab(readFileSync(realm.keytabs.gsstest));
    const entries: KeytabEntry[] = src.entries.map((e, i) => ({ ...e, kvno: i === 0 ? 300 : e.kvno }));
    const file = join(realm.dir, 'ours.keytab');
    await writeKeytab(`FILE:${file}`, entries);
    assert.deepEqual(heimdalList(realm, file), ours(entries));
    const copy = join(realm.dir, 'heimdal-copy.keytab');
    // Heimdal 7.8's `ktutil copy` exits 1 after copying everything, its own keytabs included.
    const r = await realm.exec(bin.ktutil, ['copy', file, copy]);
    const own = await realm.exec(bin.ktutil, [
      'copy',
      realm.keytabs.gsstest,
      join(realm.dir, 'own-copy.keytab'),
    ]);
    assert.equal(r.code, own.code, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(ours(parseKeytab(readFileSync(copy)).entries), ours(entries));
  });

  it('our ccache code reads what Heimdal kinit and kgetcred wrote', async () => {
    const name = `FILE:${join(realm.dir, 'heimdal.ccache')}`;
    realm.run(bin.kinit, ['--password-file=STDIN', '-c', name, 'alice'], {
      input: `${realm.alicePassword}\n`,
    });
    realm.run(bin.kgetcred, ['-c', name, 'gsstest/localhost@HEIMDAL.GSS']);
    const cc = resolveCcache(name);
    const contents = await cc.read();
    assert.equal(contents.version, 4);
    assert.equal(unparsePrincipal(contents.principal), 'alice@HEIMDAL.GSS');
    const servers = (await cc.list()).map((c) => unparsePrincipal(c.server));
    assert.ok(servers.includes('krbtgt/HEIMDAL.GSS@HEIMDAL.GSS'), servers.join());
    assert.ok(servers.includes('gsstest/localhost@HEIMDAL.GSS'), servers.join());
    const gsstest = parsePrincipal('gsstest/localhost@HEIMDAL.GSS');
    const cred = await cc.retrieve(gsstest);
    const ticket = decodeTicket(cred.ticket);
    const key = parseKeytab(readFileSync(realm.keytabs.gsstest)).entries.find(
      (e) => e.key.enctype === ticket.encPart.etype,
    )?.key;
    assert.ok(key);
    const part = decodeEncTicketPart(decrypt(key, KU_TICKET, ticket.encPart.cipher));
    assert.deepEqual(part.key.keyvalue, cred.key.keyvalue);
    assert.equal(part.authtime, cred.authtime);
    assert.equal(part.endtime, cred.endtime);
    assert.equal(cred.ticketFlags >>> 0, part.flags >>> 0);
  });

  it("Heimdal copy_cred_cache copies our ccache and we read Heimdal's copy back", async () => {
    const name = `FILE:${join(realm.dir, 'mine.ccache')}`;
    const theirs = resolveCcache(realm.aliceCcache);
    const mine = resolveCcache(name);
    await mine.initialize(await theirs.getPrincipal());
    for (const c of await theirs.list()) await mine.store(c);
    const copy = `FILE:${join(realm.dir, 'copied.ccache')}`;
    realm.run(bin.heimtools, ['copy_cred_cache', name, copy]);
    const back = await resolveCcache(copy).list();
    const orig = await mine.list();
    const real = (cs: typeof orig) => cs.filter((c) => c.server.components[0] !== 'krb5_ccache_conf_data');
    assert.equal(real(back).length, real(orig).length);
    for (const [i, c] of real(back).entries()) {
      assert.deepEqual(c.ticket, real(orig)[i].ticket);
      assert.deepEqual(c.key, real(orig)[i].key);
      assert.equal(c.endtime, real(orig)[i].endtime);
    }
  });
});
