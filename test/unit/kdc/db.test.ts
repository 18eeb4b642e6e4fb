import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringToKey } from '../../../src/crypto/index.js';
import { DB_FORMAT, parseDbFile } from '../../../src/krb5/kdc/db.js';
import { startKdc } from '../../../src/krb5/kdc/index.js';
import { toHex } from '../../../src/util/bytes.js';

describe('KDC principal database file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kdc-db-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is written with mode 0600, atomically (no temp file left), and read back by a new KDC', async () => {
    const db = join(dir, 'principals.json');
    const first = await startKdc({
      realm: 'DB.TEST',
      db,
      principals: [{ name: 'alice', password: 'pw-1' }, { name: 'HTTP/localhost' }],
    });
    await first.stop();
    assert.equal(statSync(db).mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
    const file = parseDbFile(readFileSync(db, 'utf8'));
    assert.equal(file.format, DB_FORMAT);
    assert.deepEqual(file.principals.map((p) => p.name).sort(), [
      'HTTP/localhost@DB.TEST',
      'alice@DB.TEST',
      'krbtgt/DB.TEST@DB.TEST',
    ]);
    const alice = file.principals.find((p) => p.name === 'alice@DB.TEST');
    assert.ok(alice?.requiresPreauth);
    // The stored keys are string-to-key of the password with MIT's default salt.
    const k18 = alice.keys.find((k) => k.enctype === 18);
    assert.equal(k18?.salt, 'DB.TESTalice');
    assert.equal(k18?.key, toHex(stringToKey(18, 'pw-1', 'DB.TESTalice').keyvalue));
    assert.deepEqual(
      alice.keys.map((k) => k.enctype),
      [18, 17, 20, 19],
    );

    // A second KDC on the same file, given the same principals, keeps the keys (a keytab
    // exported earlier stays valid) ...
    const second = await startKdc({
      realm: 'DB.TEST',
      db,
      principals: [{ name: 'alice', password: 'pw-1' }, { name: 'HTTP/localhost' }],
    });
    try {
      assert.deepEqual(second.principalNames().sort(), file.principals.map((p) => p.name).sort());
      // ... and adding a principal again bumps its kvno, as kadmin cpw / ktadd do.
      second.addPrincipal({ name: 'alice', password: 'pw-2' });
      const again = parseDbFile(readFileSync(db, 'utf8'));
      const a2 = again.principals.find((p) => p.name === 'alice@DB.TEST');
      assert.deepEqual([...new Set(a2?.keys.map((k) => k.kvno))], [2]);
      const http = again.principals.find((p) => p.name === 'HTTP/localhost@DB.TEST');
      assert.deepEqual(
        http?.keys.map((k) => k.key),
        file.principals.find((p) => p.name === 'HTTP/localhost@DB.TEST')?.keys.map((k) => k.key),
      );
    } finally {
      await second.stop();
    }
  });

  it('refuses a file of another realm, and malformed files, naming the field but never a key', async () => {
    const db = join(dir, 'other.json');
    const k = await startKdc({ realm: 'ONE.TEST', db });
    await k.stop();
    await assert.rejects(startKdc({ realm: 'TWO.TEST', db }), /is for realm ONE\.TEST/);

    const good = JSON.parse(readFileSync(db, 'utf8'));
    const cases: [unknown, RegExp][] = [
      ['not json', /not JSON/],
      [{ ...good, format: 'x' }, /format/],
      [{ ...good, version: 2 }, /version/],
      [{ ...good, principals: {} }, /principals/],
      [{ ...good, principals: [{ ...good.principals[0], keys: [] }] }, /principals\[0\]\.keys/],
      [
        {
          ...good,
          principals: [{ ...good.principals[0], keys: [{ ...good.principals[0].keys[0], key: 'zz' }] }],
        },
        /principals\[0\]\.keys\[0\]\.key/,
      ],
      [{ ...good, principals: [{ ...good.principals[0], requiresPreauth: 'yes' }] }, /requiresPreauth/],
    ];
    for (const [body, re] of cases) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      writeFileSync(db, text);
      const err = (() => {
        try {
          parseDbFile(text);
          return undefined;
        } catch (e) {
          return e as Error;
        }
      })();
      assert.ok(err, `rejects ${text.slice(0, 40)}`);
      assert.match(err.message, re);
      for (const p of good.principals) for (const key of p.keys) assert.ok(!err.message.includes(key.key));
    }
  });
});
