/**
 * `gss kinit [-k [-i] [-t KEYTAB]] [-c CCACHE] [--password-stdin] [-l LIFETIME] [-r RENEW] [-f|-F]
 * [-p|-P] [PRINCIPAL]`: MIT kinit's options and behaviour (src/clients/kinit/kinit.c) on top of the
 * KDC client. Writes an MIT-readable FILE: ccache (or MEMORY:) with the KDC time offset in its
 * header and the `pa_type` config entry MIT kinit stores.
 */
import { GssError } from '../errors/status.js';
import { resolveCcache } from '../krb5/ccache/index.js';
import { parseDuration } from '../krb5/config/duration.js';
import { getInitialCredentials } from '../krb5/kdc-client/as.js';
import { krb5Error } from '../krb5/kdc-client/errors.js';
import { passwordExpiryWarning } from '../krb5/kdc-client/expiry.js';
import { loadClientConfig } from '../krb5/kdc-client/load.js';
import { storeInitialCredentials } from '../krb5/kdc-client/store.js';
import { defaultClientKeytabName, defaultKeytabName, type Keytab, readKeytab } from '../krb5/keytab/index.js';
import {
  type Principal,
  parseEnterprisePrincipal,
  parsePrincipal,
  unparsePrincipal,
} from '../krb5/principal.js';
import { nowSeconds } from '../util/clock.js';
import { defineCommand } from './command.js';

/** `gss kinit`: MIT kinit's options, as short letters, and GNU long names beside them. */
export const kinit = defineCommand(
  {
    name: 'kinit',
    summary: 'get a TGT into a credential cache (password or keytab)',
    operands: '[principal]',
    minOperands: 0,
    maxOperands: 1,
    description: `MIT kinit: gets initial credentials for the principal (else the cache's, else the login
name) with a password or a keytab, and stores them in an MIT-readable credential cache.`,
    // MIT kinit exits 2 on a usage error (getopt's error, then usage()).
    usageStatus: 2,
    options: {
      verbose: { kind: 'flag', long: 'verbose', short: 'V', help: 'verbose' },
      lifetime: {
        kind: 'string',
        long: 'lifetime',
        short: 'l',
        value: 'LIFETIME',
        help: 'ticket lifetime (10h, 1d, 3600 ...)',
      },
      renewable: {
        kind: 'string',
        long: 'renewable',
        short: 'r',
        value: 'LIFETIME',
        help: 'renewable lifetime',
      },
      forwardable: { kind: 'flag', long: 'forwardable', short: 'f', help: 'forwardable' },
      notForwardable: {
        kind: 'flag',
        long: 'not-forwardable',
        longAliases: ['noforwardable'],
        short: 'F',
        help: 'not forwardable',
      },
      proxiable: { kind: 'flag', long: 'proxiable', short: 'p', help: 'proxiable' },
      notProxiable: {
        kind: 'flag',
        long: 'not-proxiable',
        longAliases: ['noproxiable'],
        short: 'P',
        help: 'not proxiable',
      },
      canonicalize: {
        kind: 'flag',
        long: 'canonicalize',
        short: 'C',
        help: 'ask the KDC to canonicalize the client name (RFC 6806)',
      },
      enterprise: {
        kind: 'flag',
        long: 'enterprise',
        short: 'E',
        help: 'the principal is an enterprise name (user@domain, NT-ENTERPRISE)',
      },
      keytab: { kind: 'flag', long: 'keytab', short: 'k', help: 'use a keytab (KRB5_KTNAME, or -t)' },
      clientKeytab: {
        kind: 'flag',
        long: 'client-keytab',
        short: 'i',
        help: 'use the default client keytab (with -k)',
      },
      keytabFile: {
        kind: 'string',
        long: 'keytab-file',
        short: 't',
        value: 'KEYTAB',
        help: 'the keytab to use',
      },
      cache: {
        kind: 'string',
        long: 'cache',
        short: 'c',
        value: 'CCACHE',
        help: 'credential cache to write (else KRB5CCNAME)',
      },
      passwordStdin: {
        kind: 'flag',
        long: 'password-stdin',
        help: 'read the password from standard input (one line)',
      },
    },
  },
  async ({ options: v, operands }) => {
    const env = process.env;
    try {
      const config = loadClientConfig(env);
      const settings = config.settings;
      const lifetime = v.lifetime === undefined ? undefined : duration(v.lifetime, 'lifetime');
      const renew = v.renewable === undefined ? undefined : duration(v.renewable, 'renewable lifetime');
      const ccache = resolveCcache(v.cache, env, config.ccacheDefaults);
      const useKeytab = v.keytab || Boolean(v.keytabFile) || v.clientKeytab;
      const client = await clientName(operands[0], settings.defaultRealm, ccache, v.enterprise);
      const name = unparsePrincipal(client);
      let keytab: Keytab | undefined;
      let password: string | undefined;
      if (useKeytab) {
        const ktName =
          v.keytabFile ??
          (v.clientKeytab
            ? defaultClientKeytabName(env, config.keytabDefaults)
            : defaultKeytabName(env, config.keytabDefaults));
        keytab = await readKeytab(ktName, env);
        if (v.verbose) process.stdout.write(`Using keytab: ${ktName}\n`);
      } else {
        password = await readPassword(`Password for ${name}: `, v.passwordStdin);
      }
      if (v.verbose) process.stdout.write(`Using default cache: ${ccache.name}\nUsing principal: ${name}\n`);
      const forwardable = v.forwardable ? true : v.notForwardable ? false : undefined;
      const proxiable = v.proxiable ? true : v.notProxiable ? false : undefined;
      const got = await getInitialCredentials({
        client,
        password,
        keytab,
        settings,
        lifetime,
        renewLifetime: renew,
        forwardable,
        proxiable,
        canonicalize: v.canonicalize ? true : undefined,
      });
      // MIT's prompter shows warn_pw_expiry's banner, so only a password kinit prints it.
      const warning =
        password === undefined ? undefined : passwordExpiryWarning(got.expiry, nowSeconds(), ctime);
      if (warning) process.stdout.write(`${warning}\n`);
      try {
        await storeInitialCredentials(ccache, got);
      } catch (e) {
        process.stderr.write(`gss kinit: ${(e as Error).message} while storing credentials\n`);
        return 1;
      }
      if (v.verbose) process.stdout.write('Authenticated to Kerberos v5\n');
      return 0;
    } catch (e) {
      const what = e instanceof GssError ? e.message : (e as Error).message;
      process.stderr.write(`gss kinit: ${what} while getting initial credentials\n`);
      return 1;
    }
  },
);

