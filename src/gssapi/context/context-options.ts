/**
 * What the SecurityContext handle derives from its options (the GSS_C_* flags asked for, the
 * SPNEGO mechanism list), and the key hygiene of its records: small helpers kept out of the
 * handle's state machine.
 */
import { forgetDerivedKeys } from '../../crypto/index.js';
import { redactKey } from '../../crypto/redact.js';
import {
  GSS_C_CONF_FLAG,
  GSS_C_DELEG_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
} from '../flags.js';
import type { ContextState } from '../mech/krb5/context-state.js';
import { KRB5_MECH_OID_BYTES, oidToBytes } from '../token/oid.js';

export interface FlagOptions {
  mutual?: boolean;
  replayDetection?: boolean;
  sequence?: boolean;
  confidentiality?: boolean;
  integrity?: boolean;
  delegate?: boolean;
}

/** The req_flags of gss_init_sec_context from the idiomatic booleans (and their defaults). */
export function requestedFlags(o: FlagOptions): number {
  return (
    (o.mutual !== false ? GSS_C_MUTUAL_FLAG : 0) |
    (o.replayDetection !== false ? GSS_C_REPLAY_FLAG : 0) |
    (o.sequence ? GSS_C_SEQUENCE_FLAG : 0) |
    (o.confidentiality !== false ? GSS_C_CONF_FLAG : 0) |
    (o.integrity !== false ? GSS_C_INTEG_FLAG : 0) |
    (o.delegate ? GSS_C_DELEG_FLAG : 0)
  );
}

/** The SPNEGO mechanism list: the given OID texts, or Kerberos alone (what MIT and curl offer). */
export function spnegoMechTypes(oids: readonly string[] | undefined): Uint8Array[] {
  if (oids === undefined || oids.length === 0) return [KRB5_MECH_OID_BYTES];
  return oids.map((o) => oidToBytes(o));
}

/** The record's keys print as '[redacted]' under util.inspect and JSON (docs/security.md). */
export function redactKeys(s: ContextState): void {
  for (const k of [s.sessionKey, s.subkey, s.acceptorSubkey]) if (k) redactKey(k);
}

export function wipeKeys(s: ContextState): void {
  for (const k of [s.sessionKey, s.subkey, s.acceptorSubkey]) {
    if (!k) continue;
    forgetDerivedKeys(k);
    k.keyvalue.fill(0);
  }
}
