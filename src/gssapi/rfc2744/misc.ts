/**
 * RFC 2744 5.11, 5.27, 5.26: status display, buffer release, mechanism list. Checks as MIT's
 * g_dsp_status.c, g_rel_buffer.c and g_initialize.c.
 */
import {
  displayStatus,
  GSS_S_BAD_MECH,
  GSS_S_BAD_STATUS,
  GSS_S_CALL_INACCESSIBLE_WRITE,
  GSS_S_COMPLETE,
} from '../../errors/status.js';
import { guard, type MinorBox, resetBuffer, setBuffer } from './guard.js';
import { includesKrb5, MECHS } from './names.js';
import {
  type Box,
  GSS_C_GSS_CODE,
  GSS_C_MECH_CODE,
  type GssBuffer,
  type GssOid,
  type GssOidSet,
} from './types.js';

/**
 * gss_display_status (RFC 2743 2.4.1; RFC 2744): one message for a major (GSS_C_GSS_CODE) or minor
 * (GSS_C_MECH_CODE) status in `statusString`, MIT's wording; call again while
 * `messageContext.value` is not 0.
 */
export function gss_display_status(
  minor: MinorBox,
  statusValue: number,
  statusType: number,
  mechType: GssOid,
  messageContext: Box<number> | null,
  statusString: GssBuffer,
): number {
  resetBuffer(statusString);
  return guard(minor, () => {
    if (!messageContext || !statusString) return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (statusType !== GSS_C_GSS_CODE && statusType !== GSS_C_MECH_CODE) return GSS_S_BAD_STATUS;
    if (statusType === GSS_C_MECH_CODE && mechType !== null && !includesKrb5([mechType]))
      return GSS_S_BAD_MECH;
    const type = statusType === GSS_C_GSS_CODE ? 'gss' : 'mech';
    const r = displayStatus(statusValue, type, messageContext.value);
    setBuffer(statusString, new TextEncoder().encode(r.message));
    messageContext.value = r.messageContext;
    return GSS_S_COMPLETE;
  });
}

/**
 * RFC 2744 5.27: the bytes are overwritten with zeros before the buffer is emptied, as the seed
 * page asks of interprocess tokens (they hold keys).
 */
export function gss_release_buffer(minor: MinorBox, buffer: GssBuffer): number {
  if (minor) minor.value = 0;
  if (buffer === null || buffer === undefined) return GSS_S_COMPLETE;
  if (buffer.value instanceof Uint8Array) buffer.value.fill(0);
  resetBuffer(buffer);
  return GSS_S_COMPLETE;
}

/**
 * gss_indicate_mechs (RFC 2743 2.4.2; RFC 2744): the supported mechanisms in `mechSet`, the krb5
 * OID only.
 */
export function gss_indicate_mechs(minor: MinorBox, mechSet: Box<GssOidSet> | null): number {
  if (mechSet) mechSet.value = null;
  return guard(minor, () => {
    if (!mechSet) return GSS_S_CALL_INACCESSIBLE_WRITE;
    mechSet.value = MECHS;
    return GSS_S_COMPLETE;
  });
}
