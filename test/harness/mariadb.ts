/**
 * A throwaway MariaDB (Debian mariadb-server with mariadb-plugin-gssapi-server) for GSS tests:
 * mariadb-install-db into a temp datadir as the `mysql` system user, mariadbd in the foreground
 * on one free 127.0.0.1 port and a socket in the temp dir, the gssapi plugin loaded with its
 * keytab and principal. Stopped by pid.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';
import { track } from './realm.js';

export const MARIADB_BIN = {
  installDb: '/usr/bin/mariadb-install-db',
  server: '/usr/sbin/mariadbd',
  client: '/usr/bin/mariadb',
  gssapiPlugin: '/usr/lib/mysql/plugin/auth_gssapi.so',
} as const;

export function mariadbAvailable(): boolean {
  return Object.values(MARIADB_BIN).every((f) => existsSync(f));
}

export interface MariaDb {
  readonly port: number;
  readonly dir: string;
  /** The keytab the gssapi plugin reads at each authentication (replace its content to change keys). */
  readonly keytab: string;
  /** Runs SQL as root over the Unix socket (unix_socket authentication); returns the output. */
  sql(statement: string): string;
  log(): string;
  stop(): Promise<void>;
}

function ids(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim()),
  };
}

/** `keytab` holds `principal` (e.g. mariadb/localhost@REALM); `env` carries the realm's KRB5_CONFIG. */
export async function startMariaDb(
  env: NodeJS.ProcessEnv,
  keytab: string,
  principal: string,
): Promise<MariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-mariadb-'));
  const owner = process.getuid?.() === 0 ? ids('mysql') : undefined;
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const serverKeytab = join(dir, 'server.keytab');
  copyFileSync(keytab, serverKeytab);
  chmodSync(serverKeytab, 0o600);
  if (owner) chownSync(serverKeytab, owner.uid, owner.gid);
  const krb5Conf = join(dir, 'krb5.conf');
  if (env.KRB5_CONFIG) copyFileSync(env.KRB5_CONFIG, krb5Conf);
  const senv = { ...env, KRB5_CONFIG: krb5Conf, KRB5_KTNAME: `FILE:${serverKeytab}`, KRB5RCACHEDIR: dir };
  const data = join(dir, 'data');
  execFileSync(
    MARIADB_BIN.installDb,
    ['--no-defaults', `--datadir=${data}`, '--skip-test-db', '--auth-root-authentication-method=socket'],
    { ...as, env: senv, stdio: 'pipe' },
  );
  const port = await freePort();
  const socket = join(dir, 'mysqld.sock');
  const errLog = join(dir, 'error.log');
  const child: ChildProcess = track(
    spawn(
      MARIADB_BIN.server,
      [
        '--no-defaults',
        `--datadir=${data}`,
        `--socket=${socket}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${errLog}`,
        '--skip-log-bin',
        '--innodb-buffer-pool-size=16M',
        '--plugin-load-add=auth_gssapi',
        `--gssapi-keytab-path=${serverKeytab}`,
        `--gssapi-principal-name=${principal}`,
      ],
      { ...as, env: senv, stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const log = (): string => out + (existsSync(errLog) ? readFileSync(errLog, 'utf8') : '');
  try {
    await waitForPort(port, 30_000, () => child.exitCode !== null);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`mariadbd did not start: ${(e as Error).message}\n${log()}`);
  }
  return {
    port,
    dir,
    keytab: serverKeytab,
    sql: (statement) =>
      execFileSync(
        MARIADB_BIN.client,
        ['--no-defaults', '-S', socket, '-u', 'root', '-N', '-B', '-e', statement],
        {
          env: senv,
          encoding: 'utf8',
        },
      ).trim(),
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
