import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import {
  addKeytabEntries,
  defaultClientKeytabName,
  defaultKeytabName,
  encodeKeytab,
  findKey,
  type Keytab,
  type KeytabEntry,
  keytabPath,
  parseKeytab,
  readKeytab,
  writeKeytab,
} from '../../src/krb5/keytab/index.js';
import { parsePrincipal, unparsePrincipal } from '../../src/krb5/principal.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'files', name)));

function minorOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GssError, `expected GssError, got ${String(e)}`);
    return e.minor;
  }
  assert.fail('expected a GssError');
}

function entry(
  name: string,
  kvno: number,
  enctype: number,
  timestamp = 1_700_000_000,
  fill = 1,
): KeytabEntry {
  return {
    principal: parsePrincipal(name),
    timestamp,
    kvno,
    key: { enctype, keyvalue: new Uint8Array(32).fill(fill) },
  };
}

describe('keytab format (MIT kt_file.c)', () => {
  it('reads the ktutil fixture (addent -password -p alice -k 1 -e aes256-cts-hmac-sha1-96)', () => {
    const kt = parseKeytab(fixture('ktutil.keytab'));
    assert.equal(kt.version, 0x0502);
    assert.equal(kt.entries.length, 1);
    const [e] = kt.entries;
    assert.equal(unparsePrincipal(e.principal), 'alice@TEST.GSS');
    assert.equal(e.principal.nameType, 1);
    assert.equal(e.kvno, 1);
    assert.equal(e.key.enctype, 18);
    assert.equal(e.timestamp, 0x6b0a1ca5);
    // MIT klist -k -t -K -e printed this key for the fixture (test realm, throwaway password).
    assert.equal(toHex(e.key.keyvalue), '85e654a2e444aa168e08bd4ffaca624a37736e8c60a3c3dbdea5593af49714bb');
  });

  it('reads the kadmin ktadd fixture: 3 services x 4 AES enctypes, and re-encodes it byte for byte', () => {
    const bytes = fixture('services.keytab');
    const kt = parseKeytab(bytes);
    assert.equal(kt.entries.length, 12);
    const names = new Set(kt.entries.map((e) => unparsePrincipal(e.principal)));
    assert.deepEqual([...names].sort(), [
      'HTTP/localhost@TEST.GSS',
      'gsstest/localhost@TEST.GSS',
      'host/localhost@TEST.GSS',
    ]);
    assert.deepEqual(
      kt.entries.slice(0, 4).map((e) => e.key.enctype),
      [18, 17, 20, 19],
    );
    assert.deepEqual(toHex(encodeKeytab(kt.entries)), toHex(bytes));
  });

  it('round-trips 8-bit and 32-bit kvnos (a kvno32 of 0 is zero fill)', () => {
    const entries = [
      entry('a@R', 7, 17),
      entry('a@R', 300, 18),
      entry('b/c@R', 0x1_0000_0005 - 0x1_0000_0000, 19),
    ];
    const kt = parseKeytab(encodeKeytab(entries));
    assert.deepEqual(
      kt.entries.map((e) => e.kvno),
      [7, 300, 5],
    );
    // kvno 300: the 8-bit field holds 300 & 0xff.
    const bytes = encodeKeytab([entries[1]]);
    assert.equal(bytes[2 + 4 + 2 + 2 + 1 + 2 + 1 + 4 + 4], 300 & 0xff);
    // Without the trailing kvno32 (pre-1.14 MIT), the 8-bit kvno is used.
    const short = Uint8Array.from(encodeKeytab([entries[0]]));
    const view = new DataView(short.buffer);
    view.setInt32(2, view.getInt32(2) - 4);
    assert.equal(parseKeytab(short.subarray(0, short.length - 4)).entries[0].kvno, 7);
    // A zero kvno32 leaves the 8-bit value.
    const zero = Uint8Array.from(encodeKeytab([entries[0]]));
    zero.fill(0, zero.length - 4);
    assert.equal(parseKeytab(zero).entries[0].kvno, 7);
  });

  it('skips holes left by deleted entries and stops at a zero size, as MIT does', () => {
    const a = encodeKeytab([entry('a@R', 1, 17)]).subarray(2);
    const b = encodeKeytab([entry('b@R', 2, 18)]).subarray(2);
    const hole = new Uint8Array(4 + 10);
    new DataView(hole.buffer).setInt32(0, -10);
    const tail = Uint8Array.of(0, 0, 0, 0, 0xde, 0xad);
    const all = new Uint8Array([0x05, 0x02, ...a, ...hole, ...b, ...tail]);
    const kt = parseKeytab(all);
    assert.deepEqual(
      kt.entries.map((e) => unparsePrincipal(e.principal)),
      ['a@R', 'b@R'],
    );
    // A record padded beyond its kvno32 (a reused hole) is read up to its size.
    const padded = Uint8Array.from([...a, 0, 0, 0, 0]);
    new DataView(padded.buffer).setInt32(0, a.length);
    assert.equal(parseKeytab(new Uint8Array([5, 2, ...padded, ...b])).entries.length, 2);
  });

  it('reads version 0x0501 (host order, realm counted among the components, no name type)', () => {
    const comp = (s: string) => [s.length & 0xff, s.length >> 8, ...Buffer.from(s)];
    const body = [
      2 + 1,
      0,
      ...comp('R.ORG'),
      ...comp('host'),
      ...comp('x'),
      0x10,
      0,
      0,
      0,
      9,
      17,
      0,
      16,
      0,
      ...new Uint8Array(16).fill(3),
    ];
    const size = [body.length, 0, 0, 0];
    const kt = parseKeytab(new Uint8Array([5, 1, ...size, ...body]));
    assert.equal(kt.version, 0x0501);
    assert.equal(unparsePrincipal(kt.entries[0].principal), 'host/x@R.ORG');
    assert.equal(kt.entries[0].principal.nameType, 0);
    assert.equal(kt.entries[0].timestamp, 0x10);
    assert.equal(kt.entries[0].kvno, 9);
    assert.equal(kt.entries[0].key.enctype, 17);
  });

  it('rejects bad versions with KRB5_KEYTAB_BADVNO and truncation with KRB5_KT_END', () => {
    assert.equal(
      minorOf(() => parseKeytab(new Uint8Array())),
      MINOR.KRB5_KEYTAB_BADVNO,
    );
    assert.equal(
      minorOf(() => parseKeytab(Uint8Array.of(5, 3))),
      MINOR.KRB5_KEYTAB_BADVNO,
    );
    const bytes = fixture('ktutil.keytab');
    assert.equal(
      minorOf(() => parseKeytab(bytes.subarray(0, 20))),
      MINOR.KRB5_KT_END,
    );
    const min = Uint8Array.from(bytes);
    new DataView(min.buffer).setInt32(2, -0x80000000);
    assert.equal(
      minorOf(() => parseKeytab(min)),
      MINOR.KRB5_KT_FORMAT,
    );
  });

  it('throws only GssError for every truncation and for random byte flips', () => {
    for (const name of ['ktutil.keytab', 'services.keytab']) {
      const bytes = fixture(name);
      for (let n = 0; n < bytes.length; n++) {
        try {
          parseKeytab(bytes.subarray(0, n));
        } catch (e) {
          assert.ok(e instanceof GssError, `truncated at ${n}: ${String(e)}`);
        }
      }
      let seed = 12345;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed;
      };
      for (let i = 0; i < 3000; i++) {
        const copy = Uint8Array.from(bytes);
        for (let k = 0; k < 1 + (i % 4); k++) copy[rand() % copy.length] ^= 1 + (rand() % 255);
        try {
          parseKeytab(copy);
        } catch (e) {
          assert.ok(e instanceof GssError, `flip case ${i}: ${String(e)}`);
        }
      }
    }
  });
});

