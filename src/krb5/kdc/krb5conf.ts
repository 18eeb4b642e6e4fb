/**
 * A krb5.conf for clients of the embedded KDC (MIT's tools and ours): the realm's KDC on
 * 127.0.0.1:port, no DNS, and `localhost` mapped to the realm, so `service@localhost` names
 * `service/localhost@REALM`.
 */

export interface Krb5ConfOptions {
  /** Extra [libdefaults] lines, e.g. `permitted_enctypes = aes128-cts-hmac-sha1-96`. */
  readonly libdefaults?: readonly string[];
}

export function krb5ConfText(realm: string, port: number, opts: Krb5ConfOptions = {}): string {
  const extra = (opts.libdefaults ?? []).map((l) => `  ${l}\n`).join('');
  return `[libdefaults]
  default_realm = ${realm}
  dns_canonicalize_hostname = false
  rdns = false
  dns_lookup_kdc = false
  dns_lookup_realm = false
  forwardable = true
${extra}
[realms]
  ${realm} = {
    kdc = 127.0.0.1:${port}
  }

[domain_realm]
  localhost = ${realm}
  .localhost = ${realm}
`;
}
