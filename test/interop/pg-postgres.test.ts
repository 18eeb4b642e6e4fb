/**
 * node-postgres (pg, unchanged) through gssapi-ts/pg against a real PostgreSQL 15: GSS
 * encryption (hostgssenc ... gss), GSS authentication on an unencrypted connection (host ... gss),
 * and the failures: no ticket, a wrong service key, a server without GSS encryption.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { GssError } from '../../src/errors/status.js';
import { gssStream, type PgGssOptions } from '../../src/pg/index.js';
import { type Postgres, postgresAvailable, startPostgres } from '../harness/postgres.js';
import { AES_ENCTYPES, MIT_BIN, mitAvailable, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';

const SKIP =
  (mitAvailable() && postgresAvailable()) || process.env.CI
    ? false
    : 'PostgreSQL 15 or MIT krb5 is not installed';
const WHO = 'SELECT gss_authenticated, principal, encrypted FROM pg_stat_gssapi WHERE pid = pg_backend_pid()';

describe('pg with GSS encryption and authentication against PostgreSQL 15', { skip: SKIP }, () => {
  let realm: Realm;
  let server: Postgres;
  let goodKeytab: string;
  let wrongKeytab: string;
  let restoreEnv = (): void => {};

  before(async () => {
    realm = await startRealm();
    realm.kadmin('addprinc -randkey postgres/localhost');
    goodKeytab = `${realm.dir}/postgres.keytab`;
    realm.kadmin(`ktadd -k ${goodKeytab} -norandkey postgres/localhost`);
    // The same principal and kvno with keys from a password the KDC never had.
    wrongKeytab = `${realm.dir}/wrong.keytab`;
    const adds = AES_ENCTYPES.map(
      (e) => `addent -password -p postgres/localhost@${realm.realm} -k 1 -e ${e}\nnot-the-key-1\n`,
    ).join('');
    realm.run(MIT_BIN.ktutil, [], { input: `${adds}wkt ${wrongKeytab}\nquit\n` });
    server = await startPostgres(realm.env, goodKeytab);
    server.psql('CREATE ROLE alice LOGIN');
    restoreEnv = adoptRealmEnv(realm.env);
  });
  after(async () => {
    restoreEnv();
    if (process.env.DEBUG_PG) console.log(server?.log());
    await server?.stop();
    await realm?.stop();
  });

  const client = (opts: PgGssOptions): pg.Client =>
    new pg.Client({
      host: '127.0.0.1',
      port: server.port,
      user: 'alice',
      database: 'postgres',
      stream: gssStream({ host: 'localhost', timeoutMs: 10_000, ...opts }),
    });

  it('GSS encryption: queries succeed, pg_stat_gssapi shows the principal and encrypted = t', async () => {
    const c = client({ gssencmode: 'require' });
    await c.connect();
    try {
      const who = await c.query(WHO);
      assert.deepEqual(who.rows[0], {
        gss_authenticated: true,
        principal: `alice@${realm.realm}`,
        encrypted: true,
      });
      assert.equal((await c.query('SELECT current_user AS u')).rows[0].u, 'alice');
      // Larger than one 16 KiB packet in each direction.
      const big = 'x'.repeat(100_000);
      const r = await c.query('SELECT length($1::text) AS n, repeat($2, 70000) AS s', [big, 'ab']);
      assert.equal(r.rows[0].n, 100_000);
      assert.equal(r.rows[0].s.length, 140_000);
    } finally {
      await c.end();
    }
  });

  it('a Pool gets a fresh encrypted context per connection', async () => {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: server.port,
      user: 'alice',
      database: 'postgres',
      max: 3,
      stream: gssStream({ host: 'localhost', gssencmode: 'require' }),
    });
    try {
      const rows = await Promise.all([1, 2, 3].map(() => pool.query(WHO)));
      for (const r of rows) assert.equal(r.rows[0].encrypted, true);
    } finally {
      await pool.end();
    }
  });

  it('GSS authentication without encryption (host ... gss): AuthenticationGSS answered under pg', async () => {
    const c = client({ gssencmode: 'disable' });
    await c.connect();
    try {
      const who = await c.query(WHO);
      assert.deepEqual(who.rows[0], {
        gss_authenticated: true,
        principal: `alice@${realm.realm}`,
        encrypted: false,
      });
    } finally {
      await c.end();
    }
  });

  it('no ticket: a clear GssError, not a hang', async () => {
    const saved = process.env.KRB5CCNAME;
    process.env.KRB5CCNAME = `FILE:${realm.dir}/no-such.ccache`;
    try {
      for (const gssencmode of ['require', 'disable'] as const) {
        const c = client({ gssencmode });
        const t0 = Date.now();
        await assert.rejects(
          c.connect(),
          (e) => e instanceof GssError && /GSS_S_NO_CRED|credential|ccache/i.test(`${e.code} ${e.message}`),
        );
        assert.ok(Date.now() - t0 < 5_000);
        await c.end().catch(() => {});
      }
    } finally {
      process.env.KRB5CCNAME = saved;
    }
  });

  it('a wrong service key: a clear GssError, not a hang', async () => {
    writeFileSync(server.keytab, readKeytab(wrongKeytab));
    try {
      for (const gssencmode of ['require', 'disable'] as const) {
        const c = client({ gssencmode });
        const t0 = Date.now();
        // GSSENC: PostgreSQL 15 closes without a token (be-secure-gssapi.c drops the acceptor's
        // error token). GSS authentication: it forwards the KRB-ERROR token of MIT's acceptor.
        await assert.rejects(c.connect(), (e) =>
          gssencmode === 'require'
            ? e instanceof GssError &&
              /closed the connection during GSS encryption negotiation/.test(e.message)
            : e instanceof GssError &&
              e.minorCode === 'KRB5KRB_AP_ERR_BAD_INTEGRITY' &&
              /the server refused our context/.test(e.message),
        );
        assert.ok(Date.now() - t0 < 5_000);
        await c.end().catch(() => {});
      }
    } finally {
      writeFileSync(server.keytab, readKeytab(goodKeytab));
    }
  });
});

function readKeytab(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
