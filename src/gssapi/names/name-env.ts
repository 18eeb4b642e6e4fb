/**
 * What name canonicalization reads from the Kerberos profile (krb5.conf): default_realm,
 * [domain_realm] and qualify_shortname. One seam, so unit tests can supply a profile without
 * files; by default it reads the krb5.conf that KRB5_CONFIG selects.
 */
import { loadProfile, resolveDomainRealm } from '../../krb5/profile-view.js';

export interface NameEnv {
  /** [libdefaults] default_realm, or undefined. */
  defaultRealm(): string | undefined;
  /** The realm [domain_realm] gives a host, or '' (the referral realm) when none matches. */
  hostRealm(host: string): string;
  /** [libdefaults] qualify_shortname, else the resolver's primary domain, else undefined. */
  qualifyShortname(): string | undefined;
}

const profileEnv: NameEnv = {
  defaultRealm: () => loadProfile().defaultRealm,
  hostRealm: (host) => resolveDomainRealm(loadProfile(), host),
  qualifyShortname: () => loadProfile().qualifyShortname,
};

let current: NameEnv = profileEnv;

/** For tests: replace the profile view (undefined restores the krb5.conf one). */
export function setNameEnv(env: NameEnv | undefined): void {
  current = env ?? profileEnv;
}

export function localDefaultRealm(): string | undefined {
  return current.defaultRealm();
}
export function hostRealm(host: string): string {
  return current.hostRealm(host);
}
export function qualifyShortname(): string | undefined {
  return current.qualifyShortname();
}
