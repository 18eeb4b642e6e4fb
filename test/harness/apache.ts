/**
 * Apache httpd with mod_auth_gssapi (Debian apache2-bin, libapache2-mod-auth-gssapi) as a
 * throwaway HTTP Negotiate server: its own config in a temp dir, 127.0.0.1 on a free port, run
 * in the foreground (-DFOREGROUND) and stopped by its pid. `/private/` needs Negotiate (SPNEGO,
 * krb5 only) with the given keytab; `/public/` does not. Run as root, the children serve as
 * nobody, so the keytab and krb5.conf are copied into the (world-readable) temp dir.
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
const MODULES = '/usr/lib/apache2/modules';

export function apacheAvailable(): boolean {
  return existsSync(APACHE_BIN) && existsSync(join(MODULES, 'mod_auth_gssapi.so'));
}

export interface Apache {
  readonly port: number;
  /** The parent httpd process (its children serve the requests). */
  readonly pid: number;
  readonly dir: string;
  errorLog(): string;
  stop(): Promise<void>;
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

export async function startApache(o: ApacheOptions): Promise<Apache> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-apache-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const keytab = join(dir, 'http.keytab');
  const krb5Conf = join(dir, 'krb5.conf');
  copyFileSync(o.keytab, keytab);
  copyFileSync(o.krb5Conf, krb5Conf);
  chmodSync(keytab, 0o644);
  chmodSync(krb5Conf, 0o644);
  const rcache = join(dir, 'rcache');
  mkdirSync(rcache, { mode: 0o777 });
  chmodSync(rcache, 0o777);
  for (const p of ['private', 'public']) {
    mkdirSync(join(dir, 'htdocs', p), { recursive: true });
    writeFileSync(join(dir, 'htdocs', p, 'page.txt'), o.page ?? 'protected page\n');
  }
  chmodSync(join(dir, 'htdocs'), 0o755);
  const mpm = o.mpm ?? { servers: 1, threads: 8 };
  const asRoot = process.getuid?.() === 0;
  writeFileSync(
    join(dir, 'httpd.conf'),
    `ServerRoot ${dir}
ServerName localhost
Listen 127.0.0.1:${port}
PidFile ${dir}/httpd.pid
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
ErrorLog ${dir}/error.log
LogLevel warn auth_gssapi:debug
${asRoot ? 'User nobody\nGroup nogroup\n' : ''}LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule auth_gssapi_module ${MODULES}/mod_auth_gssapi.so
StartServers ${mpm.servers}
ServerLimit ${mpm.servers}
ThreadsPerChild ${mpm.threads}
MaxRequestWorkers ${mpm.servers * mpm.threads}
KeepAlive On
DocumentRoot ${dir}/htdocs
<Directory ${dir}/htdocs>
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
`,
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    KRB5_CONFIG: krb5Conf,
    KRB5_KTNAME: `FILE:${keytab}`,
    KRB5RCACHEDIR: rcache,
  };
  const child = track(
    spawn(APACHE_BIN, ['-DFOREGROUND', '-f', join(dir, 'httpd.conf')], {
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
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // SIGTERM: the parent stops its children and exits.
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
