/**
 * The initiator's side of context establishment (RFC 4121 4.1, MIT init_sec_context.c): a
 * service ticket, an AP-REQ with the 0x8003 checksum, an initiator subkey and sequence number,
 * then with mutual authentication the AP-REP and the acceptor's subkey.
 */
import { decrypt, ENCTYPE, encrypt, randomBytes, randomKey } from '../../../../crypto/index.js';
import type { Key } from '../../../../crypto/key.js';
import { KRB5_ERR_BASE, MINOR } from '../../../../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../../../../errors/status.js';
import type { CachedCredential } from '../../../../krb5/ccache/index.js';
import { AP_OPTS_MUTUAL_REQUIRED } from '../../../../krb5/constants/flags.js';
import { KU_AP_REP_ENC_PART, KU_AP_REQ_AUTH } from '../../../../krb5/constants/key-usages.js';
import {
  decodeApRep,
  decodeEncApRepPart,
  encodeApReq,
  encodeAuthenticator,
} from '../../../../krb5/messages/ap.js';
import { decodeKrbError } from '../../../../krb5/messages/krb-error.js';
import { decodeTicket, encodeTicket, type Ticket } from '../../../../krb5/messages/ticket.js';
import type { Principal } from '../../../../krb5/principal.js';
import { loadProfile } from '../../../../krb5/profile-view.js';
import { now } from '../../../../util/clock.js';
import type { ChannelBindings } from '../../../bindings.js';
import {
  GSS_C_CONF_FLAG,
  GSS_C_DELEG_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_PROT_READY_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
  GSS_C_TRANS_FLAG,
} from '../../../flags.js';
import {
  TOK_ID_AP_REP,
  TOK_ID_AP_REQ,
  TOK_ID_KRB_ERROR,
  verifyTokenHeader,
  wrapInitialContextToken,
} from '../../../token/framing.js';
import { KRB5_MECH_OID_BYTES } from '../../../token/oid.js';
import type { ContextState } from '../context-state.js';
import type { InitiatorSide } from '../cred-element.js';
import { getForwardedTgt, getServiceCredential } from '../kdc-glue.js';
import { initSeqState } from '../tokens/seqstate.js';
import { channelBindingsHash } from './bindings.js';
import { CKSUMTYPE_KG_CB, encodeGssChecksum } from './checksum.js';
import { etypeNegotiationAuthdata } from './etype-negotiation.js';
import { makeKrbCred } from './krb-cred.js';

export interface InitiatorRequest {
  readonly target: Principal;
  /** GSS_C_* flags asked for. */
  readonly reqFlags: number;
  readonly channelBindings?: ChannelBindings;
  /** Seconds (0: the ticket's). MIT asks the KDC for it when it must fetch a ticket. */
  readonly lifetime?: number;
}

/** What the first step leaves for the second (mutual authentication). */
export interface PendingInitiator {
  readonly state: ContextState;
  /** The ticket session key as the ccache holds it (its derived keys are cached). */
  readonly ticketKey: Key;
  readonly ctime: number;
  readonly cusec: number;
}

/**
 * The ticket decoded and encoded again as MIT's encode_krb5_ap_req does, memoized per cached
 * ticket (the ccache layer keeps its parsed credentials while the file is unchanged): every
 * context with a cached service ticket otherwise decoded and re-encoded it.
 */
const ticketEncodings = new WeakMap<Uint8Array, { ticket: Ticket; der: Uint8Array }>();
function ticketEncoding(raw: Uint8Array): { ticket: Ticket; der: Uint8Array } {
  let e = ticketEncodings.get(raw);
  if (!e) {
    const ticket = decodeTicket(raw);
    e = { ticket, der: encodeTicket(ticket) };
    ticketEncodings.set(raw, e);
  }
  return e;
}

/** MIT krb5_generate_seq_number: 30 random bits, never 0. */
function initialSeqNumber(): number {
  const b = randomBytes(4);
  const n = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) & 0x3fffffff;
  return n === 0 ? 1 : n;
}

/**
 * kg_new_connection: any failure of get_credentials (no TGT, an expired one, a KDC error, our own
 * expired ticket) is GSS_S_FAILURE with the Kerberos code; NO_CRED comes earlier, from acquire.
 */
function credentialError(e: unknown): GssError {
  if (!(e instanceof GssError)) return new GssError(GSS_S_FAILURE, 0, String(e), { cause: e });
  return new GssError(GSS_S_FAILURE, e.minor, e.message, { cause: e });
}

/**
 * The first token. Returns it and either the established record (no mutual authentication)
 * or what the AP-REP must be checked against.
 */
