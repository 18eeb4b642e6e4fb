/**
 * The krb5.conf settings the GSS layer reads (default_realm, clockskew, qualify_shortname,
 * permitted and TGS enctypes, [domain_realm], the KDC client's settings), through the config
 * module's profile of KRB5_CONFIG. Loaded once and re-read when a file changes, so the per-context
 * cost is one fstat per file (file-stamp.ts).
 */
import { readFileSync } from 'node:fs';
import { parseEnctypeList } from '../crypto/index.js';
import { FileStamp } from '../util/file-stamp.js';
import { configPaths, Krb5Config } from './config/krb5conf.js';
import { clientConfigFromProfile } from './kdc-client/load.js';
import type { KdcClientSettings } from './kdc-client/settings.js';

export interface ProfileView {
  readonly config: Krb5Config;
  readonly defaultRealm: string | undefined;
  /** [libdefaults] clockskew in seconds (MIT default 300). */
  readonly clockSkew: number;
  /** qualify_shortname, else the resolver's primary domain, else undefined. */
  readonly qualifyShortname: string | undefined;
  /** permitted_enctypes, MIT's preference order. */
  readonly permittedEnctypes: readonly number[];
  /** default_tgs_enctypes filtered by permitted_enctypes (krb5_get_tgs_ktypes). */
  readonly defaultTgsEnctypes: readonly number[];
  readonly kdcSettings: KdcClientSettings;
  /** Any relation's values (first file first), e.g. ('libdefaults', 'default_keytab_name'). */
  values(section: string, ...path: string[]): readonly string[];
}

let cached: { env: string | undefined; stamps: FileStamp[]; view: ProfileView } | undefined;

/** Whether any of the files changed; every stamp is refreshed (no early exit). */
function anyChanged(stamps: readonly FileStamp[]): boolean {
  let changed = false;
  for (const s of stamps) if (s.changed()) changed = true;
  return changed;
}

export function loadProfile(): ProfileView {
  const env = process.env.KRB5_CONFIG;
  if (cached && cached.env === env && !anyChanged(cached.stamps)) return cached.view;
  let stamps: FileStamp[];
  if (cached && cached.env === env) {
    stamps = cached.stamps; // refreshed by anyChanged above
  } else {
    for (const s of cached?.stamps ?? []) s.close();
    stamps = configPaths(process.env).map((f) => new FileStamp(f));
    anyChanged(stamps);
  }
  // Nothing cached while loading: a file that fails to load fails again at the next call.
  cached = undefined;
  let config: Krb5Config;
  try {
    config = Krb5Config.load(process.env);
  } catch (e) {
    for (const s of stamps) s.close();
    throw e;
  }
  const client = clientConfigFromProfile(config.profile);
  // RC4 only under allow_rc4 (docs/active-directory.md, "RC4-HMAC").
  const rc4 = { allowRc4: config.allowRc4 };
  const permitted = parseEnctypeList(config.allowedEnctypes, rc4);
  const view: ProfileView = {
    config,
    defaultRealm: config.defaultRealm,
    clockSkew: config.clockskew,
    qualifyShortname: config.profile.getString('libdefaults', 'qualify_shortname') ?? primaryDomain(),
    permittedEnctypes: permitted,
    defaultTgsEnctypes: parseEnctypeList(config.tgsEnctypes, rc4).filter((e) => permitted.includes(e)),
    kdcSettings: client.settings,
    values: (section, ...path) => config.profile.getValues(section, ...path),
  };
  cached = { env, stamps, view };
  return view;
}

/** MIT k5_primary_domain: the resolver's search domain (resolv.conf `search`/`domain`). */
function primaryDomain(): string | undefined {
  try {
    const text = readFileSync('/etc/resolv.conf', 'utf8');
    let domain: string | undefined;
    for (const line of text.split('\n')) {
      const m = /^\s*(search|domain)\s+(\S+)/.exec(line);
      if (m) domain = m[2];
    }
    return domain && domain !== '.' ? domain : undefined;
  } catch {
    return undefined;
  }
}

/** MIT's [domain_realm] search; '' (the referral realm) when nothing matches. */
export function resolveDomainRealm(view: ProfileView, host: string): string {
  return view.config.domainRealm(host) ?? '';
}
