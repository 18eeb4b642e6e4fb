/**
 * What a Kerberos client reads from krb5.conf, with MIT 1.20's defaults and parsing rules
 * (lib/krb5/krb/init_ctx.c, get_in_tkt.c, libdef_parse.c, os/sendto_kdc.c, os/locate_kdc.c).
 * Enctype lists stay strings here; the crypto layer parses them.
 */
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
import { parseDuration } from './duration.js';
import { domainRealm, fallbackRealm, type HostAddress, parseServerValue } from './hosts.js';
import { Profile } from './profile.js';

export const DEFAULT_CONFIG_PATH = '/etc/krb5.conf';
export const DEFAULT_CLOCKSKEW = 300;
export const DEFAULT_UDP_PREFERENCE_LIMIT = 1465;
/** sendto_kdc.c HARD_UDP_LIMIT. */
export const HARD_UDP_LIMIT = 32700;
export const KDC_PORT = 88;
export const KADMIN_PORT = 749;

const YES = ['y', 'yes', 'true', 't', '1', 'on'];
const NO = ['n', 'no', 'false', 'nil', '0', 'off'];

/** profile_parse_boolean: undefined for anything else (MIT's PROF_BAD_BOOLEAN). */
export function parseProfileBoolean(s: string): boolean | undefined {
  const l = s.toLowerCase();
  if (YES.includes(l)) return true;
  if (NO.includes(l)) return false;
  return undefined;
}

/** parse_int (prof_get.c): strtol base 10, the whole string, within a C int. */
export function parseProfileInteger(s: string): number | undefined {
  if (!/^[ \t\n\v\f\r]*[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s.trim());
  return n >= -0x80000000 && n <= 0x7fffffff ? n : undefined;
}

function badValue(code: 'PROF_BAD_BOOLEAN' | 'PROF_BAD_INTEGER', name: string, value: string): GssError {
  return new GssError(
    GSS_S_FAILURE,
    MINOR[code],
    `krb5.conf [libdefaults] ${name} = '${value}': ${code === 'PROF_BAD_BOOLEAN' ? 'Invalid boolean value' : 'Invalid integer value'}`,
  );
}

/** KRB5_CONFIG split on ':' as os_get_default_config_files does, else /etc/krb5.conf. */
export function configPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KRB5_CONFIG ?? DEFAULT_CONFIG_PATH).split(':');
}

export class Krb5Config {
  readonly profile: Profile;

  constructor(profile: Profile) {
    this.profile = profile;
  }

  /** The files of KRB5_CONFIG (or /etc/krb5.conf); none readable gives an empty config, as MIT. */
  static load(env: NodeJS.ProcessEnv = process.env): Krb5Config {
    return new Krb5Config(Profile.load(configPaths(env), env));
  }

  static parse(text: string): Krb5Config {
    return new Krb5Config(Profile.parse(text));
  }

  /** profile_get_boolean on [libdefaults]: PROF_BAD_BOOLEAN for a value that is neither. */
  boolean(name: string, def: boolean): boolean {
    const v = this.profile.getString('libdefaults', name);
    if (v === undefined) return def;
    const b = parseProfileBoolean(v);
    if (b === undefined) throw badValue('PROF_BAD_BOOLEAN', name, v);
    return b;
  }

  /** profile_get_integer on [libdefaults]: PROF_BAD_INTEGER for a value that is not one. */
  integer(name: string, def: number): number {
    const v = this.profile.getString('libdefaults', name);
    if (v === undefined) return def;
    const n = parseProfileInteger(v);
    if (n === undefined) throw badValue('PROF_BAD_INTEGER', name, v);
    return n;
  }

  /**
   * krb5int_libdefault_string: `[libdefaults] REALM = { name = ... }` first, then
   * `[libdefaults] name`.
   */
  libdefault(name: string, realm?: string): string | undefined {
    if (realm !== undefined) {
      const v = this.profile.getString('libdefaults', realm, name);
      if (v !== undefined) return v;
    }
    return this.profile.getString('libdefaults', name);
  }

