/**
 * Apache httpd with mod_auth_gssapi (Debian apache2-bin, libapache2-mod-auth-gssapi) as a
 * throwaway HTTP Negotiate server: its own config in a temp dir, 127.0.0.1 on a free port, run
 * in the foreground and stopped by its pid. Run as root, the children serve as nobody, so the
 * keytab and krb5.conf are copied into the (world-readable) temp dir.
 *
 * `startHttpd` is the one place that prepares, starts and stops an httpd; `startApache` is the
 * HTTP tests' and bench's server (`/private/` needs Negotiate, `/public/` does not), and
 * apache-gssapi.ts is npm kerberos's CI set-up over the same core.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';
import { track } from './realm.js';

export const APACHE_BIN = '/usr/sbin/apache2';
export const APACHE_MODULES = '/usr/lib/apache2/modules';

export function apacheAvailable(): boolean {
  return existsSync(APACHE_BIN) && existsSync(join(APACHE_MODULES, 'mod_auth_gssapi.so'));
}

export interface Apache {
  readonly port: number;
  /** The parent httpd process (its children serve the requests). */
  readonly pid: number;
  readonly dir: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Where a config is written: the temp dir, its copies of the keytab and krb5.conf, the port. */
export interface HttpdLayout {
  readonly dir: string;
  readonly port: number;
  readonly keytab: string;
  readonly htdocs: string;
  /** `User nobody` / `Group nogroup` when run as root, else nothing. */
  readonly userLines: string[];
}

export interface HttpdOptions {
  /** The service keytab (copied). */
  keytab: string;
  /** The realm's krb5.conf (copied). */
  krb5Conf: string;
  /** The whole httpd.conf for this layout (pages go under `htdocs`, created world-readable). */
  config(layout: HttpdLayout): string;
  /** httpd's foreground flag: -DFOREGROUND (a parent and children) or -X (one process). */
  foreground: '-DFOREGROUND' | '-X';
}

/** Prepares the temp dir, starts httpd on it and waits for its port. */
export async function startHttpd(o: HttpdOptions): Promise<Apache> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-apache-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const keytab = join(dir, 'http.keytab');
  const krb5Conf = join(dir, 'krb5.conf');
  copyFileSync(o.keytab, keytab);
  copyFileSync(o.krb5Conf, krb5Conf);
  chmodSync(keytab, 0o644); // a throwaway key of a throwaway realm
  chmodSync(krb5Conf, 0o644);
  // MIT's replay cache, written by the children (nobody).
  const rcache = join(dir, 'rcache');
  mkdirSync(rcache);
  chmodSync(rcache, 0o1777);
  const htdocs = join(dir, 'htdocs');
  mkdirSync(htdocs, { mode: 0o755 });
  chmodSync(htdocs, 0o755);
  const userLines = process.getuid?.() === 0 ? ['User nobody', 'Group nogroup'] : [];
  writeFileSync(join(dir, 'httpd.conf'), o.config({ dir, port, keytab, htdocs, userLines }));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    KRB5_CONFIG: krb5Conf,
    KRB5_KTNAME: `FILE:${keytab}`,
    KRB5RCACHEDIR: rcache,
    LANG: 'C',
  };
  const child = track(
    spawn(APACHE_BIN, [o.foreground, '-f', join(dir, 'httpd.conf')], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await waitForPort(port, 10_000, () => child.exitCode !== null);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`apache2 did not start: ${(e as Error).message}\n${stderr}\n${errorLog()}`);
  }
  let stopped = false;
  return {
    port,
    pid: child.pid ?? 0,
    dir,
    errorLog,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // SIGTERM: a -DFOREGROUND parent stops its children and exits; -X is one process.
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(kill);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApacheOptions {
  /** The service keytab (copied). */
  keytab: string;
  /** The realm's krb5.conf (copied). */
  krb5Conf: string;
  /** The page body at /private/page.txt and /public/page.txt. */
  page?: string;
  /** Server processes and threads (the bench wants more than the tests). */
  mpm?: { servers: number; threads: number };
}

/** `/private/` needs Negotiate (SPNEGO, krb5 only) with the given keytab; `/public/` does not. */
export function startApache(o: ApacheOptions): Promise<Apache> {
  const mpm = o.mpm ?? { servers: 1, threads: 8 };
  return startHttpd({
    keytab: o.keytab,
    krb5Conf: o.krb5Conf,
    foreground: '-DFOREGROUND',
    config: ({ dir, port, keytab, htdocs, userLines }) => {
      for (const p of ['private', 'public']) {
        mkdirSync(join(htdocs, p), { recursive: true });
        writeFileSync(join(htdocs, p, 'page.txt'), o.page ?? 'protected page\n');
      }
      return `ServerRoot ${dir}
ServerName localhost
Listen 127.0.0.1:${port}
PidFile ${dir}/httpd.pid
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
ErrorLog ${dir}/error.log
LogLevel warn auth_gssapi:debug
${userLines.map((l) => `${l}\n`).join('')}LoadModule mpm_event_module ${APACHE_MODULES}/mod_mpm_event.so
LoadModule authn_core_module ${APACHE_MODULES}/mod_authn_core.so
LoadModule authz_core_module ${APACHE_MODULES}/mod_authz_core.so
LoadModule authz_user_module ${APACHE_MODULES}/mod_authz_user.so
LoadModule auth_gssapi_module ${APACHE_MODULES}/mod_auth_gssapi.so
StartServers ${mpm.servers}
ServerLimit ${mpm.servers}
ThreadsPerChild ${mpm.threads}
MaxRequestWorkers ${mpm.servers * mpm.threads}
KeepAlive On
DocumentRoot ${htdocs}
<Directory ${htdocs}>
  Require all granted
</Directory>
<Location /private>
  AuthType GSSAPI
  AuthName "gssapi-ts test"
  GssapiCredStore keytab:${keytab}
  GssapiAllowedMech krb5
  GssapiBasicAuth Off
  Require valid-user
</Location>
`;
    },
  });
}
