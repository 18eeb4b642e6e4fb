/**
 * The acceptor's side of context establishment (RFC 4121 4.1, MIT accept_sec_context.c and
 * rd_req_dec.c): the AP-REQ checked in MIT's order (ticket, authenticator, client, addresses,
 * replay cache, ticket times, clock skew, invalid flag, enctype negotiation, 0x8003 checksum),
 * then an AP-REP with an acceptor subkey when mutual authentication was asked for. Failures
 * carry a KRB-ERROR token for the initiator when it expects a reply, as MIT sends one.
 */

import { derBytes } from '../../../../asn1/der-tree.js';
import {
  decrypt,
  ENCTYPE,
  encrypt,
  getProfile,
  randomBytes,
  randomKey,
  verifyChecksumOfType,
} from '../../../../crypto/index.js';
import type { Key } from '../../../../crypto/key.js';
import { KRB5_ERR_BASE, MINOR } from '../../../../errors/minor.js';
import { GSS_S_BAD_SIG, GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../../../../errors/status.js';
import type { CachedCredential } from '../../../../krb5/ccache/index.js';
import { AP_OPTS_MUTUAL_REQUIRED, TKT_FLG_INVALID } from '../../../../krb5/constants/flags.js';
import {
  KU_AP_REP_ENC_PART,
  KU_AP_REQ_AUTH,
  KU_AP_REQ_AUTH_CKSUM,
} from '../../../../krb5/constants/key-usages.js';
import { loadKeytab } from '../../../../krb5/keytab/cache.js';
import {
  type ApReq,
  apRepNode,
  decodeApReq,
  decodeAuthenticator,
  encodeEncApRepPart,
} from '../../../../krb5/messages/ap.js';
import { principal } from '../../../../krb5/messages/common.js';
import { encodeKrbError } from '../../../../krb5/messages/krb-error.js';
import type { Pac } from '../../../../krb5/pac/index.js';
import { type Principal, principalEquals } from '../../../../krb5/principal.js';
import { loadProfile } from '../../../../krb5/profile-view.js';
import { defaultReplayCache } from '../../../../krb5/rcache/default.js';
import { equalBytes } from '../../../../util/bytes.js';
import { now } from '../../../../util/clock.js';
import { type ChannelBindings, GSS_C_AF_INET } from '../../../bindings.js';
import {
  GSS_C_DELEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_PROT_READY_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
  GSS_C_TRANS_FLAG,
} from '../../../flags.js';
import {
  initialContextTokenNode,
  TOK_ID_AP_REP,
  TOK_ID_AP_REQ,
  TOK_ID_KRB_ERROR,
  verifyTokenHeader,
  wrapInitialContextToken,
} from '../../../token/framing.js';
import { KRB5_MECH_OID_BYTES, oidToBytes } from '../../../token/oid.js';
import type { ContextState } from '../context-state.js';
import { type AcceptorSide, acceptorMatcher } from '../cred-element.js';
import { initSeqState } from '../tokens/seqstate.js';
import { decryptTicket } from './accept-ticket.js';
import { channelBindingsHash } from './bindings.js';
import { CKSUMTYPE_KG_CB, parseGssChecksum } from './checksum.js';
import { readEtypeNegotiation } from './etype-negotiation.js';
import { readKrbCred } from './krb-cred.js';
import { ticketPac } from './pac-check.js';

/** Microsoft's mistaken krb5 OID, which MIT accepts (gss_mech_krb5_wrong). */
const KRB5_WRONG_OID_BYTES = oidToBytes('1.2.840.48018.1.2.2');

export interface AcceptResult {
  readonly state: ContextState;
  /** The AP-REP token (mutual authentication), else undefined. */
  readonly output: Uint8Array | undefined;
  /** The forwarded TGT the initiator delegated, if any. */
  readonly delegated: CachedCredential | undefined;
  /** The ticket's PAC, verified (./pac-check.ts), when it has one. */
  readonly pac: Pac | undefined;
}

/** The KRB-ERROR token MIT would send with a failure, keyed by the thrown error. */
export const errorTokens = new WeakMap<GssError, Uint8Array>();

function krb5Fail(minor: number, message: string): GssError {
  return new GssError(GSS_S_FAILURE, minor, message);
}

/** parse_init_token with MIT's outcomes for a bad header, another token type or mechanism. */
function unframe(token: Uint8Array): { apReqBytes: Uint8Array; mech: Uint8Array } {
  for (const mech of [KRB5_MECH_OID_BYTES, KRB5_WRONG_OID_BYTES]) {
    const r = verifyTokenHeader(token, mech, TOK_ID_AP_REQ, true);
    if (r.ok) return { apReqBytes: r.body, mech };
    if (r.minor === MINOR.G_WRONG_MECH) continue;
    if (r.minor === MINOR.G_WRONG_TOKID) {
      // MIT answers CONTINUE_NEEDED with KRB5KRB_AP_ERR_MSG_TYPE and no context; we fail.
      throw new GssError(GSS_S_DEFECTIVE_TOKEN, MINOR.KRB5KRB_AP_ERR_MSG_TYPE, 'not an AP-REQ token');
    }
    // A bare AP-REQ is DCE style, which MIT accepts only with GSS_C_DCE_STYLE: unsupported here.
    decodeApReq(token);
    throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'AP-REQ without the RFC 2743 framing (DCE style)');
  }
  throw new GssError(GSS_S_DEFECTIVE_TOKEN, MINOR.G_WRONG_MECH, 'token of another mechanism');
}