function duration(text: string, what: string): number {
  const d = parseDuration(text);
  if (d === undefined || d <= 0) throw new Error(`Bad ${what} value ${text}`);
  return d;
}

/** As kinit.c: the named principal, else the cache's, else the login name in the default realm. */
async function clientName(
  arg: string | undefined,
  defaultRealm: string | undefined,
  ccache: ReturnType<typeof resolveCcache>,
  enterprise: boolean,
): Promise<Principal> {
  if (arg !== undefined)
    return enterprise ? parseEnterprisePrincipal(arg, defaultRealm) : parsePrincipal(arg, defaultRealm);
  try {
    return await ccache.getPrincipal();
  } catch {
    const user = process.env.USER ?? process.env.LOGNAME;
    if (!user) throw new Error('Unable to identify user');
    return parsePrincipal(user, defaultRealm);
  }
}

/** One line from stdin; on a terminal without --password-stdin, prompted with echo off. */
async function readPassword(prompt: string, fromStdin: boolean): Promise<string> {
  const stdin = process.stdin;
  const tty = stdin.isTTY && !fromStdin;
  if (tty) process.stderr.write(prompt);
  if (tty) stdin.setRawMode(true);
  let text = '';
  let ended = true;
  try {
    for await (const chunk of stdin) {
      text += String(chunk);
      const end = lineEnd(text, tty);
      if (end >= 0) {
        const c = text.charCodeAt(end);
        if (c === 3 || c === 4) throw krb5Error('KRB5_LIBOS_CANTREADPWD');
        text = text.slice(0, end);
        ended = false;
        break;
      }
    }
  } finally {
    if (tty) {
      stdin.setRawMode(false);
      process.stderr.write('\n');
    }
    stdin.pause();
  }
  if (ended && text === '') throw krb5Error('KRB5_LIBOS_CANTREADPWD');
  return text.replace(/\r$/, '');
}

/** The end of the first line: newline, or on a raw terminal also CR, ^C or ^D. */
function lineEnd(text: string, raw: boolean): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (raw && (c === 13 || c === 3 || c === 4))) return i;
  }
  return -1;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** krb5_timestamp_to_string: strftime("%c") in the C locale, local time (`Wed Jan 13 13:24:23 2027`). */
function ctime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, ' ');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${time} ${d.getFullYear()}`;
}
