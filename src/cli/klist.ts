/**
 * `gss klist`: what MIT's klist prints (src/clients/klist/klist.c), for a FILE:/MEMORY: ccache
 * (-c, KRB5CCNAME) or a keytab (-k, KRB5_KTNAME), with -e, -f, -s, -a, -C, -t, -K as MIT's.
 */
import {
  type CachedCredential,
  type CcacheContents,
  type CredentialCache,
  isConfigPrincipal,
  isRemoved,
  resolveCcache,
} from '../krb5/ccache/index.js';
import {
  TKT_FLG_ANONYMOUS,
  TKT_FLG_FORWARDABLE,
  TKT_FLG_FORWARDED,
  TKT_FLG_HW_AUTH,
  TKT_FLG_INITIAL,
  TKT_FLG_INVALID,
  TKT_FLG_MAY_POSTDATE,
  TKT_FLG_OK_AS_DELEGATE,
  TKT_FLG_POSTDATED,
  TKT_FLG_PRE_AUTH,
  TKT_FLG_PROXIABLE,
  TKT_FLG_PROXY,
  TKT_FLG_RENEWABLE,
  TKT_FLG_TRANSIT_POLICY_CHECKED,
} from '../krb5/constants/flags.js';
import { enctypeName } from '../krb5/kdc-client/common.js';
import { loadClientConfig } from '../krb5/kdc-client/load.js';
import { defaultKeytabName, readKeytab } from '../krb5/keytab/index.js';
import { decodeTicket } from '../krb5/messages/ticket.js';
import { type Principal, unparsePrincipal } from '../krb5/principal.js';
import { fromUtf8, toHex } from '../util/bytes.js';
import { defineCommand } from './command.js';

const two = (n: number) => String(n).padStart(2, '0');