/** MIT's error token: KRB-ERROR with the krb5 error number (60 KRB_ERR_GENERIC otherwise). */
function makeErrorToken(minor: number, server: Principal, mech: Uint8Array): Uint8Array {
  let code = (minor - KRB5_ERR_BASE) | 0;
  if (code < 0 || code > 127) code = 60;
  const t = now();
  const krbError = encodeKrbError({
    stime: Math.floor(t / 1000),
    susec: (t % 1000) * 1000,
    errorCode: code,
    realm: server.realm,
    sname: server,
  });
  return wrapInitialContextToken(TOK_ID_KRB_ERROR, krbError, mech);
}

export async function acceptorStep(
  side: AcceptorSide,
  token: Uint8Array,
  channelBindings: ChannelBindings | undefined,
): Promise<AcceptResult> {
  const { apReqBytes, mech } = unframe(token);
  const apReq = decodeApReq(apReqBytes);
  let flagsSoFar = 0;
  let ticketServer = principal(apReq.ticket.sname, apReq.ticket.realm);
  try {
    return await acceptApReq(side, apReq, channelBindings, mech, (f, s) => {
      flagsSoFar = f;
      ticketServer = s;
    });
  } catch (e) {
    const err = e instanceof GssError ? e : new GssError(GSS_S_FAILURE, 0, String(e), { cause: e });
    // The initiator waits for a reply when it asked for mutual authentication.
    if (flagsSoFar & GSS_C_MUTUAL_FLAG || apReq.apOptions & AP_OPTS_MUTUAL_REQUIRED) {
      const token = makeErrorToken(err.minor, ticketServer, mech);
      errorTokens.set(err, token);
      // Also on the error itself, as `outputToken` (what gss_accept_sec_context returns with it).
      Object.defineProperty(err, 'outputToken', { value: token, enumerable: false });
    }
    throw err;
  }
}

