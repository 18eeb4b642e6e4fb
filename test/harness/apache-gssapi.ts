/**
 * Apache httpd with mod_auth_gssapi (Debian apache2-bin + libapache2-mod-auth-gssapi) as an HTTP
 * Negotiate server, set up as mongodb-js/kerberos's CI does (.evergreen/run-tests-ubuntu.sh: a
 * directory with `AuthType GSSAPI`, `GssapiCredStore keytab:...`, `Require user ...`) but
 * without touching /etc: its own config, keytab and logs in a temp dir, on 127.0.0.1 and a free
 * port, in the foreground as one process (-X) so that stopping it by pid leaves nothing behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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

/** True when apache2 and mod_auth_gssapi are installed. */
export function apacheGssapiAvailable(): boolean {
  return existsSync(APACHE_BIN) && existsSync(join(MODULES, 'mod_auth_gssapi.so'));
}

export interface ApacheGssapiOptions {
  /** krb5.conf of the realm (copied: the server may run as an unprivileged user). */
  krb5Conf: string;
  /** A keytab holding HTTP/<host>. */
  keytab: string;
  /** The principal `Require user` admits, e.g. administrator@EXAMPLE.COM. */
  requireUser: string;
  serverName: string;
}

export interface ApacheGssapi {
  readonly port: number;
  readonly dir: string;
  /** The error log (mod_auth_gssapi's diagnostics). */
  log(): string;
  stop(): Promise<void>;
}

export const APACHE_PAGE = '<html><head><title>Title</title></head><body>body mesage</body></html>\n';

export async function startApacheGssapi(opts: ApacheGssapiOptions): Promise<ApacheGssapi> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-apache-'));
  // Run as root (CI), httpd serves as nobody: everything it reads must be world-readable, and
  // MIT's replay cache (KRB5RCACHEDIR) must be writable for it.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const htdocs = join(dir, 'htdocs');
  const rcache = join(dir, 'rcache');
  mkdirSync(htdocs, { mode: 0o755 });
  mkdirSync(rcache);
  chmodSync(rcache, 0o1777);
  writeFileSync(join(htdocs, 'index.html'), APACHE_PAGE, { mode: 0o644 });
  copyFileSync(opts.krb5Conf, join(dir, 'krb5.conf'));
  copyFileSync(opts.keytab, join(dir, 'http.keytab'));
  chmodSync(join(dir, 'krb5.conf'), 0o644);
  chmodSync(join(dir, 'http.keytab'), 0o644); // a throwaway key of a throwaway realm
  const asRoot = process.getuid?.() === 0;
  const mod = (name: string, file: string) => `LoadModule ${name} ${MODULES}/${file}`;
  writeFileSync(
    join(dir, 'httpd.conf'),
    [
      `ServerRoot "${dir}"`,
      `Listen 127.0.0.1:${port}`,
      `ServerName ${opts.serverName}`,
      `PidFile ${dir}/httpd.pid`,
      `DefaultRuntimeDir ${dir}`,
      `Mutex file:${dir} default`,
      `ErrorLog ${dir}/error.log`,
      'LogLevel info auth_gssapi:debug',
      mod('mpm_prefork_module', 'mod_mpm_prefork.so'),
      mod('authn_core_module', 'mod_authn_core.so'),
      mod('authz_core_module', 'mod_authz_core.so'),
      mod('authz_user_module', 'mod_authz_user.so'),
      mod('dir_module', 'mod_dir.so'),
      mod('auth_gssapi_module', 'mod_auth_gssapi.so'),
      ...(asRoot ? ['User nobody', 'Group nogroup'] : []),
      `DocumentRoot "${htdocs}"`,
      'DirectoryIndex index.html',
      `<Directory "${htdocs}">`,
      '  AuthType GSSAPI',
      '  AuthName "GSSAPI Single Sign On Login"',
      `  GssapiCredStore keytab:${dir}/http.keytab`,
      `  Require user ${opts.requireUser}`,
      '</Directory>',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    KRB5_CONFIG: join(dir, 'krb5.conf'),
    KRB5RCACHEDIR: rcache,
    LANG: 'C',
  };
  const child: ChildProcess = track(
    spawn(APACHE_BIN, ['-X', '-f', join(dir, 'httpd.conf')], { env, stdio: ['ignore', 'ignore', 'pipe'] }),
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const log = () => {
    const f = join(dir, 'error.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  };
  try {
    await waitForPort(port, 10_000, () => child.exitCode !== null);
  } catch (e) {
    child.kill('SIGKILL');
    const out = `${stderr}\n${log()}`;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`apache2 did not start: ${(e as Error).message}\n${out}`);
  }
  let stopped = false;
  return {
    port,
    dir,
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
