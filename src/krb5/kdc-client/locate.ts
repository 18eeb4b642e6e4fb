/**
 * Which KDCs serve a realm: the `[realms] R kdc = host[:port]` relations of krb5.conf, in order,
 * as MIT's locate_kdc.c reads them (default port 88, `[v6addr]:port` accepted, an optional
 * `udp/` or `tcp/` prefix restricting the transport as in MIT 1.15+).
 */
import { krb5Error } from './errors.js';

export type TransportKind = 'udp' | 'tcp';

export interface KdcAddress {
  readonly host: string;
  readonly port: number;
  /** Set when the kdc line named a transport (`tcp/host`); otherwise both are tried. */
  readonly only?: TransportKind;
}

export const KDC_PORT = 88;

/** Parses one `kdc =` value; undefined when it is not a usable address. */
export function parseKdcAddress(text: string): KdcAddress | undefined {
  let s = text.trim();
  let only: TransportKind | undefined;
  const prefix = /^(udp|tcp|kkdcp)\//i.exec(s);
  if (prefix) {
    const kind = prefix[1].toLowerCase();
    if (kind === 'kkdcp') return undefined; // MS-KKDCP over HTTPS is not implemented
    only = kind as TransportKind;
    s = s.slice(prefix[0].length);
  }
  if (/^https?:/i.test(s)) return undefined;
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else {
    const parts = s.split(':');
    if (parts.length > 2) {
      host = s; // a bare IPv6 address
    } else {
      host = parts[0];
      portText = parts[1];
    }
  }
  if (host === '') return undefined;
  const port = portText === undefined || portText === '' ? KDC_PORT : Number(portText);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return only ? { host, port, only } : { host, port };
}

/** What locating needs from krb5.conf. */
export interface LocateSettings {
  /** The `kdc` values of `[realms] REALM`, in file order. */
  kdcLines(realm: string): readonly string[];
  /** libdefaults dns_lookup_kdc. */
  readonly dnsLookupKdc: boolean;
}

/**
 * The KDCs of `realm`. With no kdc line, MIT would look up DNS SRV records when dns_lookup_kdc is
 * true; this library has no DNS resolver, so both cases end in KRB5_REALM_CANT_RESOLVE, with the
 * reason spelled out.
 */
export function locateKdcs(realm: string, settings: LocateSettings): KdcAddress[] {
  const out: KdcAddress[] = [];
  for (const line of settings.kdcLines(realm)) {
    for (const word of line.split(/[\s,]+/)) {
      if (!word) continue;
      const a = parseKdcAddress(word);
      if (a) out.push(a);
    }
  }
  if (out.length > 0) return out;
  const why = settings.dnsLookupKdc
    ? 'no kdc entry in [realms] of krb5.conf, and DNS SRV lookup (dns_lookup_kdc) is not implemented'
    : 'no kdc entry in [realms] of krb5.conf and dns_lookup_kdc is false';
  throw krb5Error('KRB5_REALM_CANT_RESOLVE', `Cannot find KDC for realm "${realm}": ${why}`);
}

export function formatAddress(kind: TransportKind, a: KdcAddress): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return `${kind === 'udp' ? 'dgram' : 'stream'} ${host}:${a.port}`;
}
