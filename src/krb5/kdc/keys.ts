/**
 * Long-term keys for new principals, as kadmin makes them: string-to-key of the password with
 * MIT's default salt (realm then components) for each enctype, or random keys (addprinc -randkey).
 */
import { defaultSalt, randomKey, stringToKey } from '../../crypto/index.js';
import type { Principal } from '../principal.js';
import type { KdcKey } from './db.js';

/** The four AES enctypes in MIT's default order (aes256-sha1, aes128-sha1, aes256-sha2, aes128-sha2). */
export const KDC_ENCTYPES: readonly number[] = Object.freeze([18, 17, 20, 19]);

export function passwordKeys(
  p: Principal,
  password: string,
  kvno: number,
  enctypes = KDC_ENCTYPES,
): KdcKey[] {
  const salt = defaultSalt(p.realm, p.components);
  return enctypes.map((e) => ({ ...stringToKey(e, password, salt), kvno, salt }));
}

export function randomKeys(p: Principal, kvno: number, enctypes = KDC_ENCTYPES): KdcKey[] {
  const salt = defaultSalt(p.realm, p.components);
  return enctypes.map((e) => ({ ...randomKey(e), kvno, salt }));
}
