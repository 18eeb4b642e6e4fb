/**
 * Request dispatch, as MIT's dispatch.c: the first octet says TGS-REQ ([APPLICATION 12]) or
 * AS-REQ ([APPLICATION 10]); anything else, or a request that does not decode, is dropped without
 * an answer (MIT answers only what it can decode). Refusals become KRB-ERRORs with MIT's fields:
 * stime/susec, the request's client and server names, the status as e-text, METHOD-DATA as e-data.
 * Over UDP a reply larger than the datagram limit becomes KRB_ERR_RESPONSE_TOO_BIG, so the client
 * retries over TCP.
 */
import { KRB_ERR_FIELD_TOOLONG, KRB_ERR_GENERIC, KRB_ERR_RESPONSE_TOO_BIG } from '../constants/index.js';
import { encodeMethodData, type PrincipalName } from '../messages/common.js';
import { processAsReq } from './as.js';
import type { KdcContext } from './context.js';
import { KdcRefusal } from './errors.js';
import type { KdcHandler, Transport } from './net.js';
import { processTgsReq, type TgsHeader } from './tgs.js';
import { decodeAsReq, decodeTgsReq, encodeKrbError, type KdcReq } from './wire.js';

const TAG_AS_REQ = 0x6a;
const TAG_TGS_REQ = 0x6c;

/** MIT's MAX_DGRAM_SIZE, the default kdc_max_dgram_reply_size. */
export const MAX_DGRAM_REPLY_SIZE = 65536;

export interface ServiceOptions {
  /** MIT kdc.conf kdc_max_dgram_reply_size. */
  readonly maxDgramReplySize?: number;
  /** One line per request, MIT-log style; never keys. */
  readonly log?: (line: string) => void;
}

export function kdcHandler(ctx: KdcContext, opts: ServiceOptions = {}): KdcHandler {
  const maxDgram = opts.maxDgramReplySize ?? MAX_DGRAM_REPLY_SIZE;
  const tgsName = { nameType: ctx.tgsPrincipal.nameType, components: ctx.tgsPrincipal.components };
  return {
    handle(request: Uint8Array, transport: Transport): Uint8Array | undefined {
      const reply = dispatch(ctx, request, opts.log);
      if (reply && transport === 'udp' && reply.length > maxDgram) {
        return errorReply(ctx, KRB_ERR_RESPONSE_TOO_BIG, ctx.realm, tgsName);
      }
      return reply;
    },
    tooLong(): Uint8Array {
      return errorReply(ctx, KRB_ERR_FIELD_TOOLONG, ctx.realm, tgsName);
    },
  };
}

function dispatch(
  ctx: KdcContext,
  request: Uint8Array,
  log?: (line: string) => void,
): Uint8Array | undefined {
  const isTgs = request[0] === TAG_TGS_REQ;
  if (!isTgs && request[0] !== TAG_AS_REQ) return undefined;
  let req: KdcReq;
  try {
    req = isTgs ? decodeTgsReq(request) : decodeAsReq(request);
  } catch {
    return undefined;
  }
  // MIT's setup_server_realm: a request for a realm this KDC does not serve gets no answer.
  if (req.reqBody.realm !== ctx.realm) return undefined;
  const kind = isTgs ? 'TGS_REQ' : 'AS_REQ';
  const seen: TgsHeader = {};
  try {
    const reply = isTgs ? processTgsReq(ctx, req, seen) : processAsReq(ctx, req);
    log?.(`${kind} ${describe(req, seen)}: ISSUE`);
    return reply;
  } catch (err) {
    const refusal = err instanceof KdcRefusal ? err : new KdcRefusal(KRB_ERR_GENERIC, 'UNKNOWN_REASON');
    log?.(`${kind} ${describe(req, seen)}: ${refusal.status} (error ${refusal.errorCode})`);
    const body = req.reqBody;
    // AS errors name the request's client; TGS errors the header ticket's (prepare_error_tgs).
    const client = isTgs
      ? seen.header && { crealm: seen.header.crealm, cname: seen.header.cname }
      : body.cname && { crealm: refusal.crealm ?? body.realm, cname: body.cname };
    return errorReply(
      ctx,
      refusal.errorCode,
      body.realm,
      body.sname ?? { nameType: 0, components: [] },
      client,
      refusal.status,
      refusal.eData && encodeMethodData(refusal.eData),
    );
  }
}

function errorReply(
  ctx: KdcContext,
  errorCode: number,
  realm: string,
  sname: PrincipalName,
  client?: { crealm: string; cname: PrincipalName },
  eText?: string,
  eData?: Uint8Array,
): Uint8Array {
  return encodeKrbError({
    stime: ctx.nowSeconds(),
    susec: ctx.nowMicros(),
    errorCode,
    crealm: client?.crealm,
    cname: client?.cname,
    realm,
    sname,
    eText: eText || undefined,
    eData,
  });
}

/** KDCOptions bit names (RFC 4120 5.4.1), for log lines. */
const OPTION_NAMES: readonly [number, string][] = [
  [1, 'forwardable'],
  [2, 'forwarded'],
  [3, 'proxiable'],
  [4, 'proxy'],
  [5, 'allow-postdate'],
  [6, 'postdated'],
  [8, 'renewable'],
  [15, 'canonicalize'],
  [27, 'renewable-ok'],
  [28, 'enc-tkt-in-skey'],
  [30, 'renew'],
  [31, 'validate'],
];

function describe(req: KdcReq, seen: TgsHeader): string {
  const b = req.reqBody;
  const opts = OPTION_NAMES.filter(([bit]) => (b.kdcOptions >>> (31 - bit)) & 1).map(([, n]) => n);
  const name = (n: PrincipalName | undefined, r: string): string =>
    n ? `${n.components.join('/')}@${r}` : '<none>';
  const c = seen.header ? name(seen.header.cname, seen.header.crealm) : name(b.cname, b.realm);
  return `${c} for ${name(b.sname, b.realm)} [${opts.join(',')}] etypes {${b.etype.join(' ')}}`;
}
