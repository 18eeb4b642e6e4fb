/**
 * PAC_SIGNATURE_DATA (MS-PAC 2.8) and its checks, as MIT's pac.c makes them: the server
 * signature is a keyed checksum (key usage 17) of the whole PAC with the signature bytes of the
 * server and KDC buffers zeroed, under the service's key; the KDC signature is a checksum of the
 * server signature's bytes under the krbtgt key (MS-PAC 2.8.1-2). Comparison is constant-time
 * (crypto's verify functions). A checksum type we do not have (unkeyed ones included: crypto
 * knows only keyed types) keeps crypto's minor code, KRB5_PROG_SUMTYPE_NOSUPP, as MIT's
 * krb5_c_verify_checksum returns it.
 */
import { verifyChecksumOfType } from '../../crypto/index.js';
import type { Key } from '../../crypto/key.js';
import { GssError } from '../../errors/status.js';
import { KU_APP_DATA_CKSUM } from '../constants/key-usages.js';
import { badPacSignature, ENOENT, malformedPac } from './errors.js';
import { PAC_PRIVSVR_CHECKSUM, PAC_SERVER_CHECKSUM, type PacBuffer } from './pactype.js';

/** SignatureType: the 4 bytes before the signature (MIT PAC_SIGNATURE_DATA_LENGTH). */
const SIGNATURE_TYPE_LENGTH = 4;

export interface PacSignature {
  readonly type: number;
  readonly signature: Uint8Array;
}

function signatureOf(buffers: readonly PacBuffer[], type: number, what: string): PacSignature {
  const b = buffers.find((x) => x.type === type);
  if (!b) throw malformedPac(`no ${what}`, ENOENT);
  if (b.data.length < SIGNATURE_TYPE_LENGTH) throw malformedPac(`${what} too short`);
  const d = b.data;
  return {
    type: (d[0] | (d[1] << 8) | (d[2] << 16) | (d[3] << 24)) >>> 0,
    signature: d.subarray(SIGNATURE_TYPE_LENGTH),
  };
}

/** The checksum type as a signed Int32 (RC4's HMAC-MD5 is -138). */
function signed(type: number): number {
  return type | 0;
}

function check(sig: PacSignature, key: Key, data: Uint8Array, what: string): void {
  const type = signed(sig.type);
  let ok: boolean;
  try {
    ok = verifyChecksumOfType(type, key, KU_APP_DATA_CKSUM, data, sig.signature);
  } catch (e) {
    if (e instanceof GssError)
      throw new GssError(e.major, e.minor, `PAC ${what}, checksum type ${type}: ${e.message}`, { cause: e });
    throw e;
  }
  if (!ok) throw badPacSignature(what);
}

/** k5_pac_verify_server_checksum: the PAC with both signatures zeroed, under the service key. */
export function verifyServerSignature(
  pac: Uint8Array,
  buffers: readonly PacBuffer[],
  key: Key,
): PacSignature {
  const server = signatureOf(buffers, PAC_SERVER_CHECKSUM, 'server signature');
  signatureOf(buffers, PAC_PRIVSVR_CHECKSUM, 'KDC signature'); // MIT zeroes it, so needs it
  const zeroed = pac.slice();
  for (const t of [PAC_SERVER_CHECKSUM, PAC_PRIVSVR_CHECKSUM]) {
    const b = buffers.find((x) => x.type === t) as PacBuffer;
    zeroed.fill(0, b.offset + SIGNATURE_TYPE_LENGTH, b.offset + b.data.length);
  }
  check(server, key, zeroed, 'server signature');
  return server;
}

/** k5_pac_verify_kdc_checksum: the server signature's bytes under the krbtgt key. */
export function verifyKdcSignature(buffers: readonly PacBuffer[], krbtgtKey: Key): void {
  const server = signatureOf(buffers, PAC_SERVER_CHECKSUM, 'server signature');
  const kdc = signatureOf(buffers, PAC_PRIVSVR_CHECKSUM, 'KDC signature');
  check(kdc, krbtgtKey, server.signature, 'KDC signature');
}
