/**
 * Channel bindings (RFC 2744 3.11 gss_channel_bindings_struct) and their RFC 4121 4.1.1.2 hash:
 * MD5 over each address type and each value's length as 4-byte little-endian integers followed
 * by the bytes, as MIT's kg_checksum_channel_bindings; sixteen zero bytes without bindings.
 */
import { md5 } from '../crypto/index.js';
import { CB_MD5_LEN } from './checksum.js';

export interface ChannelBindings {
  /** GSS_C_AF_* (RFC 2744 3.11): 0 unspecified, 2 INET, 24 INET6, 255 NULLADDR... */
  readonly initiatorAddrType?: number;
  readonly initiatorAddress?: Uint8Array;
  readonly acceptorAddrType?: number;
  readonly acceptorAddress?: Uint8Array;
  readonly applicationData?: Uint8Array;
}

/** RFC 2744 3.11 address families used by MIT's acceptor. */
export const GSS_C_AF_UNSPEC = 0;
export const GSS_C_AF_INET = 2;
export const GSS_C_AF_NULLADDR = 255;

const EMPTY = new Uint8Array(0);

function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

/** The 16-byte Bnd field of the 0x8003 checksum. */
export function channelBindingsHash(cb: ChannelBindings | undefined): Uint8Array {
  if (cb === undefined) return new Uint8Array(CB_MD5_LEN);
  const ia = cb.initiatorAddress ?? EMPTY;
  const aa = cb.acceptorAddress ?? EMPTY;
  const ad = cb.applicationData ?? EMPTY;
  const parts = [
    u32le(cb.initiatorAddrType ?? 0),
    u32le(ia.length),
    ia,
    u32le(cb.acceptorAddrType ?? 0),
    u32le(aa.length),
    aa,
    u32le(ad.length),
    ad,
  ];
  let n = 0;
  for (const p of parts) n += p.length;
  const buf = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    buf.set(p, off);
    off += p.length;
  }
  return md5(buf);
}
