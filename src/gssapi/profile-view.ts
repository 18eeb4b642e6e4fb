/**
 * The few krb5.conf settings the GSS layer reads itself: default_realm, clockskew,
 * qualify_shortname, permitted_enctypes, default_tgs_enctypes and [domain_realm]. Read from the
 * file KRB5_CONFIG names (colon-separated list, first value wins, as MIT's profile library), and
 * re-read when the file changes.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseEnctypeList, SUPPORTED_ENCTYPES } from '../crypto/index.js';

export interface ProfileView {
  readonly defaultRealm: string | undefined;
  /** [libdefaults] clockskew in seconds (MIT default 300). */
  readonly clockSkew: number;
  readonly qualifyShortname: string | undefined;
  /** [libdefaults] permitted_enctypes (default: every enctype we support, MIT's order). */
  readonly permittedEnctypes: readonly number[];
  /** [libdefaults] default_tgs_enctypes (default: permitted). */
  readonly defaultTgsEnctypes: readonly number[];
  /** [domain_realm] relations, keys lowercased. */
  readonly domainRealm: ReadonlyMap<string, string>;
  /** Any relation: its values in file order (first file first), e.g. ('realms', 'R', 'kdc'). */
  readonly values: (section: string, ...path: string[]) => readonly string[];
}

let cached: { key: string; view: ProfileView } | undefined;

function configFiles(): string[] {
  return (process.env.KRB5_CONFIG ?? '/etc/krb5.conf').split(':').filter((f) => f !== '');
}

/**
 * Parses every relation into `all`, keyed by its path joined with '\0' (section, names...), in
 * file order; MIT's syntax: [section], `name = value`, `name = { ... }`, `*` final markers.
 */
function parseInto(text: string, all: Map<string, string[]>): void {
  let section = '';
  const stack: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]/.exec(line);
    if (sec) {
      section = sec[1].trim();
      stack.length = 0;
      continue;
    }
    if (line.startsWith('}')) {
      stack.pop();
      continue;
    }
    const rel = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!rel) continue;
    const name = rel[1].trim().replace(/\*$/, '').trim();
    const value = rel[2].trim();
    if (value === '{') {
      stack.push(name);
      continue;
    }
    const key = [section, ...stack, name].join('\0');
    const list = all.get(key) ?? [];
    list.push(value.replace(/^"(.*)"$/, '$1'));
    all.set(key, list);
  }
}

function enctypes(value: string | undefined, fallback: readonly number[]): readonly number[] {
  if (value === undefined) return fallback;
  try {
    const list = parseEnctypeList(value);
    return list.length ? list : fallback;
  } catch {
    return fallback;
  }
}

/** MIT's krb5_string_to_deltat for the common forms: seconds, or `5m`, `1h`, `h:m[:s]`. */
function deltat(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const hms = /^(\d+):(\d+)(?::(\d+))?$/.exec(v);
  if (hms) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3] ?? 0);
  let total = 0;
  const re = /(\d+)\s*([dhms])/g;
  let m: RegExpExecArray | null = re.exec(v);
  if (!m) return fallback;
  while (m) {
    total += Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'd' | 'h' | 'm' | 's'];
    m = re.exec(v);
  }
  return total;
}

export function loadProfile(): ProfileView {
  const files = configFiles();
  const stamps = files.map((f) => {
    try {
      return `${f}:${statSync(f).mtimeMs}`;
    } catch {
      return `${f}:-`;
    }
  });
  const key = stamps.join('|');
  if (cached?.key === key) return cached.view;
  const all = new Map<string, string[]>();
  for (const f of files) {
    try {
      parseInto(readFileSync(f, 'utf8'), all);
    } catch {
      // A missing file is skipped, as MIT's profile library does for all but the last.
    }
  }
  const values = (section: string, ...path: string[]): readonly string[] =>
    all.get([section, ...path].join('\0')) ?? [];
  const libdefaults = new Map<string, string>();
  const domainRealm = new Map<string, string>();
  for (const [k, v] of all) {
    const [section, name, ...rest] = k.split('\0');
    if (rest.length !== 0) continue;
    if (section === 'libdefaults') libdefaults.set(name, v[0]);
    if (section === 'domain_realm' && !domainRealm.has(name.toLowerCase()))
      domainRealm.set(name.toLowerCase(), v[0]);
  }
  const permitted = enctypes(libdefaults.get('permitted_enctypes'), SUPPORTED_ENCTYPES);
  const view: ProfileView = {
    defaultRealm: libdefaults.get('default_realm'),
    clockSkew: deltat(libdefaults.get('clockskew'), 300),
    qualifyShortname: libdefaults.get('qualify_shortname') ?? primaryDomain(),
    permittedEnctypes: permitted,
    defaultTgsEnctypes: enctypes(libdefaults.get('default_tgs_enctypes'), permitted),
    domainRealm,
    values,
  };
  cached = { key, view };
  return view;
}

/** MIT k5_primary_domain: the resolver's first search domain (resolv.conf `search`/`domain`). */
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

/**
 * MIT's domain_realm search (hst_realm.c): the host itself, then each suffix starting at a dot,
 * with and without the dot. '' (the referral realm) when nothing matches.
 */
export function resolveDomainRealm(view: ProfileView, host: string): string {
  const h = host.toLowerCase();
  for (let p: string | undefined = h; p; ) {
    const realm = view.domainRealm.get(p);
    if (realm !== undefined) return realm;
    if (p.startsWith('.')) p = p.slice(1);
    else {
      const i = p.indexOf('.');
      p = i < 0 ? undefined : p.slice(i);
    }
  }
  return '';
}
