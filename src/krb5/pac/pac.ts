/**
 * The PAC of a ticket (MS-PAC), checked as MIT's krb5_pac_verify checks it for an acceptor: the
 * server signature under the service key, the KDC signature when the krbtgt key is given, then
 * the client info against the ticket's client and authtime. Only a PAC that passes is decoded
 * into a `Pac`; every failure is a GssError (./errors.ts).
 */
import { readTlv } from '../../asn1/index.js';
import type { Key } from '../../crypto/key.js';
import { GssError } from '../../errors/status.js';
import { AD_IF_RELEVANT, AD_WIN2K_PAC } from '../constants/authz-types.js';
import { type AuthorizationData, decodeAuthorizationData } from '../messages/common.js';
import type { Principal } from '../principal.js';
import { decodeClientInfo } from './client-info.js';
import { ENOENT, malformedPac, wrongPacClient } from './errors.js';
import { decodeLogonInfo, type LogonInfo } from './logon-info.js';
import {
  decodePacBuffers,
  PAC_CLIENT_INFO,
  PAC_LOGON_INFO,
  PAC_UPN_DNS_INFO,
  type PacBuffer,
} from './pactype.js';
import { verifyKdcSignature, verifyServerSignature } from './signature.js';
import { decodeUpnDnsInfo, type UpnDnsInfo } from './upn-dns-info.js';

/** A verified PAC: what the KDC says about the client, beyond its name. */
export interface Pac {
  /** KERB_VALIDATION_INFO: SIDs and groups. Absent in MIT KDC's PACs. */
  readonly logonInfo?: LogonInfo;
  /** PAC_CLIENT_INFO's name (checked against the ticket's client). */
  readonly clientName: string;
  /** UPN and DNS domain (AD; absent from MIT's KDC). */
  readonly upnDnsInfo?: UpnDnsInfo;
  /** The KDC signature was checked too (a krbtgt key was given); the server signature always is. */
  readonly kdcSignatureVerified: boolean;
  /** Every buffer by type (MS-PAC 2.4), undecoded: claims, delegation info, checksums. */
  readonly buffers: ReadonlyMap<number, Uint8Array>;
}

export interface PacCheck {
  /** The service key that decrypted the ticket. */
  readonly serverKey: Key;
  /** The krbtgt key, when the caller has it (a KDC, or a test holding its keytab). */
  readonly kdcKey?: Key;
  /** The ticket's client and authtime, which PAC_CLIENT_INFO must repeat. */
  readonly client: Principal;
  readonly authtime: number;
}

/**
 * The AD-WIN2K-PAC element of a ticket's authorization data (inside AD-IF-RELEVANT, RFC 4120
 * 5.2.6.1, where AD and MIT put it); undefined when there is none, EINVAL for two.
 */
export function findPac(ad: AuthorizationData | undefined): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  for (const e of ad ?? []) {
    if (e.adType !== AD_IF_RELEVANT) continue;
    let inner: AuthorizationData;
    try {
      inner = decodeAuthorizationData(readTlv(e.adData, 'AD-IF-RELEVANT'), 'AD-IF-RELEVANT');
    } catch (err) {
      if (err instanceof GssError) throw malformedPac(`AD-IF-RELEVANT: ${err.message}`);
      throw err;
    }
    for (const i of inner) {
      if (i.adType !== AD_WIN2K_PAC) continue;
      if (found) throw malformedPac('two PACs in one ticket');
      found = i.adData;
    }
  }
  return found;
}

/** krb5_pac_parse + krb5_pac_verify(_ext), then the buffers decoded. */
export function verifyPac(pac: Uint8Array, check: PacCheck): Pac {
  const buffers = decodePacBuffers(pac);
  verifyServerSignature(pac, buffers, check.serverKey);
  if (check.kdcKey) verifyKdcSignature(buffers, check.kdcKey);
  const clientName = validateClient(buffers, check);
  const get = (type: number): Uint8Array | undefined => buffers.find((b) => b.type === type)?.data;
  const logon = get(PAC_LOGON_INFO);
  const upn = get(PAC_UPN_DNS_INFO);
  return {
    logonInfo: logon ? decodeLogonInfo(logon) : undefined,
    clientName,
    upnDnsInfo: upn ? decodeUpnDnsInfo(upn) : undefined,
    kdcSignatureVerified: check.kdcKey !== undefined,
    buffers: new Map(buffers.map((b: PacBuffer) => [b.type, b.data.slice()])),
  };
}

/**
 * k5_pac_validate_client (MIT 1.20, without realm): the name is the client's components joined
 * by '/' with nothing escaped (krb5_unparse_name_flags DISPLAY | NO_REALM).
 */
function validateClient(buffers: readonly PacBuffer[], check: PacCheck): string {
  const b = buffers.find((x) => x.type === PAC_CLIENT_INFO);
  if (!b) throw malformedPac('no client info', ENOENT);
  const info = decodeClientInfo(b.data);
  if (info.authtime !== check.authtime) throw wrongPacClient('authtime is not the ticket authtime');
  if (info.name !== check.client.components.join('/')) throw wrongPacClient('name is not the ticket client');
  return info.name;
}
