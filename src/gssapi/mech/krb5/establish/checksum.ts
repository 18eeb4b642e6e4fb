/**
 * The RFC 4121 4.1.1 authenticator checksum of type 0x8003 (GSS_C_CHANNEL_BINDINGS checksum):
 *
 *   Lgth (4, LE) = 16 | Bnd (16) | Flags (4, LE) | [DlgOpt (2, LE) = 1 | Dlgth (2, LE) | Deleg]
 *   | [Exts: 4-byte big-endian type and length, as MIT's extensions]
 *
 * Written as MIT's make_gss_checksum, read as MIT's process_checksum, with its status codes.
 */

import { MINOR } from '../../../../errors/minor.js';
import { GSS_S_BAD_BINDINGS, GSS_S_FAILURE, GssError } from '../../../../errors/status.js';
import { Reader } from '../../../../util/reader.js';
import {
  GSS_C_CONF_FLAG,
  GSS_C_DELEG_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
} from '../../../flags.js';

/** RFC 4121 4.1.1: the checksum type of the GSS authenticator checksum. */
export const CKSUMTYPE_KG_CB = 0x8003;
/** RFC 4121 4.1.1: DlgOpt of a KRB-CRED carrying delegated credentials. */
export const KRB5_GSS_FOR_CREDS_OPTION = 1;
/** gssapi_ext.h flags MIT lets through from the token (with DCE, identify, extended error). */
export const GSS_C_DCE_STYLE = 0x1000;
export const GSS_C_IDENTIFY_FLAG = 0x2000;
export const GSS_C_EXTENDED_ERROR_FLAG = 0x4000;
export const GSS_C_CHANNEL_BOUND_FLAG = 0x800;

/** accept_sec_context.c INITIATOR_FLAGS: the token flags the acceptor keeps. */
export const INITIATOR_FLAGS =
  GSS_C_INTEG_FLAG |
  GSS_C_CONF_FLAG |
  GSS_C_MUTUAL_FLAG |
  GSS_C_REPLAY_FLAG |
  GSS_C_SEQUENCE_FLAG |
  GSS_C_DCE_STYLE |
  GSS_C_IDENTIFY_FLAG |
  GSS_C_EXTENDED_ERROR_FLAG;

/** The length of the channel-binding hash (MD5). */
export const CB_MD5_LEN = 16;

/** MIT's checksum extension type of IAKERB's finished message. */
const GSS_EXTS_FINISHED = 2;

/** The fixed part: Lgth, Bnd and Flags. */
export const MIN_8003_LEN = 24;

export interface GssChecksumFields {
  /** The 16-byte channel-binding hash (zeros without bindings). */
  readonly bindingsHash: Uint8Array;
  /** The flags as the initiator puts them on the wire (MIT: its ctx->gss_flags, TRANS included). */
  readonly flags: number;
  /** A KRB-CRED message with the forwarded TGT, when delegating. */
  readonly krbCred?: Uint8Array;
}

export function encodeGssChecksum(f: GssChecksumFields): Uint8Array {
  if (f.bindingsHash.length !== CB_MD5_LEN) throw new RangeError('channel-binding hash must be 16 bytes');
  const cred = f.krbCred;
  if (cred && cred.length + 28 > 0x7fff) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5KRB_ERR_FIELD_TOOLONG, 'delegated credentials too long');
  }
  const out = new Uint8Array(MIN_8003_LEN + (cred ? 4 + cred.length : 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, CB_MD5_LEN, true);
  out.set(f.bindingsHash, 4);
  v.setUint32(20, f.flags >>> 0, true);
  if (cred) {
    v.setUint16(24, KRB5_GSS_FOR_CREDS_OPTION, true);
    v.setUint16(26, cred.length, true);
    out.set(cred, 28);
  }
  return out;
}

export interface ParsedGssChecksum {
  /** Token flags masked with INITIATOR_FLAGS, plus CHANNEL_BOUND when the bindings matched. */
  readonly flags: number;
  /** The KRB-CRED bytes when the token carried delegated credentials. */
  readonly krbCred?: Uint8Array;
  /** The raw hash as sent. */
  readonly bindingsHash: Uint8Array;
}

function allZero(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/**
 * The error of a 0x8003 checksum field that runs short or is wrong. A module function, not a
 * closure in parseGssChecksum: a named closure is made per call (and renamed under tsx, ~0.6 µs).
 */
function badLength(what: string): GssError {
  return new GssError(GSS_S_FAILURE, MINOR.KG_BAD_LENGTH, `bad 0x8003 checksum: ${what}`);
}

/**
 * Reads the checksum contents. `acceptorHash` is the hash of the acceptor's bindings, or
 * undefined when it passed none (then any bindings the initiator sent are ignored, as in MIT).
 */
export function parseGssChecksum(
  contents: Uint8Array,
  acceptorHash: Uint8Array | undefined,
): ParsedGssChecksum {
  if (contents.length < MIN_8003_LEN) {
    throw new GssError(GSS_S_BAD_BINDINGS, 0, 'authenticator checksum too short');
  }
  const r = new Reader(contents, badLength);
  const cbLen = r.u32('Lgth', true);
  if (cbLen !== CB_MD5_LEN) throw badLength('Lgth is not 16');
  const bindingsHash = r.bytes(CB_MD5_LEN, 'Bnd');
  let cbMatch = false;
  if (acceptorHash !== undefined) {
    const present = !allZero(bindingsHash);
    cbMatch = equal(bindingsHash, acceptorHash);
    if (present && !cbMatch) throw new GssError(GSS_S_BAD_BINDINGS, 0, 'channel bindings do not match');
  }
  const tokenFlags = r.u32('Flags', true);
  let flags = tokenFlags & INITIATOR_FLAGS;
  if (cbMatch) flags |= GSS_C_CHANNEL_BOUND_FLAG;
  let krbCred: Uint8Array | undefined;
  if (r.remaining >= 4 && tokenFlags & GSS_C_DELEG_FLAG) {
    const optionId = r.u16('DlgOpt', true);
    const optionLen = r.u16('Dlgth', true);
    const option = r.bytes(optionLen, 'Deleg');
    if (optionId !== KRB5_GSS_FOR_CREDS_OPTION) {
      throw new GssError(GSS_S_FAILURE, 0, 'unknown delegation option');
    }
    krbCred = option;
  }
  // MIT's extensions: 4-byte big-endian type and length. Only IAKERB's FINISHED (2) is known,
  // and without IAKERB MIT rejects it; others are skipped.
  while (!r.atEnd) {
    const type = r.u32('extension type');
    r.bytes(r.u32('extension length'), 'extension');
    if (type === GSS_EXTS_FINISHED) {
      throw new GssError(
        GSS_S_FAILURE,
        MINOR.KRB5KRB_AP_ERR_MSG_TYPE,
        'IAKERB finished extension without IAKERB',
      );
    }
  }
  return { flags, krbCred, bindingsHash };
}