/** strftime("%x %X") in the C locale, local time: `11/28/26 00:12:15`, as klist's printtime. */
export function klistTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${two(d.getMonth() + 1)}/${two(d.getDate())}/${two(d.getFullYear() % 100)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** klist.c flags_string: one letter per ticket flag, in MIT's order. */
const FLAG_LETTERS: readonly [number, string][] = [
  [TKT_FLG_FORWARDABLE, 'F'],
  [TKT_FLG_FORWARDED, 'f'],
  [TKT_FLG_PROXIABLE, 'P'],
  [TKT_FLG_PROXY, 'p'],
  [TKT_FLG_MAY_POSTDATE, 'D'],
  [TKT_FLG_POSTDATED, 'd'],
  [TKT_FLG_INVALID, 'i'],
  [TKT_FLG_RENEWABLE, 'R'],
  [TKT_FLG_INITIAL, 'I'],
  [TKT_FLG_HW_AUTH, 'H'],
  [TKT_FLG_PRE_AUTH, 'A'],
  [TKT_FLG_TRANSIT_POLICY_CHECKED, 'T'],
  [TKT_FLG_OK_AS_DELEGATE, 'O'],
  [TKT_FLG_ANONYMOUS, 'a'],
];

export function flagsString(flags: number): string {
  let out = '';
  for (const [mask, letter] of FLAG_LETTERS) if ((flags & mask) >>> 0) out += letter;
  return out;
}

/** One credential as klist shows it. */
export interface KlistCred {
  readonly client: string;
  readonly server: string;
  readonly authtime: number;
  readonly starttime: number;
  readonly endtime: number;
  readonly renewTill: number;
  readonly flags: number;
  readonly sessionEnctype: string;
  /** The ticket's enc-part enctype, or undefined when the ticket does not decode. */
  readonly ticketEnctype?: string;
  readonly addresses: readonly string[];
}

export interface KlistOptions {
  readonly flags: boolean;
  readonly etype: boolean;
  readonly addresses: boolean;
}

/** klist.c show_credential: the times line, then the extra fields with MIT's separators. */
export function showCredential(c: KlistCred, defaultPrincipal: string, o: KlistOptions): string {
  let out = `${klistTime(c.starttime || c.authtime)}  ${klistTime(c.endtime)}  ${c.server}\n`;
  let extra = 0;
  let first = true;
  const sep = () => {
    const s = first ? '\t' : ', ';
    first = false;
    return s;
  };
  if (c.client !== defaultPrincipal) {
    out += `${sep()}for client ${c.client}`;
    extra++;
  }
  if (c.renewTill) {
    out += `${sep()}renew until ${klistTime(c.renewTill)}`;
    extra += 2;
  }
  if (o.flags) {
    const f = flagsString(c.flags);
    if (f) {
      out += `${sep()}Flags: ${f}`;
      extra++;
    }
  }
  if (extra > 2) {
    out += '\n';
    extra = 0;
    first = true;
  }
  if (o.etype) {
    out += `${sep()}Etype (skey, tkt): ${c.sessionEnctype}, `;
    out += c.ticketEnctype === undefined ? '(unknown) ' : `${c.ticketEnctype} `;
    extra++;
  }
  if (o.addresses) {
    if (extra) out += '\n';
    out += `\tAddresses: ${c.addresses.length ? c.addresses.join(', ') : '(none)'}`;
    extra = 1;
  }
  if (extra) out += '\n';
  return out;
}

/** klist -k: `KVNO [Timestamp] Principal [(enctype)] [(0xkey)]`, as klist.c do_keytab. */
export function formatKeytab(
  name: string,
  entries: readonly { principal: string; timestamp: number; kvno: number; enctype: string; key?: string }[],
  o: { times: boolean; etype: boolean; keys: boolean },
): string {
  let out = `Keytab name: ${name}\n`;
  if (o.times) {
    out += 'KVNO Timestamp         Principal\n';
    out += `---- ----------------- ${'-'.repeat(56)}\n`;
  } else {
    out += 'KVNO Principal\n';
    out += `---- ${'-'.repeat(74)}\n`;
  }
  for (const e of entries) {
    out += `${String(e.kvno).padStart(4)} `;
    if (o.times) out += `${klistTime(e.timestamp)} `;
    out += e.principal;
    if (o.etype) out += ` (${e.enctype}) `;
    if (o.keys && e.key !== undefined) out += ` (0x${e.key})`;
    out += '\n';
  }
  return out;
}

/** A name with its type prefix, as klist prints it (krb5_kt_get_type / krb5_cc_get_type). */
export function withType(name: string, dflt = 'FILE'): string {
  const colon = name.indexOf(':');
  return colon > 1 && !name.startsWith('/') ? name : `${dflt}:${name}`;
}

/** `gss klist`: MIT klist's options, as short letters, and GNU long names beside them. */
export const klist = defineCommand(
  {
    name: 'klist',
    summary: 'list a credential cache, or a keytab with -k',
    operands: '[cache_name | keytab_name]',
    minOperands: 0,
    maxOperands: 1,
    description: `MIT klist: lists the credential cache (KRB5CCNAME, the default) or with -k the keytab
(KRB5_KTNAME) named, in MIT klist's format.`,
    // MIT klist exits 1 on a usage error.
    usageStatus: 1,
    options: {
      cache: { kind: 'flag', long: 'cache', short: 'c', help: 'list a credential cache (the default)' },
      keytab: { kind: 'flag', long: 'keytab', short: 'k', help: 'list a keytab' },
      enctypes: { kind: 'flag', long: 'enctypes', short: 'e', help: 'show the encryption types' },
      flags: { kind: 'flag', long: 'flags', short: 'f', help: 'cache: show the ticket flags' },
      status: {
        kind: 'flag',
        long: 'status',
        short: 's',
        help: 'cache: print nothing, exit 0 only if a valid TGT is present',
      },
      addresses: { kind: 'flag', long: 'addresses', short: 'a', help: 'cache: show the address lists' },
      config: { kind: 'flag', long: 'config', short: 'C', help: 'cache: include the configuration entries' },
      timestamps: { kind: 'flag', long: 'timestamps', short: 't', help: 'keytab: show the entry timestamps' },
      keys: { kind: 'flag', long: 'keys', short: 'K', help: 'keytab: show the keys' },
    },
  },
  async ({ options: v, operands }) => {
    // As MIT: -c is a mode flag (the default); the cache or keytab name is the operand.
    const named = operands[0];
    const env = process.env;
    const config = loadClientConfig(env);
    if (v.keytab) {
      const name = withType(named ?? defaultKeytabName(env, config.keytabDefaults));
      try {
        const kt = await readKeytab(name, env);
        process.stdout.write(
          formatKeytab(
            name,
            kt.entries.map((e) => ({
              principal: unparsePrincipal(e.principal),
              timestamp: e.timestamp,
              kvno: e.kvno,
              enctype: enctypeName(e.key.enctype),
              key: v.keys ? toHex(e.key.keyvalue) : undefined,
            })),
            { times: Boolean(v.timestamps), etype: Boolean(v.enctypes), keys: Boolean(v.keys) },
          ),
        );
        return 0;
      } catch (e) {
        process.stdout.write(`Keytab name: ${name}\n`);
        process.stderr.write(`gss klist: ${(e as Error).message} while starting keytab scan\n`);
        return 1;
      }
    }
    let ccache: CredentialCache;
    let contents: CcacheContents;
    try {
      ccache = resolveCcache(named, env, config.ccacheDefaults);
      contents = await ccache.read();
    } catch (e) {
      if (!v.status) process.stderr.write(`gss klist: ${(e as Error).message}\n`);
      return 1;
    }
    const now = Math.floor(Date.now() / 1000);
    const live = contents.credentials.filter((c) => !isRemoved(c));
    if (v.status) {
      // klist -s: success when a valid TGT for the default principal's realm is present.
      const ok = live.some(
        (c) => !isConfigPrincipal(c.server) && c.server.components[0] === 'krbtgt' && c.endtime > now,
      );
      return ok ? 0 : 1;
    }
    const defName = unparsePrincipal(contents.principal);
    let out = `Ticket cache: ${ccache.name}\nDefault principal: ${defName}\n\n`;
    out += 'Valid starting     Expires            Service principal\n';
    const opts = { flags: Boolean(v.flags), etype: Boolean(v.enctypes), addresses: Boolean(v.addresses) };
    for (const c of live) {
      if (isConfigPrincipal(c.server)) {
        if (v.config) out += configLine(c.server, c.ticket);
        continue;
      }
      out += showCredential(klistCred(c), defName, opts);
    }
    process.stdout.write(out);
    return 0;
  },
);

/** klist -C: `config: key(principal) = value`, as klist.c print_config_data. */
function configLine(server: Principal, value: Uint8Array): string {
  const [, key, princ] = server.components;
  return `config: ${key}${princ === undefined ? '' : `(${princ})`} = ${fromUtf8(value)}\n`;
}

function klistCred(c: CachedCredential): KlistCred {
  let ticketEnctype: string | undefined;
  try {
    ticketEnctype = enctypeName(decodeTicket(c.ticket).encPart.etype);
  } catch {
    ticketEnctype = undefined;
  }
  return {
    client: unparsePrincipal(c.client),
    server: unparsePrincipal(c.server),
    authtime: c.authtime,
    starttime: c.starttime,
    endtime: c.endtime,
    renewTill: c.renewTill,
    flags: c.ticketFlags,
    sessionEnctype: enctypeName(c.key.enctype),
    ticketEnctype,
    addresses: c.addresses.map(formatAddress),
  };
}

/** IPv4 and IPv6 addresses as klist prints them; others by type. */
function formatAddress(a: { addrType: number; address: Uint8Array }): string {
  if (a.addrType === 2 && a.address.length === 4) return a.address.join('.');
  if (a.addrType === 24 && a.address.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((a.address[i] << 8) | a.address[i + 1]).toString(16));
    return groups.join(':');
  }
  return `unknown addrtype ${a.addrType}`;
}
