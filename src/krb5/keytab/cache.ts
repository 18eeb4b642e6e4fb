/**
 * The acceptor's keytab, parsed once and kept while the file is unchanged (same size, mtime and
 * inode, and still linked: one fstat per use, file-stamp.ts). MIT reopens the file for every
 * AP-REQ; keeping the parsed entries also keeps the crypto layer's derived keys for them, which
 * are per Key object.
 */

import { FileStamp } from '../../util/file-stamp.js';
import { type Keytab, keytabPath, readKeytab } from './index.js';

interface Entry {
  readonly stamp: FileStamp;
  /** Bumped at each change seen, so that a read begun before a later change is not kept. */
  generation: number;
  keytab: Keytab | undefined;
}

const cache = new Map<string, Entry>();

/** As readKeytab (same errors), cached by file identity. */
export async function loadKeytab(name: string): Promise<Keytab> {
  const path = keytabPath(name);
  let e = cache.get(path);
  if (!e) {
    e = { stamp: new FileStamp(path), generation: 0, keytab: undefined };
    cache.set(path, e);
  }
  if (e.stamp.changed()) {
    e.generation++;
    e.keytab = undefined;
  } else if (e.keytab && e.stamp.present) {
    return e.keytab;
  }
  const generation = e.generation;
  const keytab = await readKeytab(name);
  // Kept only for a file that exists and has not changed again while it was read.
  if (e.stamp.present && e.generation === generation) e.keytab = keytab;
  return keytab;
}
