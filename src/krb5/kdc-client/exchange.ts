/**
 * One request/reply round with a realm's KDCs: the reply is either a KDC-REP of the expected
 * kind or a KRB-ERROR (RFC 4120 5.9.1), told apart by the APPLICATION tag.
 */
import { minorMessage } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
import { KRB_ERROR } from '../constants/message-types.js';
import { decodeKrbError, type KrbError } from '../messages/krb-error.js';
import { trace } from '../trace.js';
import { kdcErrorMinor, krb5Error, traceCode } from './errors.js';
import type { KdcTransport } from './transport.js';

export type KdcAnswer = { readonly error: KrbError } | { readonly reply: Uint8Array };

/** APPLICATION 30, constructed: 0x7e. */
const KRB_ERROR_ID = 0x60 | KRB_ERROR;

export async function exchange(
  transport: KdcTransport,
  realm: string,
  request: Uint8Array,
): Promise<KdcAnswer> {
  const reply = await transport(realm, request);
  if (reply.length > 0 && reply[0] === KRB_ERROR_ID) {
    let error: KrbError;
    try {
      error = decodeKrbError(reply);
    } catch (e) {
      throw krb5Error('KRB5_KDCREP_MODIFIED', 'KDC sent an undecodable KRB-ERROR', e);
    }
    trace(`Received error from KDC: ${traceCode(kdcErrorMinor(error.errorCode))}`);
    return { error };
  }
  return { reply };
}

/**
 * A KRB-ERROR as MIT reports it: GSS_S_FAILURE, minor ERROR_TABLE_BASE_krb5 + error-code, and
 * MIT's message unless the caller words it better (as MIT does for an unknown client).
 */
export function kdcError(error: KrbError, message?: string): GssError {
  const minor = kdcErrorMinor(error.errorCode);
  return new GssError(GSS_S_FAILURE, minor, message ?? minorMessage(minor));
}
