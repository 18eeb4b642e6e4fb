/**
 * mysql2 (unchanged) with gssapi-ts/mysql2's auth_gssapi_client plugin against MariaDB from
 * Debian with mariadb-plugin-gssapi-server: users IDENTIFIED VIA gssapi connect and query as
 * their principal; a name mismatch, no ticket and a wrong service key fail with clear errors.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { GssError } from '../../src/errors/status.js';
import { gssapiAuthPlugin } from '../../src/mysql2/index.js';
import { type MariaDb, mariadbAvailable, startMariaDb } from '../harness/mariadb.js';
import { AES_ENCTYPES, MIT_BIN, mitAvailable, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';

const SKIP =
  (mitAvailable() && mariadbAvailable()) || process.env.CI
    ? false
    : 'MariaDB with the gssapi plugin or MIT krb5 is not installed';

describe('mysql2 with auth_gssapi_client against MariaDB', { skip: SKIP }, () => {
  let realm: Realm;
  let db: MariaDb;
  let goodKeytab: string;
  let wrongKeytab: string;
  let restoreEnv = (): void => {};

  before(async () => {
    realm = await startRealm();
    realm.kadmin('addprinc -randkey mariadb/localhost');
    goodKeytab = `${realm.dir}/mariadb.keytab`;
    realm.kadmin(`ktadd -k ${goodKeytab} -norandkey mariadb/localhost`);
    wrongKeytab = `${realm.dir}/wrong.keytab`;
    const adds = AES_ENCTYPES.map(
      (e) => `addent -password -p mariadb/localhost@${realm.realm} -k 1 -e ${e}\nnot-the-key-1\n`,
    ).join('');
    realm.run(MIT_BIN.ktutil, [], { input: `${adds}wkt ${wrongKeytab}\nquit\n` });
    db = await startMariaDb(realm.env, goodKeytab, `mariadb/localhost@${realm.realm}`);
    // One user by short name (the plugin compares up to '@'), one by full principal (USING).
    db.sql(`CREATE USER alice@'%' IDENTIFIED VIA gssapi`);
    db.sql(`CREATE USER alice_full@'%' IDENTIFIED VIA gssapi USING 'alice@${realm.realm}'`);
    db.sql(`CREATE USER bob@'%' IDENTIFIED VIA gssapi USING 'bob@${realm.realm}'`);
    restoreEnv = adoptRealmEnv(realm.env);
  });
  after(async () => {
    restoreEnv();
    await db?.stop();
    await realm?.stop();
  });

  const connect = (user: string): Promise<mysql.Connection> =>
    mysql.createConnection({
      host: '127.0.0.1',
      port: db.port,
      user,
      authPlugins: { auth_gssapi_client: gssapiAuthPlugin() },
      connectTimeout: 10_000,
    });

  it('connects and queries as the principal (no USING: matched up to the realm)', async () => {
    const c = await connect('alice');
    try {
      const [rows] = await c.query('SELECT CURRENT_USER() AS cu, 6 * 7 AS answer');
      assert.deepEqual(rows, [{ cu: 'alice@%', answer: 42 }]);
    } finally {
      await c.end();
    }
  });

  it('a user with USING is matched by the full principal', async () => {
    const c = await connect('alice_full');
    try {
      const [rows] = await c.query('SELECT CURRENT_USER() AS cu');
      assert.deepEqual(rows, [{ cu: 'alice_full@%' }]);
    } finally {
      await c.end();
    }
  });

  it("a user whose principal is not ours is refused with the server's reason", async () => {
    await assert.rejects(connect('bob'), (e: Error & { sqlMessage?: string }) =>
      /GSSAPI name mismatch, requested 'bob@TEST.GSS', actual name 'alice@TEST.GSS'/.test(
        e.sqlMessage ?? e.message,
      ),
    );
  });

  it('no ticket: a GssError from the plugin, not a hang', async () => {
    const saved = process.env.KRB5CCNAME;
    process.env.KRB5CCNAME = `FILE:${realm.dir}/no-such.ccache`;
    try {
      const t0 = Date.now();
      await assert.rejects(connect('alice'), (e) => e instanceof GssError && e.major !== 0);
      assert.ok(Date.now() - t0 < 5_000);
    } finally {
      process.env.KRB5CCNAME = saved;
    }
  });

  it('a wrong service key: the server says why, not a hang', async () => {
    writeFileSync(db.keytab, readFileSync(wrongKeytab));
    try {
      const t0 = Date.now();
      await assert.rejects(connect('alice'), (e: Error & { sqlMessage?: string }) =>
        /Server GSSAPI error .*gss_accept_sec_context/.test(e.sqlMessage ?? e.message),
      );
      assert.ok(Date.now() - t0 < 5_000);
    } finally {
      writeFileSync(db.keytab, readFileSync(goodKeytab));
    }
  });
});
