/**
 * Host strings and host-to-realm mapping as MIT reads them from krb5.conf:
 * k5_parse_host_string (krb/parse_host_string.c) for `kdc` and `admin_server` values, and the
 * [domain_realm] search of os/hostrealm_profile.c.
 */
import type { Profile } from './profile.js';

export interface HostAddress {
  readonly host: string;
  readonly port: number;
  /** `https://host[:port]/path` values are MS-KKDCP proxies (MIT locate_kdc.c). */
  readonly https?: { readonly path: string };
}

/**
 * k5_parse_host_string: `host`, `host:port`, `[v6]` or `[v6]:port`. The host ends at the first
 * blank, tab or colon; a port is decimal 0..65535 with nothing after it. Undefined where MIT
 * returns EINVAL (which makes it skip nothing: MIT fails the whole lookup).
 */
export function parseHostString(
  address: string,
  defaultPort: number,
): { host?: string; port: number } | undefined {
  if (address === '' || address[0] === ':') return undefined;
  let host: string | undefined;
  let port: string | undefined;
  if (/^[0-9]+$/.test(address)) {
    port = address;
  } else if (address[0] === '[' && address.includes(']')) {
    const close = address.indexOf(']');
    host = address.slice(1, close);
    if (address[close + 1] === ':') port = address.slice(close + 2);
  } else {
    const m = /^[^ \t:]*/.exec(address) as RegExpExecArray;
    host = m[0];
    if (address[host.length] === ':') port = address.slice(host.length + 1);
  }
  if (port === undefined) return { host, port: defaultPort };
  if (!/^\s*[+]?[0-9]+$/.test(port)) return undefined;
  const n = Number(port.trim());
  if (n > 65535) return undefined;
  return { host, port: n };
}

/** One `kdc`-style value as locate_kdc.c reads it; undefined where MIT reports an error. */
export function parseServerValue(value: string, defaultPort: number): HostAddress | undefined {
  if (value.startsWith('https://')) {
    const rest = value.slice(8);
    const slash = rest.indexOf('/');
    const hostPart = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? '' : rest.slice(slash + 1);
    const hp = parseHostString(hostPart, 443);
    return hp?.host !== undefined ? { host: hp.host, port: hp.port, https: { path } } : undefined;
  }
  const hp = parseHostString(value, defaultPort);
  return hp?.host !== undefined ? { host: hp.host, port: hp.port } : undefined;
}

/** clean_hostname: lower case, without a trailing dot. */
function cleanHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

const isNumericAddress = (h: string): boolean => /^[0-9.]+$/.test(h) || h.includes(':');

/**
 * The realm [domain_realm] gives a host (profile_host_realm): the host itself, then each suffix
 * from its first dot: for a.b.c it tries `a.b.c`, `.b.c`, `b.c`, `.c`, `c`. IP addresses are
 * never mapped.
 */
export function domainRealm(profile: Profile, host: string): string | undefined {
  const h = cleanHost(host);
  if (isNumericAddress(h)) return undefined;
  let p: string | undefined = h;
  while (p !== undefined) {
    const realm = profile.getString('domain_realm', p);
    if (realm !== undefined) return realm;
    if (p.startsWith('.')) p = p.slice(1);
    else {
      const dot = p.indexOf('.');
      p = dot < 0 ? undefined : p.slice(dot);
    }
  }
  return undefined;
}

/**
 * domain_fallback_realm without realm_try_domains: the upper-cased parent domain of the host
 * (`a.b.c` -> `B.C`), or undefined for a host without a dot or an address.
 */
export function fallbackRealm(host: string): string | undefined {
  const h = cleanHost(host);
  if (isNumericAddress(h)) return undefined;
  const dot = h.indexOf('.');
  return dot < 0 ? undefined : h.slice(dot + 1).toUpperCase();
}
