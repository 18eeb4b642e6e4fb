/**
 * Decrypting the ticket of an AP-REQ with the acceptor's keytab, as MIT's rd_req_dec.c
 * decrypt_ticket does: one explicit principal looked up by kvno and enctype, or (no name, or a
 * host-based name) every matching key tried in turn, with MIT's error codes for what is missing.
 */
import { decrypt, ENCTYPE, isImplementedEnctype, SUPPORTED_ENCTYPES } from '../../../../crypto/index.js';
import type { Key } from '../../../../crypto/key.js';
import { MINOR } from '../../../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../../../errors/status.js';
import { KU_TICKET } from '../../../../krb5/constants/key-usages.js';
import { findKey, type Keytab } from '../../../../krb5/keytab/index.js';
import { principal } from '../../../../krb5/messages/common.js';
import { decodeEncTicketPart, type EncTicketPart, type Ticket } from '../../../../krb5/messages/ticket.js';
import { type Principal, principalEquals, unparsePrincipal } from '../../../../krb5/principal.js';
import { cachedTicketPart, rememberTicketPart } from './ticket-cache.js';

export interface DecryptedTicket {
  readonly encPart: EncTicketPart;
  /** The keytab entry's principal (MIT replaces the ticket's server with it). */
  readonly server: Principal;
  /** The service key that decrypted it (the PAC's server signature is checked with it). */
  readonly key: Key;
}

function fail(minor: number, message: string): GssError {
  return new GssError(GSS_S_FAILURE, minor, message);
}

/** The key as tryKey used it: the keytab's own object when the enctype is the same. */
function asEnctype(key: Key, etype: number): Key {
  return key.enctype === etype ? key : { enctype: etype, keyvalue: key.keyvalue };
}

/** krb5_decrypt_tkt_part: the ticket's part, or the MIT code of why not. */
function tryKey(ticket: Ticket, key: Key, permitted: readonly number[]): EncTicketPart | number {
  const etype = ticket.encPart.etype;
  if (!isImplementedEnctype(etype)) return MINOR.KRB5_PROG_ETYPE_NOSUPP;
  if (!permitted.includes(etype)) return MINOR.KRB5_NOPERM_ETYPE;
  // The keytab's own Key object when the enctype is the same, so its derived keys stay cached
  // (src/crypto caches them per Key object) from one AP-REQ to the next.
  const k = key.enctype === etype ? key : { enctype: etype, keyvalue: key.keyvalue };
  // A ticket decrypted before under this key (./ticket-cache.ts): the same result, and its
  // session key's derived keys.
  const cached = key.enctype === etype ? cachedTicketPart(key, ticket.encPart.cipher) : undefined;
  if (cached) return cached;
  let plain: Uint8Array;
  try {
    plain = decrypt(k, KU_TICKET, ticket.encPart.cipher);
  } catch {
    return MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY;
  }
  const part = decodeEncTicketPart(plain);
  if (key.enctype === etype) rememberTicketPart(key, ticket.encPart.cipher, part);
  return part;
}

/**
 * `explicit` is the acceptor's principal when it names one exactly (MIT: not is_matching), else
 * undefined and `matches` selects the keytab entries that may be tried.
 */