  /** krb5int_libdefault_boolean: anything but a yes-word is false (_krb5_conf_boolean). */
  #libdefaultBoolean(name: string, realm: string | undefined, def: boolean): boolean {
    const v = this.libdefault(name, realm);
    return v === undefined ? def : parseProfileBoolean(v) === true;
  }

  get defaultRealm(): string | undefined {
    return this.profile.getString('libdefaults', 'default_realm');
  }
  /** true, false or 'fallback' (1.20's default is true); anything else fails as in init_ctx.c. */
  get dnsCanonicalizeHostname(): boolean | 'fallback' {
    const v = this.profile.getString('libdefaults', 'dns_canonicalize_hostname');
    if (v === undefined) return true;
    const b = parseProfileBoolean(v);
    if (b !== undefined) return b;
    if (v.toLowerCase() === 'fallback') return 'fallback';
    throw new GssError(
      GSS_S_FAILURE,
      22,
      `krb5.conf dns_canonicalize_hostname = '${v}': not a boolean or "fallback"`,
    );
  }
  /** sn2princ.c: a value that is not a boolean means the default, true. */
  get rdns(): boolean {
    const v = this.profile.getString('libdefaults', 'rdns');
    return (v === undefined ? undefined : parseProfileBoolean(v)) ?? true;
  }
  /**
   * dns_lookup_kdc, else dns_fallback, else true (locate_kdc.c maybe_use_dns); a value that is
   * not a yes-word is false there.
   */
  get dnsLookupKdc(): boolean {
    const v =
      this.profile.getString('libdefaults', 'dns_lookup_kdc') ??
      this.profile.getString('libdefaults', 'dns_fallback');
    return v === undefined ? true : parseProfileBoolean(v) === true;
  }
  /** A negative limit means the default; one above 32700 is 32700 (sendto_kdc.c). */
  get udpPreferenceLimit(): number {
    const n = this.integer('udp_preference_limit', DEFAULT_UDP_PREFERENCE_LIMIT);
    return n < 0 ? DEFAULT_UDP_PREFERENCE_LIMIT : Math.min(n, HARD_UDP_LIMIT);
  }
  /**
   * Seconds. MIT 1.20 reads clockskew with profile_get_integer and ignores a failure, so a value
   * such as "5m" leaves the default 300 (see docs/files.md).
   */
  get clockskew(): number {
    const v = this.profile.getString('libdefaults', 'clockskew');
    return (v === undefined ? undefined : parseProfileInteger(v)) ?? DEFAULT_CLOCKSKEW;
  }
  get defaultTktEnctypes(): string | undefined {
    return this.profile.getString('libdefaults', 'default_tkt_enctypes');
  }
  get defaultTgsEnctypes(): string | undefined {
    return this.profile.getString('libdefaults', 'default_tgs_enctypes');
  }
  get permittedEnctypes(): string | undefined {
    return this.profile.getString('libdefaults', 'permitted_enctypes');
  }
  /** krb5_get_default_in_tkt_ktypes: default_tkt_enctypes, else permitted_enctypes, else DEFAULT. */
  get tktEnctypes(): string {
    return this.defaultTktEnctypes ?? this.permittedEnctypes ?? 'DEFAULT';
  }
  /** krb5_get_tgs_ktypes: default_tgs_enctypes, else permitted_enctypes, else DEFAULT. */
  get tgsEnctypes(): string {
    return this.defaultTgsEnctypes ?? this.permittedEnctypes ?? 'DEFAULT';
  }
  get allowedEnctypes(): string {
    return this.permittedEnctypes ?? 'DEFAULT';
  }
  /**
   * allow_rc4 (MIT 1.21, default false). MIT gates only its KDC's RC4 session keys with it and
   * announces it will gate all RC4 use; here it already does: without it arcfour-hmac is in no
   * enctype list (docs/active-directory.md).
   */
  get allowRc4(): boolean {
    return this.boolean('allow_rc4', false);
  }
  get ignoreAcceptorHostname(): boolean {
    return this.boolean('ignore_acceptor_hostname', false);
  }
  get defaultCcacheName(): string | undefined {
    return this.profile.getString('libdefaults', 'default_ccache_name');
  }
  get defaultKeytabName(): string | undefined {
    return this.profile.getString('libdefaults', 'default_keytab_name');
  }
  get defaultClientKeytabName(): string | undefined {
    return this.profile.getString('libdefaults', 'default_client_keytab_name');
  }

  /** Seconds; 1 day when unset. A value MIT cannot parse fails as kinit does (KRB5_DELTAT_BADFORMAT). */
  ticketLifetime(realm?: string): number {
    return this.#duration('ticket_lifetime', realm, 86400);
  }
  /** Seconds; 0 (not renewable) when unset. */
  renewLifetime(realm?: string): number {
    return this.#duration('renew_lifetime', realm, 0);
  }
  forwardable(realm?: string): boolean {
    return this.#libdefaultBoolean('forwardable', realm, false);
  }
  proxiable(realm?: string): boolean {
    return this.#libdefaultBoolean('proxiable', realm, false);
  }
  noaddresses(realm?: string): boolean {
    return this.#libdefaultBoolean('noaddresses', realm, true);
  }

  #duration(name: string, realm: string | undefined, def: number): number {
    const v = this.libdefault(name, realm);
    if (v === undefined) return def;
    const d = parseDuration(v);
    if (d === undefined) {
      throw new GssError(
        GSS_S_FAILURE,
        MINOR.KRB5_DELTAT_BADFORMAT,
        `krb5.conf ${name} = '${v}': Delta-time value has invalid format`,
      );
    }
    return d;
  }

  /** The raw `[realms] REALM kdc` values of every file, in order (for kdc-client/locate.ts). */
  kdcLines(realm: string): readonly string[] {
    return this.profile.getValues('realms', realm, 'kdc');
  }
  /**
   * The KDCs of a realm as locate_srv_conf_1 reads them (default port 88; https:// proxies kept
   * and marked). A value MIT cannot parse fails the lookup there; here it is GssError EINVAL.
   */
  kdcs(realm: string): HostAddress[] {
    return this.#servers(realm, 'kdc', KDC_PORT);
  }
  adminServers(realm: string): HostAddress[] {
    return this.#servers(realm, 'admin_server', KADMIN_PORT);
  }
  /** primary_kdc, or its old name master_kdc. */
  primaryKdcs(realm: string): HostAddress[] {
    const p = this.#servers(realm, 'primary_kdc', KDC_PORT);
    return p.length ? p : this.#servers(realm, 'master_kdc', KDC_PORT);
  }

  #servers(realm: string, name: string, port: number): HostAddress[] {
    return this.profile.getValues('realms', realm, name).map((v) => {
      const a = parseServerValue(v, port);
      if (!a)
        throw new GssError(
          GSS_S_FAILURE,
          22,
          `krb5.conf [realms] ${realm} ${name} = '${v}': bad host string`,
        );
      return a;
    });
  }

  /** The realm of a host from [domain_realm] (krb5_get_host_realm), or undefined. */
  domainRealm(host: string): string | undefined {
    return domainRealm(this.profile, host);
  }
  /**
   * krb5_get_fallback_host_realm without DNS: the upper-cased parent domain, else default_realm.
   */
  fallbackHostRealm(host: string): string | undefined {
    return fallbackRealm(host) ?? this.defaultRealm;
  }
}
