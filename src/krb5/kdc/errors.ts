/**
 * A request the KDC refuses: the KRB-ERROR error-code, the e-text MIT's KDC sends (its internal
 * "status" string, e.g. NEEDED_PREAUTH, CLIENT_NOT_FOUND: do_as_req.c prepare_error_as sets
 * errpkt.text = status) and the e-data (METHOD-DATA) when MIT sends one.
 */
import type { PaData } from './wire.js';

export class KdcRefusal extends Error {
  readonly errorCode: number;
  readonly status: string;
  readonly eData: readonly PaData[] | undefined;
  /** The crealm of the error when it is not the request's: a client referral's realm. */
  readonly crealm: string | undefined;

  constructor(errorCode: number, status: string, eData?: readonly PaData[], crealm?: string) {
    super(`${status} (error ${errorCode})`);
    this.name = 'KdcRefusal';
    this.errorCode = errorCode;
    this.status = status;
    this.eData = eData;
    this.crealm = crealm;
  }
}

export function refuse(errorCode: number, status: string, eData?: readonly PaData[]): never {
  throw new KdcRefusal(errorCode, status, eData);
}