export function decryptTicket(
  keytab: Keytab,
  ticket: Ticket,
  explicit: Principal | undefined,
  matches: (p: Principal) => boolean,
  permitted: readonly number[] = SUPPORTED_ENCTYPES,
): DecryptedTicket {
  const tktServer = principal(ticket.sname, ticket.realm);
  const ts = unparsePrincipal(tktServer);
  const kvno = ticket.encPart.kvno ?? 0;
  const etype = ticket.encPart.etype;
  if (etype === ENCTYPE.ARCFOUR_HMAC && !permitted.includes(etype)) {
    // Active Directory's default for SPNs on user accounts (docs/active-directory.md).
    throw fail(
      MINOR.KRB5_NOPERM_ETYPE,
      `Ticket for ${ts} is encrypted with arcfour-hmac (RC4), which is disabled: give the service account AES keys (msDS-SupportedEncryptionTypes 0x18) and export its keytab again, or set allow_rc4 = true in [libdefaults] and run node with --openssl-legacy-provider`,
    );
  }

  if (explicit) {
    // try_one_princ + keytab_fetch_error + integrity_error
    let entryKey: Key;
    try {
      entryKey = findKey(keytab, explicit, etype, kvno).key;
    } catch (e) {
      const m = e instanceof GssError ? e.minor : 0;
      if (m === MINOR.KRB5_KT_NOTFOUND) throw fail(MINOR.KRB5KRB_AP_ERR_NOKEY, 'Service key not available');
      if (m === MINOR.KRB5_KT_KVNONOTFOUND) {
        throw principalEquals(explicit, tktServer)
          ? fail(MINOR.KRB5KRB_AP_ERR_BADKEYVER, `Cannot find key for kvno ${kvno} in keytab`)
          : fail(MINOR.KRB5KRB_AP_ERR_NOT_US, `Cannot find key for kvno ${kvno} in keytab (other server)`);
      }
      throw e;
    }
    const encPart = tryKey(ticket, entryKey, permitted);
    if (typeof encPart === 'number' && encPart !== MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY) {
      throw fail(encPart, 'Cannot decrypt the ticket');
    }
    if (typeof encPart === 'number') {
      throw principalEquals(explicit, tktServer)
        ? fail(MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, 'Cannot decrypt ticket using keytab key')
        : fail(MINOR.KRB5KRB_AP_ERR_NOT_US, 'Cannot decrypt ticket for another server');
    }
    return { encPart, server: explicit, key: asEnctype(entryKey, etype) };
  }

  // decrypt_try_server's keytab scan and iteration_error.
  let tktServerMismatch = false;
  let foundServerMatch = false;
  let foundTktServer = false;
  let foundKvno = false;
  let foundHigherKvno = false;
  let foundEnctype = false;
  for (const e of keytab.entries) {
    if (!matches(e.principal)) {
      if (principalEquals(e.principal, tktServer)) tktServerMismatch = true;
      continue;
    }
    foundServerMatch = true;
    const similar = e.key.enctype === etype;
    if (principalEquals(e.principal, tktServer)) {
      foundTktServer = true;
      if (e.kvno === kvno) {
        foundKvno = true;
        if (similar) foundEnctype = true;
      } else if (e.kvno > kvno) {
        foundHigherKvno = true;
      }
    }
    if (similar) {
      const encPart = tryKey(ticket, e.key, permitted);
      if (typeof encPart !== 'number') return { encPart, server: e.principal, key: asEnctype(e.key, etype) };
    }
  }
  if (!foundServerMatch)
    throw fail(MINOR.KRB5KRB_AP_ERR_NOKEY, 'No keys in keytab match the server principal');
  if (tktServerMismatch)
    throw fail(
      MINOR.KRB5KRB_AP_ERR_NOT_US,
      `Request ticket server ${ts} found in keytab but does not match server principal`,
    );
  if (!foundTktServer)
    throw fail(
      MINOR.KRB5KRB_AP_ERR_NOT_US,
      `Request ticket server ${ts} not found in keytab (ticket kvno ${kvno})`,
    );
  if (!foundKvno) {
    throw fail(
      MINOR.KRB5KRB_AP_ERR_BADKEYVER,
      `Request ticket server ${ts} kvno ${kvno} not found in keytab; ${foundHigherKvno ? 'ticket' : 'keytab'} is likely out of date`,
    );
  }
  if (!foundEnctype)
    throw fail(
      MINOR.KRB5KRB_AP_ERR_BADKEYVER,
      `Request ticket server ${ts} kvno ${kvno} found in keytab but not with enctype ${etype}`,
    );
  throw fail(
    MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY,
    `Request ticket server ${ts} kvno ${kvno} enctype ${etype} found in keytab but cannot decrypt ticket`,
  );
}
