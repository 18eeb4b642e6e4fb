/**
 * OpenLDAP slapd (Debian `slapd`) for SASL GSSAPI tests: its own slapd.conf and mdb database in a
 * temp dir, in the foreground, on one free 127.0.0.1 port, with the service keytab through
 * KRB5_KTNAME (Cyrus SASL's GSSAPI plugin reads it). Stopped by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';
import { track } from './realm.js';

export const SLAPD_BIN = '/usr/sbin/slapd';
export const LDAPWHOAMI_BIN = '/usr/bin/ldapwhoami';

export function slapdAvailable(): boolean {
  return existsSync(SLAPD_BIN) && existsSync(LDAPWHOAMI_BIN) && existsSync('/usr/lib/ldap/back_mdb.so');
}

export interface Slapd {
  readonly port: number;
  readonly dir: string;
  /** What slapd printed (its stats log: connections, binds, operations). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts slapd with SASL GSSAPI for the service ldap/`host`; `env` holds the realm's KRB5_*. */
export async function startSlapd(env: NodeJS.ProcessEnv, keytab: string, host = 'localhost'): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-slapd-'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'slapd.conf'),
    `include /etc/ldap/schema/core.schema
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
sasl-host ${host}
database mdb
suffix "dc=example,dc=test"
rootdn "cn=admin,dc=example,dc=test"
directory ${dir}/db
maxsize 10485760
`,
  );
  // -d 256: the stats log in the foreground (connections, BIND dn=..., results).
  const child: ChildProcess = track(
    spawn(SLAPD_BIN, ['-d', '256', '-f', join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${port}/`], {
      env: { ...env, KRB5_KTNAME: `FILE:${keytab}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  try {
    await waitForPort(port, 10_000, () => child.exitCode !== null);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`slapd did not start: ${(e as Error).message}\n${out}`);
  }
  return {
    port,
    dir,
    log: () => out,
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
