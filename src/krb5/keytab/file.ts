/**
 * Keytab names and files: `FILE:path`, `WRFILE:path` or a plain path, as krb5_kt_resolve reads
 * them; KRB5_KTNAME and KRB5_CLIENT_KTNAME as krb5_kt_default_name and krb5_kt_client_default
 * read them. Writes replace the file atomically with mode 0600.
 */
import { readFile } from 'node:fs/promises';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GSS_S_NO_CRED, GssError } from '../../errors/status.js';
import { expandPathTokens, ioError, writeFileAtomic } from '../config/files.js';
import { encodeKeytab, type Keytab, type KeytabEntry, parseKeytab } from './format.js';

/** MIT's compiled-in defaults (DEFKTNAME, and Debian's DEFCKTNAME). */
export const DEFAULT_KEYTAB_NAME = 'FILE:/etc/krb5.keytab';
export const DEFAULT_CLIENT_KEYTAB_NAME = 'FILE:/etc/krb5/user/%{euid}/client.keytab';

/** What krb5.conf says, when the caller has it: [libdefaults] default_keytab_name and friends. */
export interface KeytabDefaults {
  readonly defaultKeytabName?: string;
  readonly defaultClientKeytabName?: string;
}

/** KRB5_KTNAME, else default_keytab_name, else FILE:/etc/krb5.keytab (krb5_kt_default_name). */
export function defaultKeytabName(env: NodeJS.ProcessEnv = process.env, conf: KeytabDefaults = {}): string {
  return env.KRB5_KTNAME || conf.defaultKeytabName || DEFAULT_KEYTAB_NAME;
}

/** KRB5_CLIENT_KTNAME, else default_client_keytab_name, else MIT's compiled-in default. */
export function defaultClientKeytabName(
  env: NodeJS.ProcessEnv = process.env,
  conf: KeytabDefaults = {},
): string {
  return env.KRB5_CLIENT_KTNAME || conf.defaultClientKeytabName || DEFAULT_CLIENT_KEYTAB_NAME;
}

/**
 * The file path of a keytab name. As krb5_kt_resolve: a name without ':' is a path, a one-letter
 * prefix is a drive letter, a name starting with '/' is a path even with ':' in it; else the
 * prefix is the type. FILE and WRFILE are supported; other types are KRB5_KT_UNKNOWN_TYPE.
 * Path tokens such as %{euid} are expanded as MIT's default names are.
 */
export function keytabPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const colon = name.indexOf(':');
  let path = name;
  if (colon > 1 && !name.startsWith('/')) {
    const type = name.slice(0, colon);
    if (type !== 'FILE' && type !== 'WRFILE') {
      throw new GssError(
        GSS_S_FAILURE,
        MINOR.KRB5_KT_UNKNOWN_TYPE,
        `unsupported keytab type '${type}' in '${name}'`,
      );
    }
    path = name.slice(colon + 1);
  }
  if (path === '') throw new GssError(GSS_S_FAILURE, MINOR.KRB5_KT_BADNAME, `bad keytab name '${name}'`);
  return expandPathTokens(path, env);
}

/** Reads and parses a keytab; a missing file is GssError NO_CRED with ENOENT as MIT reports it. */
export async function readKeytab(name: string, env: NodeJS.ProcessEnv = process.env): Promise<Keytab> {
  const path = keytabPath(name, env);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw ioError(e, `Key table file '${path}'`, GSS_S_NO_CRED);
  }
  try {
    return parseKeytab(bytes);
  } finally {
    bytes.fill(0); // the entries hold copies of the keys
  }
}

/** Replaces the keytab with exactly `entries` (format 0x0502), atomically, mode 0600. */
export async function writeKeytab(
  name: string,
  entries: readonly KeytabEntry[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const path = keytabPath(name, env);
  const bytes = encodeKeytab(entries);
  try {
    await writeFileAtomic(path, bytes);
  } catch (e) {
    throw ioError(e, `writing key table '${path}'`);
  } finally {
    bytes.fill(0);
  }
}

/** Appends entries as krb5_kt_add_entry does (creating the file when it is missing). */
export async function addKeytabEntries(
  name: string,
  entries: readonly KeytabEntry[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let existing: readonly KeytabEntry[] = [];
  try {
    existing = (await readKeytab(name, env)).entries;
  } catch (e) {
    if (!(e instanceof GssError && e.minor === 2)) throw e;
  }
  await writeKeytab(name, [...existing, ...entries], env);
}
