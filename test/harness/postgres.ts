/**
 * A throwaway PostgreSQL 15 (Debian postgresql-15) for GSS tests: initdb in a temp dir as the
 * `postgres` system user (initdb and postgres refuse root), its own 127.0.0.1 port and socket
 * dir, `krb_server_keyfile` pointing at a service keytab, and pg_hba.conf with `hostgssenc ... gss`
 * before `host ... gss` (so an encrypted connection matches the first, an unencrypted one the
 * second). The server runs in the foreground and is stopped by pid.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';
import { track } from './realm.js';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

export function postgresAvailable(): boolean {
  return existsSync(join(PG_BIN, 'postgres')) && existsSync(join(PG_BIN, 'initdb'));
}

export interface Postgres {
  readonly port: number;
  readonly dir: string;
  /** The keytab the server reads on each connection (replace its content to change keys). */
  readonly keytab: string;
  /** Runs SQL as the superuser over the Unix socket; returns psql's unaligned output. */
  psql(sql: string): string;
  log(): string;
  stop(): Promise<void>;
}

function ids(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim()),
  };
}

/** `env` carries the realm's KRB5_CONFIG; `keytab` holds postgres/localhost. */
export async function startPostgres(env: NodeJS.ProcessEnv, keytab: string): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-pg-'));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? ids('postgres') : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const serverKeytab = join(dir, 'server.keytab');
  copyFileSync(keytab, serverKeytab);
  chmodSync(serverKeytab, 0o600);
  if (owner) chownSync(serverKeytab, owner.uid, owner.gid);
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  // The realm's dir is root's; the server gets its own copy of krb5.conf.
  const krb5Conf = join(dir, 'krb5.conf');
  if (env.KRB5_CONFIG) copyFileSync(env.KRB5_CONFIG, krb5Conf);
  const penv = {
    ...env,
    KRB5_CONFIG: krb5Conf,
    KRB5_KTNAME: `FILE:${serverKeytab}`,
    KRB5RCACHEDIR: dir,
    LC_ALL: 'C',
  };
  execFileSync(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8'], {
    ...as,
    env: penv,
    stdio: 'pipe',
  });
  writeFileSync(
    join(data, 'pg_hba.conf'),
    `local all all trust
hostgssenc all all 127.0.0.1/32 gss include_realm=0
host all all 127.0.0.1/32 gss include_realm=0
`,
  );
  const port = await freePort();
  const child: ChildProcess = track(
    spawn(
      join(PG_BIN, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `krb_server_keyfile=${serverKeytab}`,
        '-c',
        'log_connections=on',
        '-c',
        'fsync=off',
      ],
      { ...as, env: penv, stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  try {
    await waitForPort(port, 20_000, () => child.exitCode !== null);
    // The port opens before recovery ends ("the database system is starting up"): wait for the
    // postmaster's own word that it accepts connections.
    const end = Date.now() + 30_000;
    while (!out.includes('ready to accept connections')) {
      if (child.exitCode !== null || Date.now() > end) throw new Error('not ready to accept connections');
      await new Promise((r) => setTimeout(r, 25));
    }
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`postgres did not start: ${(e as Error).message}\n${out}`);
  }
  const psql = (sql: string): string =>
    execFileSync(
      join(PG_BIN, 'psql'),
      ['-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-XAtq', '-c', sql],
      {
        ...as,
        env: penv,
        encoding: 'utf8',
      },
    ).trim();
  return {
    port,
    dir,
    keytab: serverKeytab,
    psql,
    log: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // SIGQUIT: immediate shutdown, the postmaster takes its children down with it.
        child.kill('SIGQUIT');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
