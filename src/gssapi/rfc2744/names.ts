/**
 * RFC 2744 5.1-5.2, 5.10, 5.16, 5.18, 5.28: credentials and names. Argument checks and their
 * status codes follow MIT's mechglue (g_acquire_cred.c, g_rel_cred.c, g_imp_name.c,
 * g_dsp_name.c, g_compare_name.c, g_rel_name.c, g_export_name.c).
 */

import {
  GSS_S_BAD_MECH,
  GSS_S_BAD_NAME,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_CALL_INACCESSIBLE_WRITE,
  GSS_S_COMPLETE,
  GSS_S_FAILURE,
  GSS_S_NO_CRED,
} from '../../errors/status.js';
import { type AcquireOptions, Credentials, type CredentialUsage } from '../creds/creds.js';
import { GSS_C_NT_ANONYMOUS } from '../names/name-oids.js';
import { Name } from '../names/names.js';
import {
  bufferBytes,
  guard,
  guardAsync,
  isBuffer,
  type MinorBox,
  put,
  resetBuffer,
  setBuffer,
} from './guard.js';
import {
  type Box,
  GSS_C_ACCEPT,
  GSS_C_BOTH,
  GSS_C_INITIATE,
  GSS_MECH_KRB5_OID,
  GSS_MECH_SPNEGO_OID,
  type GssBuffer,
  type GssCredId,
  type GssName,
  type GssOid,
  type GssOidSet,
} from './types.js';

/** EINVAL, MIT's minor status for a bad cred_usage. */
const EINVAL = 22;

/** Our extension: where the credentials come from (MIT reads only the environment). */
export type AcquireCredExtension = Omit<AcquireOptions, 'usage' | 'name' | 'lifetime'>;

const USAGES: Record<number, CredentialUsage> = {
  [GSS_C_BOTH]: 'both',
  [GSS_C_INITIATE]: 'initiate',
  [GSS_C_ACCEPT]: 'accept',
};

/** The mechanisms a credential serves: Kerberos, and SPNEGO around it. */
export const MECHS: readonly string[] = Object.freeze([GSS_MECH_KRB5_OID, GSS_MECH_SPNEGO_OID]);

/**
 * True when a desired mechanism set allows Kerberos, directly or through SPNEGO (which wraps it)
 * (GSS_C_NO_OID_SET means the default).
 */
export function includesKrb5(mechs: GssOidSet | undefined): boolean {
  return (
    mechs === null ||
    mechs === undefined ||
    mechs.includes(GSS_MECH_KRB5_OID) ||
    mechs.includes(GSS_MECH_SPNEGO_OID)
  );
}

/**
 * gss_acquire_cred (RFC 2743 2.1.1; RFC 2744) for the krb5 mechanism: `credUsage` is GSS_C_BOTH,
 * GSS_C_INITIATE or GSS_C_ACCEPT; `extension` (ours) names the ccache, keytab, client keytab or
 * password as MIT's gss_acquire_cred_from does. Resolves to GSS_S_NO_CRED with the Kerberos reason
 * in `minor` when nothing usable is found.
 */
export function gss_acquire_cred(
  minor: MinorBox,
  desiredName: GssName,
  timeReq: number,
  desiredMechs: GssOidSet,
  credUsage: number,
  outputCredHandle: Box<GssCredId> | null,
  actualMechs: Box<GssOidSet> | null = null,
  timeRec: Box<number> | null = null,
  extension: AcquireCredExtension = {},
): Promise<number> {
  put(outputCredHandle, null);
  put(actualMechs, null);
  put(timeRec, 0);
  return guardAsync(minor, async (m) => {
    if (!outputCredHandle) return GSS_S_CALL_INACCESSIBLE_WRITE;
    const usage = USAGES[credUsage];
    if (usage === undefined) {
      m.value = EINVAL;
      return GSS_S_FAILURE;
    }
    if (!includesKrb5(desiredMechs)) return GSS_S_BAD_MECH;
    const cred = await Credentials.acquire({
      ...extension,
      usage,
      name: desiredName ?? undefined,
      lifetime: timeReq || undefined,
    });
    outputCredHandle.value = cred;
    put(
      actualMechs,
      MECHS.filter((o) => !desiredMechs || desiredMechs.includes(o)),
    );
    put(timeRec, cred.lifetime);
    return GSS_S_COMPLETE;
  });
}

