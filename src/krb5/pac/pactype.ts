/**
 * PACTYPE (MS-PAC 2.3, 2.4): a little-endian count and version 0, then one PAC_INFO_BUFFER per
 * buffer (type, size, 8-byte offset), each buffer 8-byte aligned inside the PAC. Checked as
 * MIT's krb5_pac_parse checks it (ERANGE for sizes and offsets outside the PAC, EINVAL for a
 * bad version or alignment) and, as k5_pac_locate_buffer, a buffer type present twice is EINVAL.
 */
import { Reader } from '../../util/reader.js';
import { ERANGE, malformedPac } from './errors.js';

/** MS-PAC 2.4 ulType values. */
export const PAC_LOGON_INFO = 1;
export const PAC_CREDENTIALS_INFO = 2;
export const PAC_SERVER_CHECKSUM = 6;
export const PAC_PRIVSVR_CHECKSUM = 7;
export const PAC_CLIENT_INFO = 10;
export const PAC_DELEGATION_INFO = 11;
export const PAC_UPN_DNS_INFO = 12;
export const PAC_ATTRIBUTES_INFO = 17;
export const PAC_REQUESTOR = 18;
export const PAC_TICKET_CHECKSUM = 16;
export const PAC_FULL_CHECKSUM = 19;

export interface PacBuffer {
  readonly type: number;
  /** Where the buffer lies in the PAC (the signatures are checked over the PAC's bytes). */
  readonly offset: number;
  readonly data: Uint8Array;
}

const PACTYPE_LENGTH = 8;
const PAC_INFO_BUFFER_LENGTH = 16;
/** MIT's sanity limit on cBuffers (pac.c MAX_BUFFERS). */
const MAX_BUFFERS = 4096;

export function decodePacBuffers(pac: Uint8Array): PacBuffer[] {
  const r = new Reader(pac, (what) => malformedPac(what, ERANGE));
  const count = r.u32('PACTYPE cBuffers', true);
  const version = r.u32('PACTYPE Version', true);
  if (version !== 0) throw malformedPac(`version ${version}`);
  if (count > MAX_BUFFERS) throw malformedPac(`${count} buffers`, ERANGE);
  const headerLength = PACTYPE_LENGTH + count * PAC_INFO_BUFFER_LENGTH;
  if (pac.length < headerLength) throw malformedPac('buffer table past the end', ERANGE);
  const out: PacBuffer[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const type = r.u32('ulType', true);
    const size = r.u32('cbBufferSize', true);
    const lo = r.u32('Offset', true);
    const hi = r.u32('Offset', true);
    if (hi !== 0) throw malformedPac(`buffer ${type} offset beyond 4 GiB`, ERANGE);
    if (lo % 8 !== 0) throw malformedPac(`buffer ${type} not 8-byte aligned`);
    if (lo < headerLength || lo + size > pac.length)
      throw malformedPac(`buffer ${type} outside the PAC`, ERANGE);
    if (seen.has(type)) throw malformedPac(`buffer type ${type} twice`);
    seen.add(type);
    out.push({ type, offset: lo, data: pac.subarray(lo, lo + size) });
  }
  return out;
}