describe('findKey (krb5_kt_get_entry)', () => {
  const kt: Keytab = {
    version: 0x0502,
    entries: [
      entry('svc/h@R', 2, 18, 100),
      entry('svc/h@R', 3, 18, 200),
      entry('svc/h@R', 3, 17, 200),
      entry('svc/h@R', 258, 19, 300),
      entry('other@R', 9, 18, 300),
    ],
  };
  const svc = parsePrincipal('svc/h@R');

  it('takes the highest kvno when none is asked, per enctype', () => {
    assert.equal(findKey(kt, svc, 18).kvno, 3);
    assert.equal(findKey(kt, svc, 17).kvno, 3);
    assert.equal(findKey(kt, svc).kvno, 258);
  });

  it('matches an exact kvno, else the low 8 bits of a 32-bit kvno', () => {
    assert.equal(findKey(kt, svc, 18, 2).kvno, 2);
    assert.equal(findKey(kt, svc, 19, 258).kvno, 258);
    const truncated: Keytab = { version: 0x0502, entries: [entry('svc/h@R', 2, 18)] };
    assert.equal(findKey(truncated, svc, 18, 258).kvno, 2);
  });

  it('treats kvno 255 -> 1 as a wrap, as MIT more_recent does', () => {
    const wrap: Keytab = { version: 0x0502, entries: [entry('w@R', 255, 18, 100), entry('w@R', 1, 18, 200)] };
    assert.equal(findKey(wrap, parsePrincipal('w@R'), 18).kvno, 1);
  });

  it('reports KRB5_KT_NOTFOUND and KRB5_KT_KVNONOTFOUND', () => {
    assert.equal(
      minorOf(() => findKey(kt, parsePrincipal('nobody@R'), 18)),
      MINOR.KRB5_KT_NOTFOUND,
    );
    assert.equal(
      minorOf(() => findKey(kt, svc, 20)),
      MINOR.KRB5_KT_NOTFOUND,
    );
    assert.equal(
      minorOf(() => findKey(kt, svc, 18, 7)),
      MINOR.KRB5_KT_KVNONOTFOUND,
    );
  });

  it('ignores the name type, as krb5_principal_compare does', () => {
    assert.equal(findKey(kt, parsePrincipal('svc/h@R', undefined, 3), 18).kvno, 3);
  });
});

