/**
 * The KDC's principal database: entries with long-term keys, in memory, optionally persisted as a
 * JSON file (docs/kdc.md has the format) written atomically (temp file + rename) with mode 0600.
 * Keys are secrets: they are never logged, and `toJSON`/`inspect` of an entry do not show them.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Key } from '../../crypto/key.js';
import { redactKey } from '../../crypto/redact.js';
import { fromHex, toHex } from '../../util/bytes.js';
import { type Principal, parsePrincipal, unparsePrincipal } from '../principal.js';

export interface KdcKey extends Key {
  readonly kvno: number;
  /** The salt the key was made with (MIT's default salt: realm then components). */
  readonly salt: string;
}

export interface PrincipalEntry {
  readonly principal: Principal;
  /** MIT string form with the realm, the database key. */
  readonly name: string;
  readonly keys: readonly KdcKey[];
  /** MIT's +requires_preauth. */
  readonly requiresPreauth: boolean;
  /** MIT's -allow_forwardable / -allow_renewable (both allowed by default). */
  readonly allowForwardable: boolean;
  readonly allowRenewable: boolean;
  /** Seconds; 0 means the realm's limit alone applies. */
  readonly maxLife: number;
  readonly maxRenewableLife: number;
}

/** krbtgt/REALM@OTHER: the key another realm shares with this one to send its clients here. */
export function isIncomingTrust(p: Principal, realm: string): boolean {
  return (
    p.components.length === 2 &&
    p.components[0] === 'krbtgt' &&
    p.components[1] === realm &&
    p.realm !== realm
  );
}

export const DB_FORMAT = 'gssapi-ts-kdc-db';
export const DB_VERSION = 1;

interface FileKey {
  kvno: number;
  enctype: number;
  salt: string;
  key: string;
}
interface FileEntry {
  name: string;
  requiresPreauth: boolean;
  allowForwardable: boolean;
  allowRenewable: boolean;
  maxLife: number;
  maxRenewableLife: number;
  keys: FileKey[];
}
export interface DbFile {
  format: typeof DB_FORMAT;
  version: typeof DB_VERSION;
  realm: string;
  principals: FileEntry[];
}

export class PrincipalDb {
  readonly realm: string;
  readonly #entries = new Map<string, PrincipalEntry>();
  readonly #file: string | undefined;

  constructor(realm: string, file?: string) {
    this.realm = realm;
    this.#file = file;
  }

  /**
   * The entry for a principal of this realm, or of an incoming trust (krbtgt/THIS@OTHER, which a
   * realm's database holds to honour OTHER's cross-realm TGTs, as MIT's does); else undefined
   * (MIT: KRB5_KDB_NOENTRY).
   */
  get(p: Principal): PrincipalEntry | undefined {
    if (p.realm !== this.realm && !isIncomingTrust(p, this.realm)) return undefined;
    return this.#entries.get(unparsePrincipal(p));
  }

  getByName(name: string): PrincipalEntry | undefined {
    return this.get(parsePrincipal(name, this.realm));
  }

  has(name: string): boolean {
    return this.getByName(name) !== undefined;
  }

  list(): PrincipalEntry[] {
    return [...this.#entries.values()];
  }

  /** Adds or replaces an entry, then saves the file if there is one. */
  put(entry: PrincipalEntry): void {
    for (const k of entry.keys) redactKey(k);
    this.#entries.set(entry.name, entry);
    this.save();
  }

  /** Loads the file if it exists; returns whether it did. */
  load(): boolean {
    if (!this.#file || !existsSync(this.#file)) return false;
    const parsed = parseDbFile(readFileSync(this.#file, 'utf8'), this.#file);
    if (parsed.realm !== this.realm) {
      throw new Error(`KDC database ${this.#file} is for realm ${parsed.realm}, not ${this.realm}`);
    }
    for (const e of parsed.principals) {
      const principal = parsePrincipal(e.name, this.realm);
      this.#entries.set(unparsePrincipal(principal), {
        principal,
        name: unparsePrincipal(principal),
        requiresPreauth: e.requiresPreauth,
        allowForwardable: e.allowForwardable,
        allowRenewable: e.allowRenewable,
        maxLife: e.maxLife,
        maxRenewableLife: e.maxRenewableLife,
        keys: e.keys.map((k) =>
          redactKey({ kvno: k.kvno, enctype: k.enctype, salt: k.salt, keyvalue: fromHex(k.key) }),
        ),
      });
    }
    return true;
  }

  /** Writes the whole database: temp file with mode 0600 in the same directory, then rename. */
  save(): void {
    if (!this.#file) return;
    const body: DbFile = {
      format: DB_FORMAT,
      version: DB_VERSION,
      realm: this.realm,
      principals: this.list().map((e) => ({
        name: e.name,
        requiresPreauth: e.requiresPreauth,
        allowForwardable: e.allowForwardable,
        allowRenewable: e.allowRenewable,
        maxLife: e.maxLife,
        maxRenewableLife: e.maxRenewableLife,
        keys: e.keys.map((k) => ({ kvno: k.kvno, enctype: k.enctype, salt: k.salt, key: toHex(k.keyvalue) })),
      })),
    };
    const tmp = join(dirname(this.#file), `.${process.pid}.${Date.now()}.kdcdb.tmp`);
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.#file);
  }
}

/** Validates a database file's text; errors name the field, never a key. */
export function parseDbFile(text: string, where = 'KDC database'): DbFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${where}: not JSON`);
  }
  const bad = (what: string): never => {
    throw new Error(`${where}: bad or missing ${what}`);
  };
  const o = raw as Partial<DbFile>;
  if (typeof o !== 'object' || o === null || o.format !== DB_FORMAT) bad('format');
  if (o.version !== DB_VERSION) bad('version');
  if (typeof o.realm !== 'string' || o.realm === '') bad('realm');
  if (!Array.isArray(o.principals)) bad('principals');
  for (const [i, e] of (o.principals as FileEntry[]).entries()) {
    const at = `principals[${i}]`;
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string') bad(`${at}.name`);
    for (const f of ['requiresPreauth', 'allowForwardable', 'allowRenewable'] as const) {
      if (typeof e[f] !== 'boolean') bad(`${at}.${f}`);
    }
    for (const f of ['maxLife', 'maxRenewableLife'] as const) {
      if (!Number.isInteger(e[f]) || e[f] < 0) bad(`${at}.${f}`);
    }
    if (!Array.isArray(e.keys) || e.keys.length === 0) bad(`${at}.keys`);
    for (const [j, k] of e.keys.entries()) {
      const kat = `${at}.keys[${j}]`;
      if (!Number.isInteger(k?.kvno) || k.kvno < 0) bad(`${kat}.kvno`);
      if (!Number.isInteger(k.enctype)) bad(`${kat}.enctype`);
      if (typeof k.salt !== 'string') bad(`${kat}.salt`);
      if (typeof k.key !== 'string' || !/^([0-9a-f]{2})+$/i.test(k.key)) bad(`${kat}.key`);
    }
  }
  return o as DbFile;
}