export async function initiatorFirstStep(
  side: InitiatorSide,
  req: InitiatorRequest,
): Promise<{ token: Uint8Array; pending: PendingInitiator; established: boolean }> {
  let flags =
    (req.reqFlags &
      (GSS_C_CONF_FLAG |
        GSS_C_INTEG_FLAG |
        GSS_C_MUTUAL_FLAG |
        GSS_C_REPLAY_FLAG |
        GSS_C_SEQUENCE_FLAG |
        GSS_C_DELEG_FLAG)) |
    GSS_C_TRANS_FLAG |
    GSS_C_CONF_FLAG |
    GSS_C_INTEG_FLAG;

  // One look at krb5.conf per step.
  const view = loadProfile();
  let cred: CachedCredential;
  try {
    cred = await getServiceCredential(side, req.target, view);
  } catch (e) {
    throw credentialError(e);
  }
  const nowMs = now();
  const nowSec = Math.floor(nowMs / 1000);
  // get_credentials: no clock-skew forgiveness for our own expired ticket.
  if (nowSec > cred.endtime) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5KRB_AP_ERR_TKT_EXPIRED, 'service ticket expired');
  }
  // Our own copy: delete() wipes it, and the ccache (MEMORY) may share the original.
  const sessionKey: Key = { enctype: cred.key.enctype, keyvalue: cred.key.keyvalue.slice() };
  let seq = initialSeqNumber();
  const subkey = randomKey(sessionKey.enctype);

  // Delegation failures do not fail the context: MIT just drops the flag.
  let krbCred: Uint8Array | undefined;
  if (flags & GSS_C_DELEG_FLAG) {
    try {
      const tgt = await getForwardedTgt(side);
      krbCred = makeKrbCred(tgt, sessionKey, seq, nowMs);
      seq = (seq + 1) >>> 0; // krb5_mk_ncred advances the auth context's sequence number
    } catch {
      flags &= ~GSS_C_DELEG_FLAG;
    }
  }

  const checksum = encodeGssChecksum({
    bindingsHash: channelBindingsHash(req.channelBindings),
    flags,
    krbCred,
  });
  const mutual = (flags & GSS_C_MUTUAL_FLAG) !== 0;
  const cusec = (nowMs % 1000) * 1000;
  const authorizationData = mutual
    ? etypeNegotiationAuthdata(view.defaultTgsEnctypes, sessionKey.enctype)
    : undefined;
  const authenticator = encodeAuthenticator({
    crealm: cred.client.realm,
    cname: cred.client,
    cksum: { cksumtype: CKSUMTYPE_KG_CB, checksum },
    cusec,
    ctime: nowSec,
    subkey,
    seqNumber: seq,
    authorizationData,
  });
  const { ticket, der: ticketDer } = ticketEncoding(cred.ticket);
  const apReq = encodeApReq({
    apOptions: mutual ? AP_OPTS_MUTUAL_REQUIRED : 0,
    ticket,
    ticketDer,
    // The cached credential's own key object: the crypto layer keeps its derived keys.
    authenticator: { etype: sessionKey.enctype, cipher: encrypt(cred.key, KU_AP_REQ_AUTH, authenticator) },
  });
  const token = wrapInitialContextToken(TOK_ID_AP_REQ, apReq);

  if (!mutual) flags |= GSS_C_PROT_READY_FLAG;
  const state: ContextState = {
    locallyInitiated: true,
    flags,
    initiatorName: cred.client,
    acceptorName: req.target,
    authTime: cred.authtime,
    endTime: cred.endtime,
    sessionKey,
    subkey,
    sendSeq: BigInt(seq),
    // Without an AP-REP the peer's sequence starts at ours (MIT: seq_recv = seq_send).
    recv: initSeqState(
      BigInt(seq),
      (flags & GSS_C_REPLAY_FLAG) !== 0,
      (flags & GSS_C_SEQUENCE_FLAG) !== 0,
      subkey.enctype !== ENCTYPE.ARCFOUR_HMAC,
    ),
  };
  return { token, pending: { state, ticketKey: cred.key, ctime: nowSec, cusec }, established: !mutual };
}

/** The AP-REP (or KRB-ERROR) token of the acceptor: MIT mutual_auth. */
export function initiatorSecondStep(pending: PendingInitiator, token: Uint8Array): ContextState {
  const header = verifyTokenHeader(token, KRB5_MECH_OID_BYTES, -1, true);
  if (!header.ok || header.body.length < 2)
    throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'bad context token header');
  const tokId = (header.body[0] << 8) | header.body[1];
  const body = header.body.subarray(2);
  if (tokId === TOK_ID_KRB_ERROR) {
    const err = decodeKrbError(body);
    const minor = err.errorCode ? (KRB5_ERR_BASE + err.errorCode) >>> 0 : 0;
    throw new GssError(GSS_S_FAILURE, minor, `acceptor error${err.eText ? `: ${err.eText}` : ''}`);
  }
  if (tokId !== TOK_ID_AP_REP) throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'not an AP-REP token');
  const s = pending.state;
  const apRep = decodeApRep(body);
  let plain: Uint8Array;
  try {
    plain = decrypt(pending.ticketKey, KU_AP_REP_ENC_PART, apRep.encPart.cipher);
  } catch (e) {
    const minor = e instanceof GssError ? e.minor : MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY;
    throw new GssError(GSS_S_FAILURE, minor, 'cannot decrypt AP-REP', { cause: e });
  }
  const enc = decodeEncApRepPart(plain);
  // krb5_rd_rep: the reply must echo our authenticator's time.
  if (enc.ctime !== pending.ctime || enc.cusec !== pending.cusec) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5_MUTUAL_FAILED, 'AP-REP does not match the authenticator');
  }
  // MIT mutual_auth: an RC4 (RFC 1964 token) context keeps the acceptor's subkey only when its
  // enctype differs from our subkey's; then the context's tokens are RFC 4121 ones.
  const rc4 = s.subkey.enctype === ENCTYPE.ARCFOUR_HMAC;
  const acceptorSubkey: Key | undefined =
    rc4 && enc.subkey?.enctype === ENCTYPE.ARCFOUR_HMAC ? undefined : enc.subkey;
  const wide = (acceptorSubkey ?? s.subkey).enctype !== ENCTYPE.ARCFOUR_HMAC;
  return {
    ...s,
    acceptorSubkey,
    recv: initSeqState(BigInt(enc.seqNumber ?? 0), s.recv.doReplay, s.recv.doSequence, wide),
  };
}
