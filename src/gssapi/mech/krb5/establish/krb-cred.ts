/**
 * Delegated credentials in a KRB-CRED (RFC 4120 5.8), as MIT's krb5_mk_1cred and krb5_rd_cred
 * carry them inside the 0x8003 checksum: EncKrbCredPart encrypted with key usage 14 in the
 * ticket session key (RFC 4121 4.1.1; MIT suppresses the subkey for it), nonce = the sequence
 * number, timestamp always set.
 */
import { decrypt, encrypt } from '../../../../crypto/index.js';
import type { Key } from '../../../../crypto/key.js';
import { MINOR } from '../../../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../../../errors/status.js';
import type { CachedCredential } from '../../../../krb5/ccache/index.js';
import { KU_KRB_CRED_ENC_PART } from '../../../../krb5/constants/key-usages.js';
import {
  decodeEncKrbCredPart,
  decodeKrbCred,
  encodeEncKrbCredPart,
  encodeKrbCred,
} from '../../../../krb5/messages/krb-cred.js';
import { decodeTicket, encodeTicket } from '../../../../krb5/messages/ticket.js';

export function makeKrbCred(cred: CachedCredential, key: Key, seqNumber: number, nowMs: number): Uint8Array {
  const ticket = decodeTicket(cred.ticket);
  const encPart = encodeEncKrbCredPart({
    ticketInfo: [
      {
        key: cred.key,
        prealm: cred.client.realm,
        pname: cred.client,
        flags: cred.ticketFlags,
        authtime: cred.authtime || undefined,
        starttime: cred.starttime || undefined,
        endtime: cred.endtime || undefined,
        renewTill: cred.renewTill || undefined,
        srealm: cred.server.realm,
        sname: cred.server,
        caddr: cred.addresses.length ? cred.addresses : undefined,
      },
    ],
    nonce: seqNumber >>> 0,
    timestamp: Math.floor(nowMs / 1000),
    usec: (nowMs % 1000) * 1000,
  });
  return encodeKrbCred({
    tickets: [ticket],
    encPart: { etype: key.enctype, cipher: encrypt(key, KU_KRB_CRED_ENC_PART, encPart) },
  });
}

/** rd_and_store_for_creds: every failure is GSS_S_FAILURE with the Kerberos code. */
function asFailure<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GssError) throw new GssError(GSS_S_FAILURE, e.minor, e.message, { cause: e });
    throw e;
  }
}

/**
 * krb5_rd_cred as MIT's acceptor calls it: the enc-part decrypted with the initiator's subkey,
 * else the session key, else taken as plain text (RFC 6448, etype 0). Errors are GSS_S_FAILURE
 * with the Kerberos code.
 */
export function readKrbCred(bytes: Uint8Array, keys: readonly Key[]): CachedCredential[] {
  const krbCred = asFailure(() => decodeKrbCred(bytes));
  let plain: Uint8Array | undefined;
  if (krbCred.encPart.etype === 0) plain = krbCred.encPart.cipher;
  for (const k of keys) {
    if (plain) break;
    try {
      plain = decrypt(k, KU_KRB_CRED_ENC_PART, krbCred.encPart.cipher);
    } catch {
      // try the next key, as decrypt_encpart does
    }
  }
  // MIT's second krb5_rd_cred, with no keys, reads the ciphertext as a plain EncKrbCredPart: a
  // KRB-CRED that no key opens fails with that decoder's (ASN.1) error.
  const enc = asFailure(() => decodeEncKrbCredPart(plain ?? krbCred.encPart.cipher));
  if (enc.ticketInfo.length !== krbCred.tickets.length) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5KRB_AP_ERR_MSG_TYPE, 'KRB-CRED ticket count mismatch');
  }
  return enc.ticketInfo.map((info, i) => {
    if (!info.pname || !info.sname || info.prealm === undefined || info.srealm === undefined) {
      throw new GssError(GSS_S_FAILURE, MINOR.KRB5KRB_AP_ERR_MSG_TYPE, 'KRB-CRED without principal names');
    }
    return {
      client: { nameType: info.pname.nameType, components: info.pname.components, realm: info.prealm },
      server: { nameType: info.sname.nameType, components: info.sname.components, realm: info.srealm },
      key: info.key,
      authtime: info.authtime ?? 0,
      starttime: info.starttime ?? 0,
      endtime: info.endtime ?? 0,
      renewTill: info.renewTill ?? 0,
      isSkey: false,
      ticketFlags: info.flags ?? 0,
      addresses: info.caddr ?? [],
      authdata: [],
      ticket: encodeTicket(krbCred.tickets[i]),
      secondTicket: new Uint8Array(0),
    };
  });
}
