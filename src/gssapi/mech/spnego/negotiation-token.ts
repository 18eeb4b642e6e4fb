/**
 * The SPNEGO wire format (RFC 4178 4.2), read as MIT's spnego_mech.c reads it
 * (get_negTokenInit, get_negTokenResp) and written as it writes it (make_spnego_tokenInit_msg,
 * make_spnego_tokenTarg_msg):
 *
 *   NegotiationToken ::= CHOICE {
 *       negTokenInit    [0] NegTokenInit,   -- framed: 0x60 <len> 06 06 2b 06 01 05 05 02 a0 ...
 *       negTokenResp    [1] NegTokenResp }  -- not framed
 *   NegTokenInit ::= SEQUENCE {
 *       mechTypes       [0] MechTypeList,   -- SEQUENCE OF OBJECT IDENTIFIER
 *       reqFlags        [1] ContextFlags  OPTIONAL,
 *       mechToken       [2] OCTET STRING  OPTIONAL,
 *       mechListMIC     [3] OCTET STRING  OPTIONAL, ... }
 *   NegTokenResp ::= SEQUENCE {
 *       negState       [0] ENUMERATED { accept-completed (0), accept-incomplete (1),
 *                                       reject (2), request-mic (3) } OPTIONAL,
 *       supportedMech   [1] MechType      OPTIONAL,
 *       responseToken   [2] OCTET STRING  OPTIONAL,
 *       mechListMIC     [3] OCTET STRING  OPTIONAL, ... }
 *
 * Microsoft's NegTokenInit2 (MS-SPNG 2.2.1) puts negHints, a SEQUENCE, at [3] and the MIC at [4];
 * MIT sends that form too (negHintsCompat). Both are read; the hints are ignored.
 */

import { decodeOctetString, decodeSequence } from '../../../asn1/decode.js';
import { encodeOctetString, encodeSequence, encodeTlv, explicit } from '../../../asn1/encode.js';
import {
  CLASS_APPLICATION,
  CLASS_CONTEXT,
  CLASS_UNIVERSAL,
  DerReader,
  readTlv,
  TAG_BIT_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  type Tlv,
} from '../../../asn1/tlv.js';
import { MINOR } from '../../../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../errors/status.js';
import { equalBytes } from '../../../util/bytes.js';
import { wrapInitialContextToken } from '../../token/framing.js';
import { oidEqual, oidFromBytes } from '../../token/oid.js';
import { SPNEGO_OID_BYTES } from './oids.js';

/** RFC 4178 4.2.2 negState. */
export const ACCEPT_COMPLETED = 0;
export const ACCEPT_INCOMPLETE = 1;
export const REJECT = 2;
export const REQUEST_MIC = 3;

const TAG_ENUMERATED = 10;

export interface NegTokenInit {
  readonly kind: 'init';
  /** The mechanism OIDs (content octets), the initiator's preference first. */
  readonly mechTypes: readonly Uint8Array[];
  /** The MechTypeList element exactly as received: what mechListMIC covers (RFC 4178 5). */
  readonly mechTypesDer: Uint8Array;
  readonly mechToken?: Uint8Array;
  readonly mechListMIC?: Uint8Array;
}

export interface NegTokenResp {
  readonly kind: 'resp';
  readonly negState?: number;
  readonly supportedMech?: Uint8Array;
  readonly responseToken?: Uint8Array;
  readonly mechListMIC?: Uint8Array;
}

function defective(what: string, minor = 0): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, minor, `SPNEGO: ${what}`);
}

/** Runs an asn1 decode, turning its errors into SPNEGO DEFECTIVE_TOKEN errors with its minor. */
function field<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GssError) throw defective(`bad ${what}`, e.minor);
    throw e;
  }
}

function decodeOid(t: Tlv, what: string): Uint8Array {
  if (t.cls !== CLASS_UNIVERSAL || t.tag !== TAG_OID || t.constructed)
    throw defective(`${what} is not an OID`);
  // Strict X.690: a malformed OID is a defective token, not a mechanism we lack.
  oidFromBytes(t.value, () => defective(`${what} is not a valid OID`));
  return t.value;
}

