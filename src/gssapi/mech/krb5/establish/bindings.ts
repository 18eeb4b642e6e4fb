/**
 * The RFC 4121 4.1.1.2 hash of channel bindings (../../../bindings.ts):
 * MD5 over each address type and each value's length as 4-byte little-endian integers followed
 * by the bytes, as MIT's kg_checksum_channel_bindings; sixteen zero bytes without bindings.
 */
import { md5 } from '../../../../crypto/index.js';
import { concat } from '../../../../util/bytes.js';
import type { ChannelBindings } from '../../../bindings.js';
import { CB_MD5_LEN } from './checksum.js';

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
  return md5(
    concat(
      u32le(cb.initiatorAddrType ?? 0),
      u32le(ia.length),
      ia,
      u32le(cb.acceptorAddrType ?? 0),
      u32le(aa.length),
      aa,
      u32le(ad.length),
      ad,
    ),
  );
}