async function acceptApReq(
  side: AcceptorSide,
  apReq: ApReq,
  cb: ChannelBindings | undefined,
  mech: Uint8Array,
  progress: (flags: number, server: Principal) => void,
): Promise<AcceptResult> {
  const profile = loadProfile();
  const skewMs = profile.clockSkew * 1000;
  const keytab = await loadKeytab(side.keytabName).catch((e: unknown) => {
    throw krb5Fail(MINOR.KRB5KRB_AP_ERR_NOKEY, `keytab unreadable: ${(e as Error).message}`);
  });
  const name = side.name;
  const explicit = name && name.service === undefined ? name.principal : undefined;
  const {
    encPart: tkt,
    server,
    key: serviceKey,
  } = decryptTicket(
    keytab,
    apReq.ticket,
    explicit,
    name ? acceptorMatcher(name) : () => true,
    profile.permittedEnctypes,
  );
  progress(0, server);

  const sessionKey = tkt.key;
  let authPlain: Uint8Array;
  try {
    authPlain = decrypt(sessionKey, KU_AP_REQ_AUTH, apReq.authenticator.cipher);
  } catch {
    throw krb5Fail(MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, 'cannot decrypt the authenticator');
  }
  const auth = decodeAuthenticator(authPlain);
  const client = principal(auth.cname, auth.crealm);
  if (!principalEquals(client, principal(tkt.cname, tkt.crealm))) {
    throw krb5Fail(MINOR.KRB5KRB_AP_ERR_BADMATCH, 'authenticator client does not match the ticket');
  }
  // MIT takes an INET initiator address of the channel bindings as the sender's address.
  if (cb?.initiatorAddrType === GSS_C_AF_INET && cb.initiatorAddress && tkt.caddr) {
    const addr = cb.initiatorAddress;
    if (!tkt.caddr.some((a) => a.addrType === GSS_C_AF_INET && equalBytes(a.address, addr))) {
      throw krb5Fail(MINOR.KRB5KRB_AP_ERR_BADADDR, 'initiator address not in the ticket');
    }
  }
  const nowMs = now();
  const rc = side.replayCache ?? defaultReplayCache(profile);
  const cipher = apReq.authenticator.cipher;
  const tag = cipher.subarray(Math.max(0, cipher.length - getProfile(apReq.authenticator.etype).macBytes));
  // A shared cache answers with a promise; the in-memory one with a boolean, which is used as
  // it is rather than awaited (an await costs the accept a turn of the microtask queue).
  const fresh = rc.checkAndStore(tag, nowMs + skewMs, nowMs);
  if (!(typeof fresh === 'boolean' ? fresh : await fresh)) {
    throw krb5Fail(MINOR.KRB5KRB_AP_ERR_REPEAT, 'Request is a replay');
  }
  const nowSec = Math.floor(nowMs / 1000);
  const start = tkt.starttime || tkt.authtime;
  if (start > nowSec + profile.clockSkew)
    throw krb5Fail(MINOR.KRB5KRB_AP_ERR_TKT_NYV, 'Ticket not yet valid');
  if (nowSec > tkt.endtime + profile.clockSkew)
    throw krb5Fail(MINOR.KRB5KRB_AP_ERR_TKT_EXPIRED, 'Ticket expired');
  if (Math.abs(auth.ctime - nowSec) > profile.clockSkew)
    throw krb5Fail(MINOR.KRB5KRB_AP_ERR_SKEW, 'Clock skew too great');
  if (tkt.flags & TKT_FLG_INVALID)
    throw krb5Fail(MINOR.KRB5KRB_AP_ERR_TKT_INVALID, 'Ticket has invalid flag set');
  const pac = ticketPac(tkt, serviceKey);

  // negotiate_etype: the subkey and session enctypes must be permitted; the acceptor's
  // preference order picks among them and the initiator's RFC 4537 list.
  const offered = readEtypeNegotiation(auth.authorizationData);
  const mandatory = [...(auth.subkey ? [auth.subkey.enctype] : []), sessionKey.enctype];
  const permitted = profile.permittedEnctypes;
  if (mandatory.some((e) => !permitted.includes(e))) {
    throw krb5Fail(MINOR.KRB5_NOPERM_ETYPE, 'Encryption type not permitted');
  }
  const desired = [...offered, ...mandatory];
  const negotiated = permitted.find((e) => desired.includes(e)) ?? sessionKey.enctype;

  // process_checksum
  let flags: number;
  let delegated: CachedCredential | undefined;
  const cksum = auth.cksum;
  if (!cksum) {
    flags = 0;
  } else if (cksum.cksumtype !== CKSUMTYPE_KG_CB) {
    // Samba sends a plain checksum over nothing: MIT verifies it and guesses the flags.
    let valid = false;
    try {
      valid = verifyChecksumOfType(
        cksum.cksumtype,
        sessionKey,
        KU_AP_REQ_AUTH_CKSUM,
        new Uint8Array(0),
        cksum.checksum,
      );
    } catch {
      valid = false;
    }
    if (!valid) throw new GssError(GSS_S_BAD_SIG, 0, 'bad authenticator checksum');
    flags =
      GSS_C_REPLAY_FLAG |
      GSS_C_SEQUENCE_FLAG |
      (apReq.apOptions & AP_OPTS_MUTUAL_REQUIRED ? GSS_C_MUTUAL_FLAG : 0);
  } else {
    const parsed = parseGssChecksum(cksum.checksum, cb ? channelBindingsHash(cb) : undefined);
    flags = parsed.flags;
    progress(flags, server);
    if (parsed.krbCred) {
      const keys = [...(auth.subkey ? [auth.subkey] : []), sessionKey];
      delegated = readKrbCred(parsed.krbCred, keys)[0];
      flags |= GSS_C_DELEG_FLAG;
    }
  }
  flags |= GSS_C_TRANS_FLAG;

  const seqRecv = auth.seqNumber ?? 0;
  // The context's own copy of the session key (deleting the context wipes it): `tkt.key` may be
  // shared with ./ticket-cache.ts and later AP-REQs carrying the same ticket.
  const ownSessionKey: Key = { enctype: sessionKey.enctype, keyvalue: sessionKey.keyvalue.slice() };
  const subkey = auth.subkey ?? ownSessionKey;
  // RFC 4757 7 / MIT kg_setup_keys: an arcfour-hmac key means RFC 1964 tokens (MIT's proto 0),
  // 32-bit sequence numbers and no acceptor subkey (MIT generates one only for proto 1).
  const rc4 = subkey.enctype === ENCTYPE.ARCFOUR_HMAC;
  const base: ContextState = {
    locallyInitiated: false,
    flags,
    initiatorName: client,
    acceptorName: server,
    authTime: tkt.authtime,
    endTime: tkt.endtime,
    sessionKey: ownSessionKey,
    subkey,
    sendSeq: BigInt(seqRecv),
    recv: initSeqState(
      BigInt(seqRecv),
      (flags & GSS_C_REPLAY_FLAG) !== 0,
      (flags & GSS_C_SEQUENCE_FLAG) !== 0,
      !rc4,
    ),
  };
  if (!(flags & GSS_C_MUTUAL_FLAG)) return { state: base, output: undefined, delegated, pac };

  // MIT generates an acceptor subkey for every CFX enctype, of the negotiated type.
  const acceptorSubkey = rc4 ? undefined : randomKey(negotiated);
  const b = randomBytes(4);
  let seqSend = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) & 0x3fffffff;
  if (seqSend === 0) seqSend = 1;
  const encApRepPart = encodeEncApRepPart({
    ctime: auth.ctime,
    cusec: auth.cusec,
    subkey: acceptorSubkey,
    seqNumber: seqSend,
  });
  // Framed as it is encoded: the AP-REP is written once, straight into the token.
  const apRep = apRepNode({
    encPart: { etype: sessionKey.enctype, cipher: encrypt(sessionKey, KU_AP_REP_ENC_PART, encApRepPart) },
  });
  return {
    state: { ...base, flags: flags | GSS_C_PROT_READY_FLAG, acceptorSubkey, sendSeq: BigInt(seqSend) },
    output: derBytes(initialContextTokenNode(TOK_ID_AP_REP, apRep, mech)),
    delegated,
    pac,
  };
}