/** The MechTypeList: at least one OID (MIT rejects an empty one). */
function decodeMechTypes(t: Tlv): Uint8Array[] {
  if (t.cls !== CLASS_UNIVERSAL || t.tag !== TAG_SEQUENCE || !t.constructed)
    throw defective('mechTypes is not a SEQUENCE OF');
  const r = new DerReader(t.value);
  const out: Uint8Array[] = [];
  while (!r.atEnd)
    out.push(
      decodeOid(
        field('mechTypes', () => r.next('MechType')),
        'a MechType',
      ),
    );
  if (out.length === 0) throw defective('empty mechTypes');
  return out;
}

function decodeInit(t: Tlv): NegTokenInit {
  const s = field('NegTokenInit', () => decodeSequence(t, 'NegTokenInit'));
  const mt = field('NegTokenInit', () => s.required(0, 'mechTypes'));
  const mechTypes = decodeMechTypes(mt);
  const flags = field('NegTokenInit', () => s.optional(1, 'reqFlags'));
  // RFC 4178 4.2.1: reqFlags are advisory and the acceptor ignores them; only the type is checked.
  if (flags && (flags.cls !== CLASS_UNIVERSAL || flags.tag !== TAG_BIT_STRING || flags.value.length < 1))
    throw defective('reqFlags is not a BIT STRING');
  const tok = field('NegTokenInit', () => s.optional(2, 'mechToken'));
  const mechToken = tok ? field('mechToken', () => decodeOctetString(tok, 'mechToken')) : undefined;
  let mic = field('NegTokenInit', () => s.optional(3, 'mechListMIC'));
  if (mic && mic.cls === CLASS_UNIVERSAL && mic.tag === TAG_SEQUENCE) {
    // NegTokenInit2: [3] is negHints (ignored, MS-SPNG 2.2.1), the MIC moves to [4].
    mic = field('NegTokenInit', () => s.optional(4, 'mechListMIC'));
  }
  const mechListMIC = mic ? field('mechListMIC', () => decodeOctetString(mic, 'mechListMIC')) : undefined;
  return { kind: 'init', mechTypes, mechTypesDer: mt.raw, mechToken, mechListMIC };
}

function decodeResp(t: Tlv): NegTokenResp {
  // MIT tolerates a missing SEQUENCE tag here (historical); we do not: every peer sends it.
  const s = field('NegTokenResp', () => decodeSequence(t, 'NegTokenResp'));
  const ns = field('NegTokenResp', () => s.optional(0, 'negState'));
  let negState: number | undefined;
  if (ns) {
    if (ns.cls !== CLASS_UNIVERSAL || ns.tag !== TAG_ENUMERATED || ns.constructed || ns.value.length !== 1)
      throw defective('negState is not a one-octet ENUMERATED');
    negState = ns.value[0];
    if (negState > REQUEST_MIC) throw defective(`unknown negState ${negState}`);
  }
  const sm = field('NegTokenResp', () => s.optional(1, 'supportedMech'));
  const supportedMech = sm ? decodeOid(sm, 'supportedMech') : undefined;
  const rt = field('NegTokenResp', () => s.optional(2, 'responseToken'));
  const responseToken = rt ? field('responseToken', () => decodeOctetString(rt, 'responseToken')) : undefined;
  const mic = field('NegTokenResp', () => s.optional(3, 'mechListMIC'));
  let mechListMIC = mic ? field('mechListMIC', () => decodeOctetString(mic, 'mechListMIC')) : undefined;
  // Windows 2000 repeats the responseToken as mechListMIC: not a MIC (MIT get_negTokenResp).
  if (mechListMIC && responseToken && equalBytes(mechListMIC, responseToken)) mechListMIC = undefined;
  return { kind: 'resp', negState, supportedMech, responseToken, mechListMIC };
}

/**
 * A NegotiationToken: the initial one framed with the SPNEGO OID (RFC 2743 3.1), later ones
 * bare. A framed NegTokenResp (old Sun SPNEGO, which MIT still accepts) is read too.
 */
