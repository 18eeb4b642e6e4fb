/**
 * The AS exchange's reply key, as MIT's get_in_tkt.c chooses it: the enctypes the keytab has
 * keys for first; the first PA-ETYPE-INFO2 entry we asked for, with its salt and s2kparams; a
 * password's keys zeroed once the reply is read.
 */

import { forgetDerivedKeys, getProfile, stringToKey } from '../../crypto/index.js';
import type { Key } from '../../crypto/key.js';
import { PA_ETYPE_INFO2 } from '../constants/padata-types.js';
import type { Keytab } from '../keytab/index.js';
import { findKey } from '../keytab/index.js';
import type { PaData } from '../messages/common.js';
import { decodeEtypeInfo2, decodeMethodData, type EtypeInfo2Entry } from '../messages/padata.js';
import { type Principal, unparsePrincipal } from '../principal.js';
import { trace } from '../trace.js';
import type { InitialCredentialsRequest } from './as.js';
import { enctypeName, padataNames, traceEnctype } from './common.js';
import { krb5Error } from './errors.js';

/** The key a pre-authentication step chose, with the salt it was made with. */
export type KeyChoice = { key: Key; salt?: string; s2kparams?: Uint8Array };

/**
 * The reply key is needed no more once the reply is read: keys made from the password are
 * zeroed (keytab keys belong to the caller's Keytab and stay).
 */
export function wipePasswordKeys(
  req: InitialCredentialsRequest,
  key: Key,
  chosen: KeyChoice | undefined,
): void {
  if (req.password === undefined) return;
  for (const k of [key, chosen?.key]) {
    if (!k) continue;
    forgetDerivedKeys(k);
    k.keyvalue.fill(0);
  }
}

/** MIT's sort_enctypes: the enctypes the keytab has keys for come first, order kept. */
export function sortByKeytab(etypes: number[], keytab: Keytab, client: Principal): number[] {
  const has = (e: number) => {
    try {
      findKey(keytab, client, e);
      return true;
    } catch {
      return false;
    }
  };
  return [...etypes.filter(has), ...etypes.filter((e) => !has(e))];
}

export function safeMethodData(eData: Uint8Array): PaData[] {
  try {
    return decodeMethodData(eData);
  } catch {
    return [];
  }
}

function etypeInfo(padata: readonly PaData[] | undefined): EtypeInfo2Entry[] {
  const pa = padata?.find((p) => p.padataType === PA_ETYPE_INFO2);
  if (!pa) return [];
  try {
    return decodeEtypeInfo2(pa.padataValue);
  } catch {
    return [];
  }
}

/** The first ETYPE-INFO2 entry we requested (the KDC lists them in our order), as MIT picks. */
export function chooseKey(
  req: InitialCredentialsRequest,
  methods: readonly PaData[],
  etypes: readonly number[],
): KeyChoice {
  trace(`Processing preauth types: ${padataNames(methods)}`);
  const info = etypeInfo(methods).filter((i) => etypes.includes(i.etype));
  const pick = info[0] ?? { etype: etypes[0] };
  const salt = pick.salt ?? defaultSaltOf(req.client);
  trace(
    `Selected etype info: etype ${traceEnctype(pick.etype)}, salt "${salt}", params "${pick.s2kparams ? hex(pick.s2kparams) : ''}"`,
  );
  return { key: makeKey(req, pick.etype, salt, pick.s2kparams), salt, s2kparams: pick.s2kparams };
}

export function replyKey(
  req: InitialCredentialsRequest,
  etype: number,
  padata: readonly PaData[] | undefined,
  chosen?: KeyChoice,
): Key {
  if (chosen && chosen.key.enctype === etype) return chosen.key;
  // No preauth, or the KDC used another enctype: the reply's own ETYPE-INFO2 gives the salt.
  const info = etypeInfo(padata).find((i) => i.etype === etype);
  const salt = info?.salt ?? chosen?.salt ?? defaultSaltOf(req.client);
  return makeKey(req, etype, salt, info?.s2kparams);
}

function makeKey(req: InitialCredentialsRequest, etype: number, salt: string, s2kparams?: Uint8Array): Key {
  getProfile(etype); // KRB5_BAD_ENCTYPE for an enctype we cannot use
  if (req.keytab) {
    try {
      return findKey(req.keytab, req.client, etype).key;
    } catch (e) {
      throw krb5Error(
        'KRB5_PREAUTH_NO_KEY',
        `Keytab has no ${enctypeName(etype)} key for ${unparsePrincipal(req.client)}`,
        e,
      );
    }
  }
  return stringToKey(etype, req.password ?? '', salt, s2kparams);
}

function defaultSaltOf(p: Principal): string {
  return p.realm + p.components.join('');
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}
