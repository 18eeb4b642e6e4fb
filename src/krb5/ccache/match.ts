/**
 * Credential selection and config entries over a cache's contents, as MIT's cc_retr.c
 * (krb5_cc_retrieve_cred) and ccfns.c (krb5_cc_get_config/set_config) do them.
 */
import { MINOR } from '../../errors/minor.js';
import { GSS_S_NO_CRED, GssError } from '../../errors/status.js';
import { type Principal, principalEquals, unparsePrincipal } from '../principal.js';
import { type CachedCredential, type CcacheContents, isRemoved } from './format.js';

/** The realm and first component of MIT's config entries (krb5_cc_set_config). */
export const CONF_REALM = 'X-CACHECONF:';
export const CONF_NAME = 'krb5_ccache_conf_data';

export interface RetrieveOptions {
  /** The client to match (default: any). */
  readonly client?: Principal;
  /** KRB5_TC_MATCH_KTYPE: only this session-key enctype. */
  readonly enctype?: number;
  /** KRB5_TC_SUPPORTED_KTYPES: the allowed enctypes, best first; the best one present wins. */
  readonly enctypes?: readonly number[];
  /** KRB5_TC_MATCH_TIMES: only credentials whose endtime is not before this (seconds). */
  readonly validAt?: number;
  /** KRB5_TC_MATCH_SRV_NAMEONLY: ignore the server's realm. */
  readonly serverNameOnly?: boolean;
  /** User-to-user credentials match only when asked for (KRB5_TC_MATCH_IS_SKEY). */
  readonly isSkey?: boolean;
}

export function isConfigPrincipal(p: Principal): boolean {
  return p.realm === CONF_REALM && p.components.length > 0 && p.components[0] === CONF_NAME;
}

function serverMatches(want: Principal, have: Principal, nameOnly: boolean): boolean {
  if (!nameOnly) return principalEquals(want, have);
  return (
    want.components.length === have.components.length &&
    want.components.every((c, i) => c === have.components[i])
  );
}

/**
 * The credential for `server`: the first live match in file order, or with `enctypes` the match
 * whose session-key enctype comes first in that list. Throws GssError NO_CRED with
 * KRB5_CC_NOTFOUND, or KRB5_CC_NOT_KTYPE when matches exist only with other enctypes.
 */
export function selectCredential(
  creds: readonly CachedCredential[],
  server: Principal,
  opts: RetrieveOptions = {},
): CachedCredential {
  let best: CachedCredential | undefined;
  let bestPref = Number.POSITIVE_INFINITY;
  let minor = MINOR.KRB5_CC_NOTFOUND;
  for (const c of creds) {
    if (isRemoved(c)) continue;
    if (opts.client && !principalEquals(opts.client, c.client)) continue;
    if (!serverMatches(server, c.server, opts.serverNameOnly ?? false)) continue;
    if (c.isSkey !== (opts.isSkey ?? false)) continue;
    if (opts.validAt !== undefined && opts.validAt > c.endtime) continue;
    if (opts.enctype !== undefined && opts.enctype !== c.key.enctype) continue;
    if (!opts.enctypes) return c;
    const pref = opts.enctypes.indexOf(c.key.enctype);
    if (pref < 0) minor = MINOR.KRB5_CC_NOT_KTYPE;
    else if (pref < bestPref) {
      best = c;
      bestPref = pref;
    }
  }
  if (best) return best;
  throw new GssError(GSS_S_NO_CRED, minor, `Matching credential not found for ${unparsePrincipal(server)}`);
}

/** The config entry's server name: X-CACHECONF:/krb5_ccache_conf_data/key[/principal]. */
export function configPrincipal(key: string, principal?: Principal): Principal {
  const components = principal ? [CONF_NAME, key, unparsePrincipal(principal)] : [CONF_NAME, key];
  // krb5_build_principal infers NT_PRINCIPAL for these names, as MIT's caches show.
  return Object.freeze({ nameType: 1, components: Object.freeze(components), realm: CONF_REALM });
}

/** krb5_cc_get_config: the value of the first live config entry with this key and principal. */
export function getConfig(cc: CcacheContents, key: string, principal?: Principal): Uint8Array | undefined {
  const server = configPrincipal(key, principal);
  for (const c of cc.credentials) {
    if (!isRemoved(c) && principalEquals(server, c.server)) return c.ticket;
  }
  return undefined;
}

/**
 * krb5_cc_set_config as later MIT releases do it: drops the existing entries for this key and principal
 * (MIT marks them removed in place; we rewrite the whole file, so they go away), then appends the
 * new value. MIT 1.20 only appended, so its krb5_cc_get_config kept returning the old value.
 */
export function setConfig(
  cc: CcacheContents,
  key: string,
  value: Uint8Array | undefined,
  principal?: Principal,
): CcacheContents {
  const server = configPrincipal(key, principal);
  const credentials = cc.credentials.filter((c) => !principalEquals(server, c.server));
  if (value !== undefined) credentials.push(configCredential(cc.principal, server, value));
  return { ...cc, credentials };
}

function configCredential(client: Principal, server: Principal, value: Uint8Array): CachedCredential {
  return {
    client,
    server,
    key: { enctype: 0, keyvalue: new Uint8Array(0) },
    authtime: 0,
    starttime: 0,
    endtime: 0,
    renewTill: 0,
    isSkey: false,
    ticketFlags: 0,
    addresses: [],
    authdata: [],
    ticket: Uint8Array.from(value),
    secondTicket: new Uint8Array(0),
  };
}
