/**
 * The krb5.conf settings the GSS layer reads (default_realm, clockskew, qualify_shortname,
 * permitted and TGS enctypes, [domain_realm], the KDC client's settings), through the config
 * module's profile of KRB5_CONFIG. Loaded once and re-read when a file changes, so the per-context
 * cost is a stat.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseEnctypeList } from '../crypto/index.js';
import { configPaths, Krb5Config } from '../krb5/config/krb5conf.js';
import { clientConfigFromProfile } from '../krb5/kdc-client/load.js';
import type { KdcClientSettings } from '../krb5/kdc-client/settings.js';

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

/** A file's identity and version: inode, size and mtime; all -1 when it cannot be stat'ed. */
interface FileStamp {
  path: string;
  ino: number;
  size: number;
  mtimeMs: number;
}

let cached: { env: string | undefined; stamps: FileStamp[]; view: ProfileView } | undefined;

function stampOf(path: string): FileStamp {
  // throwIfNoEntry: a missing file (a KRB5_CONFIG list may name one) costs no exception.
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  return st
    ? { path, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs }
    : { path, ino: -1, size: -1, mtimeMs: -1 };
}

/** Whether the cached view is still the one of these files: one stat each, compared as numbers. */
function unchanged(c: NonNullable<typeof cached>): boolean {
  if (c.env !== process.env.KRB5_CONFIG) return false;
  for (const s of c.stamps) {
    const now = stampOf(s.path);
    if (now.ino !== s.ino || now.size !== s.size || now.mtimeMs !== s.mtimeMs) return false;
  }
  return true;
}

export function loadProfile(): ProfileView {
  if (cached && unchanged(cached)) return cached.view;
  const env = process.env.KRB5_CONFIG;
  const stamps = configPaths(process.env).map(stampOf);
  const config = Krb5Config.load(process.env);
  const client = clientConfigFromProfile(config.profile);
  const permitted = parseEnctypeList(config.allowedEnctypes);
  const view: ProfileView = {
    config,
    defaultRealm: config.defaultRealm,
    clockSkew: config.clockskew,
    qualifyShortname: config.profile.getString('libdefaults', 'qualify_shortname') ?? primaryDomain(),
    permittedEnctypes: permitted,
    defaultTgsEnctypes: parseEnctypeList(config.tgsEnctypes).filter((e) => permitted.includes(e)),
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
