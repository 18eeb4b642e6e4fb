/**
 * Apache httpd with mod_auth_gssapi set up as mongodb-js/kerberos's CI does
 * (.evergreen/run-tests-ubuntu.sh: a directory with `AuthType GSSAPI`, `GssapiCredStore
 * keytab:...`, `Require user ...`) but without touching /etc: the shared httpd core of
 * apache.ts, in the foreground as one process (-X).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APACHE_MODULES, type Apache, apacheAvailable, startHttpd } from './apache.js';

/** True when apache2 and mod_auth_gssapi are installed. */
export const apacheGssapiAvailable = apacheAvailable;

export interface ApacheGssapiOptions {
  /** krb5.conf of the realm (copied: the server may run as an unprivileged user). */
  krb5Conf: string;
  /** A keytab holding HTTP/<host>. */
  keytab: string;
  /** The principal `Require user` admits, e.g. administrator@EXAMPLE.COM. */
  requireUser: string;
  serverName: string;
}

export type ApacheGssapi = Apache;

export const APACHE_PAGE = '<html><head><title>Title</title></head><body>body mesage</body></html>\n';

export function startApacheGssapi(opts: ApacheGssapiOptions): Promise<Apache> {
  const mod = (name: string, file: string) => `LoadModule ${name} ${APACHE_MODULES}/${file}`;
  return startHttpd({
    keytab: opts.keytab,
    krb5Conf: opts.krb5Conf,
    foreground: '-X',
    config: ({ dir, port, keytab, htdocs, userLines }) => {
      writeFileSync(join(htdocs, 'index.html'), APACHE_PAGE, { mode: 0o644 });
      return [
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
        ...userLines,
        `DocumentRoot "${htdocs}"`,
        'DirectoryIndex index.html',
        `<Directory "${htdocs}">`,
        '  AuthType GSSAPI',
        '  AuthName "GSSAPI Single Sign On Login"',
        `  GssapiCredStore keytab:${keytab}`,
        `  Require user ${opts.requireUser}`,
        '</Directory>',
        '',
      ].join('\n');
    },
  });
}