export function decodeNegotiationToken(token: Uint8Array): NegTokenInit | NegTokenResp {
  let t = field('NegotiationToken', () => readTlv(token, 'NegotiationToken'));
  if (t.cls === CLASS_APPLICATION && t.tag === 0 && t.constructed) {
    const r = new DerReader(t.value);
    const oid = field('token header', () => r.next('thisMech'));
    if (oid.cls !== CLASS_UNIVERSAL || oid.tag !== TAG_OID || !oidEqual(oid.value, SPNEGO_OID_BYTES))
      throw defective('not a SPNEGO token', MINOR.G_WRONG_MECH);
    t = field('NegotiationToken', () => r.next('NegotiationToken'));
    field('NegotiationToken', () => r.end('NegotiationToken: trailing bytes'));
  }
  if (t.cls === CLASS_CONTEXT && t.constructed && t.tag === 0)
    return decodeInit(field('NegTokenInit', () => readTlv(t.value, 'NegTokenInit')));
  if (t.cls === CLASS_CONTEXT && t.constructed && t.tag === 1)
    return decodeResp(field('NegTokenResp', () => readTlv(t.value, 'NegTokenResp')));
  throw defective('not a NegTokenInit or NegTokenResp', MINOR.G_BAD_TOK_HEADER);
}

/** True when `token` is framed as an initial token of the SPNEGO mechanism. */
export function isSpnegoInitialToken(token: Uint8Array): boolean {
  // 0x60, a DER length, then 06 06 2b 06 01 05 05 02.
  if (token.length < 2 || token[0] !== 0x60) return false;
  const lenOctets = token[1] & 0x80 ? 1 + (token[1] & 0x7f) : 1;
  const at = 1 + lenOctets;
  if (token.length < at + 2 + SPNEGO_OID_BYTES.length) return false;
  if (token[at] !== 0x06 || token[at + 1] !== SPNEGO_OID_BYTES.length) return false;
  return oidEqual(token.subarray(at + 2, at + 2 + SPNEGO_OID_BYTES.length), SPNEGO_OID_BYTES);
}

function oidTlv(oid: Uint8Array): Uint8Array {
  return encodeTlv(CLASS_UNIVERSAL, false, TAG_OID, [oid]);
}

/** The MechTypeList as DER: what the NegTokenInit carries and the mechListMIC covers. */
export function encodeMechTypes(mechs: readonly Uint8Array[]): Uint8Array {
  return encodeSequence(mechs.map(oidTlv));
}

/** The initiator's first token, framed with the SPNEGO OID. */
export function encodeNegTokenInit(f: {
  mechTypesDer: Uint8Array;
  mechToken?: Uint8Array;
  mechListMIC?: Uint8Array;
}): Uint8Array {
  const init = encodeSequence([
    explicit(0, f.mechTypesDer),
    explicit(2, f.mechToken && encodeOctetString(f.mechToken)),
    explicit(3, f.mechListMIC && encodeOctetString(f.mechListMIC)),
  ]);
  return wrapInitialContextToken(-1, encodeTlv(CLASS_CONTEXT, true, 0, [init]), SPNEGO_OID_BYTES);
}

/** A NegTokenResp; an empty responseToken is left out, as MIT does. */
export function encodeNegTokenResp(f: {
  negState: number;
  supportedMech?: Uint8Array;
  responseToken?: Uint8Array;
  mechListMIC?: Uint8Array;
}): Uint8Array {
  const rt = f.responseToken && f.responseToken.length > 0 ? f.responseToken : undefined;
  const resp = encodeSequence([
    explicit(0, encodeTlv(CLASS_UNIVERSAL, false, TAG_ENUMERATED, [Uint8Array.of(f.negState)])),
    explicit(1, f.supportedMech && oidTlv(f.supportedMech)),
    explicit(2, rt && encodeOctetString(rt)),
    explicit(3, f.mechListMIC && encodeOctetString(f.mechListMIC)),
  ]);
  return encodeTlv(CLASS_CONTEXT, true, 1, [resp]);
}
