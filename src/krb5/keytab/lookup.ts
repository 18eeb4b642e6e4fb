/** Key lookup as MIT's krb5_kt_get_entry does it for FILE keytabs (kt_file.c krb5_ktfile_get_entry). */
import { MINOR } from '../../errors/minor.js';
import { GSS_S_NO_CRED, GssError } from '../../errors/status.js';
import { type Principal, principalEquals, unparsePrincipal } from '../principal.js';
import type { Keytab, KeytabEntry } from './format.js';

/**
 * A small kvno written at the same time or later than a large one probably wrapped around
 * (8-bit keytab or kadmin fields, 16-bit KDB storage), so MIT counts it as more recent.
 */
function moreRecent(k1: KeytabEntry, k2: KeytabEntry): boolean {
  if (k2.timestamp <= k1.timestamp && k1.kvno < 128 && k2.kvno > 240) return true;
  if (k1.timestamp <= k2.timestamp && k1.kvno > 240 && k2.kvno < 128) return false;
  return k1.kvno > k2.kvno;
}

/**
 * The entry for `principal` with `enctype` (0 or undefined: any) and `kvno` (0 or undefined: the
 * most recent). With a kvno, an exact match wins; an entry whose kvno equals its low 8 bits is
 * taken when there is none (the kvno may have been truncated by an old keytab or kadmin).
 * Throws GssError NO_CRED with KRB5_KT_NOTFOUND, or KRB5_KT_KVNONOTFOUND when only other kvnos
 * are present.
 */
export function findKey(keytab: Keytab, principal: Principal, enctype?: number, kvno?: number): KeytabEntry {
  let found: KeytabEntry | undefined;
  let wrongKvno = false;
  for (const e of keytab.entries) {
    if (!principalEquals(principal, e.principal)) continue;
    if (enctype && enctype !== e.key.enctype) continue;
    if (!kvno || e.kvno === 0) {
      if (found === undefined || moreRecent(e, found)) found = e;
    } else if (e.kvno === kvno) {
      return e;
    } else if (e.kvno === (kvno & 0xff) && found === undefined) {
      found = e;
    } else {
      wrongKvno = true;
    }
  }
  if (found) return found;
  const name = unparsePrincipal(principal);
  if (wrongKvno) {
    return missing(MINOR.KRB5_KT_KVNONOTFOUND, `Key version ${kvno} for ${name} not found in keytab`);
  }
  return missing(MINOR.KRB5_KT_NOTFOUND, `No key table entry found for ${name}`);
}

function missing(minor: number, message: string): never {
  throw new GssError(GSS_S_NO_CRED, minor, message);
}
