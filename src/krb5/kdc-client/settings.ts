/**
 * The krb5.conf relations the KDC client reads, resolved once into plain values with MIT's
 * defaults (src/include/k5-int.h, krb5/krb5.hin). `settingsFromProfile` reads them from any
 * profile lookup, so the client does not depend on how the config file is parsed.
 */
import { parseEnctypeList } from '../../crypto/profiles.js';
import { parseDuration } from '../config/duration.js';
import { DEFAULT_UDP_PREFERENCE_LIMIT, type NetworkSettings } from './transport.js';

export interface KdcClientSettings extends NetworkSettings {
  readonly defaultRealm?: string;
  /** libdefaults clockskew, seconds (MIT default 300). */
  readonly clockskew: number;
  /** default_tkt_enctypes: the AS-REQ etype list, in preference order. */
  readonly defaultTktEnctypes: readonly number[];
  /** default_tgs_enctypes: the TGS-REQ etype list. */
  readonly defaultTgsEnctypes: readonly number[];
  /** permitted_enctypes: what a reply's session key and ticket may use. */
  readonly permittedEnctypes: readonly number[];
  /** ticket_lifetime, seconds (MIT default 1 day). */
  readonly ticketLifetime: number;
  /** renew_lifetime, seconds (MIT default 0: not renewable). */
  readonly renewLifetime: number;
  readonly forwardable: boolean;
  readonly proxiable: boolean;
  /** libdefaults canonicalize (MIT default false): RFC 6806 canonicalization in AS requests. */
  readonly canonicalize: boolean;
  /** `[capaths] CLIENT = { SERVER = ... }`: the configured realm path (./realm-path.ts). */
  capaths(client: string, server: string): readonly string[];
}

/** A profile lookup: the values of `section` `path...` in file order (first file wins). */
export type ProfileValues = (section: string, ...path: string[]) => readonly string[];

/** MIT's default enctype list (krb5.hin DEFAULT_ENCTYPE_LIST) as our crypto layer knows it. */
const DEFAULT_ENCTYPES = 'DEFAULT';

function bool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  // profile_parse_boolean: y, yes, true, t, 1, on are true; n, no, false, nil, 0, off false.
  const s = v.trim().toLowerCase();
  if (['y', 'yes', 'true', 't', '1', 'on'].includes(s)) return true;
  if (['n', 'no', 'false', 'nil', '0', 'off'].includes(s)) return false;
  return dflt;
}

function duration(v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  return parseDuration(v) ?? dflt;
}

/**
 * Reads the client's relations, with MIT's defaults for those that are absent. `realmNames`
 * lists the subsections of [realms]: a realm typed in another case than krb5.conf spells it
 * (`alice@ad.example.test`) finds the KDCs of the realm that matches it without regard to case,
 * as MIT finds an Active Directory domain's KDCs through DNS SRV records, whose names are
 * case-insensitive (docs/active-directory.md). An exact match always wins.
 */
export function settingsFromProfile(
  values: ProfileValues,
  realmNames: () => readonly string[] = () => [],
): KdcClientSettings {
  const lib = (name: string): string | undefined => values('libdefaults', name)[0];
  // RC4 only under allow_rc4 (docs/active-directory.md, "RC4-HMAC").
  const rc4 = { allowRc4: bool(lib('allow_rc4'), false) };
  const permitted = parseEnctypeList(lib('permitted_enctypes') ?? DEFAULT_ENCTYPES, rc4);
  // MIT filters the request lists by permitted_enctypes (krb5_get_tgs_ktypes / get_permitted).
  const requested = (name: string) =>
    parseEnctypeList(lib(name) ?? DEFAULT_ENCTYPES, rc4).filter((e) => permitted.includes(e));
  const udp = Number(lib('udp_preference_limit'));
  return Object.freeze({
    defaultRealm: lib('default_realm'),
    clockskew: duration(lib('clockskew'), 300),
    defaultTktEnctypes: requested('default_tkt_enctypes'),
    defaultTgsEnctypes: requested('default_tgs_enctypes'),
    permittedEnctypes: permitted,
    ticketLifetime: duration(lib('ticket_lifetime'), 86400),
    renewLifetime: duration(lib('renew_lifetime'), 0),
    forwardable: bool(lib('forwardable'), false),
    proxiable: bool(lib('proxiable'), false),
    canonicalize: bool(lib('canonicalize'), false),
    // MIT's default is true (DEFAULT_LOOKUP_KDC); dns_fallback is the older name.
    dnsLookupKdc: bool(lib('dns_lookup_kdc') ?? lib('dns_fallback'), true),
    udpPreferenceLimit: Number.isInteger(udp) && udp > 0 ? udp : DEFAULT_UDP_PREFERENCE_LIMIT,
    capaths: (client: string, server: string) => values('capaths', client, server),
    kdcLines: (realm: string) => {
      const exact = values('realms', realm, 'kdc');
      if (exact.length > 0) return exact;
      const folded = realm.toUpperCase();
      const other = realmNames().find((r) => r !== realm && r.toUpperCase() === folded);
      return other === undefined ? exact : values('realms', other, 'kdc');
    },
  });
}