/** The private caches of the credential are destroyed in the background (Credentials.release). */
export function gss_release_cred(minor: MinorBox, credHandle: Box<GssCredId> | null): number {
  return guard(minor, () => {
    if (!credHandle) return GSS_S_NO_CRED | GSS_S_CALL_INACCESSIBLE_READ;
    const cred = credHandle.value;
    if (cred === null) return GSS_S_COMPLETE;
    if (!(cred instanceof Credentials)) return GSS_S_NO_CRED | GSS_S_CALL_INACCESSIBLE_READ;
    credHandle.value = null;
    cred.release().catch(() => undefined);
    return GSS_S_COMPLETE;
  });
}

/**
 * gss_import_name (RFC 2743 2.4.5; RFC 2744): a `Name` from bytes and a name-type OID
 * (GSS_C_NT_HOSTBASED_SERVICE, GSS_KRB5_NT_PRINCIPAL_NAME, GSS_C_NT_EXPORT_NAME, ...).
 */
export function gss_import_name(
  minor: MinorBox,
  inputNameBuffer: GssBuffer,
  inputNameType: GssOid,
  outputName: Box<GssName> | null,
): number {
  put(outputName, null);
  return guard(minor, () => {
    if (!outputName) return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (!isBuffer(inputNameBuffer)) return GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME;
    const bytes = bufferBytes(inputNameBuffer);
    if (bytes.length === 0 && inputNameType !== GSS_C_NT_ANONYMOUS) return GSS_S_BAD_NAME;
    outputName.value = inputNameType === null ? Name.import(bytes) : Name.import(bytes, inputNameType);
    return GSS_S_COMPLETE;
  });
}

/**
 * gss_display_name (RFC 2743 2.4.4; RFC 2744): the name as text (`alice@REALM`) in
 * `outputNameBuffer` and its name type in `outputNameType`.
 */
export function gss_display_name(
  minor: MinorBox,
  inputName: GssName,
  outputNameBuffer: GssBuffer,
  outputNameType: Box<GssOid> | null = null,
): number {
  resetBuffer(outputNameBuffer);
  put(outputNameType, null);
  return guard(minor, () => {
    if (!outputNameBuffer) return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (!(inputName instanceof Name)) return GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME;
    setBuffer(outputNameBuffer, new TextEncoder().encode(inputName.toString()));
    put(outputNameType, inputName.displayType);
    return GSS_S_COMPLETE;
  });
}

/**
 * gss_compare_name (RFC 2743 2.4.3; RFC 2744): `nameEqual.value` is 1 when both names are the same
 * principal, else 0.
 */
export function gss_compare_name(
  minor: MinorBox,
  name1: GssName,
  name2: GssName,
  nameEqual: Box<number> | null,
): number {
  return guard(minor, () => {
    if (!(name1 instanceof Name) || !(name2 instanceof Name))
      return GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME;
    if (!nameEqual) return GSS_S_CALL_INACCESSIBLE_WRITE;
    nameEqual.value = name1.equals(name2) ? 1 : 0;
    return GSS_S_COMPLETE;
  });
}

/** gss_release_name (RFC 2743 2.4.6; RFC 2744): sets the handle to GSS_C_NO_NAME. */
export function gss_release_name(minor: MinorBox, inputName: Box<GssName> | null): number {
  return guard(minor, () => {
    if (!inputName) return GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME;
    inputName.value = null;
    return GSS_S_COMPLETE;
  });
}

/**
 * gss_export_name (RFC 2743 2.4.15; RFC 2744): the exported name token (RFC 2743 3.2, RFC 1964
 * 2.1.3) in `exportedName`.
 */
export function gss_export_name(minor: MinorBox, inputName: GssName, exportedName: GssBuffer): number {
  resetBuffer(exportedName);
  return guard(minor, () => {
    if (!exportedName) return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (!(inputName instanceof Name)) return GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME;
    setBuffer(exportedName, inputName.export());
    return GSS_S_COMPLETE;
  });
}
