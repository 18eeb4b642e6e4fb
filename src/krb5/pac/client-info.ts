/**
 * PAC_CLIENT_INFO (MS-PAC 2.7): ClientId, the ticket's authtime as a FILETIME, and the client's
 * name in UTF-16LE. MIT's k5_pac_validate_client compares both with the ticket: a name or time
 * that differs is KRB5KRB_AP_WRONG_PRINC (the PAC was cut from another ticket).
 */
import { Reader } from '../../util/reader.js';
import { ERANGE, malformedPac } from './errors.js';
import { decodeUtf16le } from './ndr.js';

export interface ClientInfo {
  /** The authtime the KDC wrote, seconds since the epoch. */
  readonly authtime: number;
  /** The client name as the KDC wrote it (no realm for AD and MIT). */
  readonly name: string;
}

const FILETIME_UNIX_EPOCH = 116444736000000000n;

export function decodeClientInfo(buffer: Uint8Array): ClientInfo {
  const r = new Reader(buffer, (what) => malformedPac(`client info ${what}`, ERANGE));
  const lo = r.u32('ClientId', true);
  const hi = r.u32('ClientId', true);
  const length = r.u16('NameLength', true);
  const name = decodeUtf16le(r.bytes(length, 'Name'));
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  // MIT: k5_time_to_seconds_since_1970 of the FILETIME (whole seconds, truncated).
  const authtime = Number((ticks - FILETIME_UNIX_EPOCH) / 10000000n);
  return { authtime, name };
}