describe('keytab names and files', () => {
  it('resolves names as krb5_kt_resolve', () => {
    assert.equal(keytabPath('FILE:/a/b'), '/a/b');
    assert.equal(keytabPath('WRFILE:/a/b'), '/a/b');
    assert.equal(keytabPath('/a/b:c'), '/a/b:c');
    assert.equal(keytabPath('rel/kt'), 'rel/kt');
    assert.equal(keytabPath('FILE:/tmp/%{uid}.kt', {}), `/tmp/${process.getuid?.()}.kt`);
    assert.equal(
      minorOf(() => keytabPath('MEMORY:x')),
      MINOR.KRB5_KT_UNKNOWN_TYPE,
    );
    assert.equal(
      minorOf(() => keytabPath('FILE:')),
      MINOR.KRB5_KT_BADNAME,
    );
  });

  it('takes KRB5_KTNAME and KRB5_CLIENT_KTNAME, else the configured then compiled-in defaults', () => {
    assert.equal(defaultKeytabName({}), 'FILE:/etc/krb5.keytab');
    assert.equal(defaultKeytabName({ KRB5_KTNAME: 'FILE:/x' }), 'FILE:/x');
    assert.equal(defaultKeytabName({}, { defaultKeytabName: '/y' }), '/y');
    assert.equal(defaultClientKeytabName({}), 'FILE:/etc/krb5/user/%{euid}/client.keytab');
    assert.equal(defaultClientKeytabName({ KRB5_CLIENT_KTNAME: '/c' }), '/c');
  });

  it('writes atomically with mode 0600 and appends entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-'));
    try {
      const path = join(dir, 'new.keytab');
      await addKeytabEntries(`FILE:${path}`, [entry('a@R', 1, 18)]);
      await addKeytabEntries(path, [entry('b@R', 2, 17, 5, 0xab)]);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const kt = await readKeytab(`FILE:${path}`);
      assert.deepEqual(
        kt.entries.map((e) => [unparsePrincipal(e.principal), e.kvno]),
        [
          ['a@R', 1],
          ['b@R', 2],
        ],
      );
      assert.equal(toHex(kt.entries[1].key.keyvalue), toHex(new Uint8Array(32).fill(0xab)));
      await writeKeytab(path, []);
      assert.deepEqual(new Uint8Array(readFileSync(path)), fromHex('0502'));
      await assert.rejects(readKeytab(join(dir, 'missing')), (e) => e instanceof GssError && e.minor === 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
