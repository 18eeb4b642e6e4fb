/**
 * The Kerberos mechanism's credential elements: what a Credentials handle holds for each usage
 * (a ccache to initiate from, a keytab to accept with), and MIT's acceptor-name matching.
 */
import type { CachedCredential, CredentialCache } from '../../../krb5/ccache/index.js';
import { type Principal, principalEquals } from '../../../krb5/principal.js';
import { loadProfile } from '../../../krb5/profile-view.js';
import type { ReplayCache } from '../../../krb5/rcache/replay-cache.js';
import type { Name } from '../../names/names.js';

export interface InitiatorSide {
  readonly ccache: CredentialCache;
  /** The client principal (the ccache's principal). */
  readonly name: Name;
  /** End time of the TGT (or of the first credential), seconds since the epoch. */
  expire: number;
  /** Where a TGT can be had again when the cache has none (KRB5_CLIENT_KTNAME). */
  readonly clientKeytabName?: string;
  /** True for private caches (password, delegated): MIT destroys them with the credential. */
  readonly ownsCcache?: boolean;
  /** Password expiry announced in the AS reply that filled this credential, seconds. */
  passwordExpiration?: number;
  /**
   * Impersonation (MIT gss_acquire_cred_impersonate_name): the service's own ccache and the
   * S4U2Self evidence ticket; tickets to other services come by S4U2Proxy.
   */
  readonly s4u?: { readonly serviceCcache: CredentialCache; readonly evidence: CachedCredential };
}

export interface AcceptorSide {
  readonly keytabName: string;
  /** The acceptor name; undefined accepts any principal in the keytab (MIT GSS_C_NO_NAME). */
  readonly name: Name | undefined;
  readonly replayCache: ReplayCache | undefined;
}

/**
 * MIT kg_acceptor_princ + krb5_sname_match: a host-based name matches any realm, and any host
 * when none was given; a principal name must match exactly.
 */
export function acceptorMatcher(name: Name): (p: Principal) => boolean {
  if (name.service === undefined) return (p) => principalEquals(p, name.principal);
  const service = name.service;
  // The canonicalized host when one was given; none (or ignore_acceptor_hostname) matches any.
  const ignoreHost = name.host === undefined || loadProfile().config.ignoreAcceptorHostname;
  const host = ignoreHost ? undefined : name.principal.components[1];
  return (p) =>
    p.components.length === 2 &&
    p.components[0] === service &&
    (host === undefined || p.components[1] === host);
}
