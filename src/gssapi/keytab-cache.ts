/**
 * The acceptor's keytab, parsed once and kept while the file is unchanged (same size, mtime and
 * inode, checked with one stat per use). MIT reopens the file for every AP-REQ; keeping the
 * parsed entries also keeps the crypto layer's derived keys for them, which are per Key object.
 */
import { statSync } from 'node:fs';
import { type Keytab, keytabPath, readKeytab } from '../krb5/keytab/index.js';

const cache = new Map<string, { stamp: string; keytab: Keytab }>();

function stampOf(path: string): string | undefined {
  try {
    // throwIfNoEntry: a missing keytab costs no exception (readKeytab then reports it).
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}

/** As readKeytab (same errors), cached by file identity. */
export async function loadKeytab(name: string): Promise<Keytab> {
  const path = keytabPath(name);
  const stamp = stampOf(path);
  const hit = cache.get(path);
  if (stamp !== undefined && hit?.stamp === stamp) return hit.keytab;
  const keytab = await readKeytab(name);
  if (stamp !== undefined) cache.set(path, { stamp, keytab });
  return keytab;
}
