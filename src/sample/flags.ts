import {
  GSS_C_CONF_FLAG,
  GSS_C_DELEG_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
} from '../gssapi/flags.js';

/** MIT gss-misc.c display_ctx_flags, with its trailing spaces on CONF and INTEG. */
export function displayContextFlags(flags: number): string[] {
  const out: string[] = [];
  if (flags & GSS_C_DELEG_FLAG) out.push('context flag: GSS_C_DELEG_FLAG');
  if (flags & GSS_C_MUTUAL_FLAG) out.push('context flag: GSS_C_MUTUAL_FLAG');
  if (flags & GSS_C_REPLAY_FLAG) out.push('context flag: GSS_C_REPLAY_FLAG');
  if (flags & GSS_C_SEQUENCE_FLAG) out.push('context flag: GSS_C_SEQUENCE_FLAG');
  if (flags & GSS_C_CONF_FLAG) out.push('context flag: GSS_C_CONF_FLAG ');
  if (flags & GSS_C_INTEG_FLAG) out.push('context flag: GSS_C_INTEG_FLAG ');
  return out;
}
