/** Kerberos-level decode checks (pvno, msg-type) with MIT's minor codes. */
import { MINOR } from '../../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../errors/status.js';
import { KRB5_PVNO } from '../constants/message-types.js';

/** MIT's decoders reject any pvno (and tkt-vno, authenticator-vno) but 5: KRB5KDC_ERR_BAD_PVNO. */
export function checkPvno(pvno: number, what: string): void {
  if (pvno !== KRB5_PVNO) {
    throw new GssError(
      GSS_S_DEFECTIVE_TOKEN,
      MINOR.KRB5KDC_ERR_BAD_PVNO,
      `${what}: protocol version ${pvno}`,
    );
  }
}

/** A msg-type field that disagrees with the APPLICATION tag: MIT's KRB5_BADMSGTYPE. */
export function checkMsgType(msgType: number, allowed: readonly number[], what: string): void {
  if (!allowed.includes(msgType)) {
    throw new GssError(GSS_S_DEFECTIVE_TOKEN, MINOR.KRB5_BADMSGTYPE, `${what}: message type ${msgType}`);
  }
}
