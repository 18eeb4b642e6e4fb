/**
 * gss-ntlmssp (Debian's NTLMSSP mechanism plugin for MIT krb5) loaded into MIT's mechglue for
 * one process tree only: a private GSS_MECH_CONFIG file naming the plugin, and an NTLM_USER_FILE
 * with a throwaway NTLM credential, so that MIT's SPNEGO initiator has a second mechanism it can
 * put before Kerberos (what a Windows machine outside the domain does). Nothing under /etc/gss
 * changes: .ci/run unpacks the package into GSS_NTLMSSP_DIR (default /opt/gss-ntlmssp) without
 * installing it, as it does Heimdal's binaries; an installed package is used too.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PLUGIN = 'usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so';

/** NTLMSSP's mechanism OID (MS-NLMP), the OID browsers and Windows list in SPNEGO. */
export const NTLMSSP_OID = '1.3.6.1.4.1.311.2.2.10';

/** The plugin's path: unpacked by .ci/run, or installed by dpkg; undefined when absent. */
export function ntlmsspPlugin(): string | undefined {
  const roots = [process.env.GSS_NTLMSSP_DIR ?? '/opt/gss-ntlmssp', '/'];
  return roots.map((r) => join(r, PLUGIN)).find((p) => existsSync(p));
}

export interface NtlmsspEnv {
  /** GSS_MECH_CONFIG and NTLM_USER_FILE, to add to an MIT process's environment. */
  readonly env: Record<string, string>;
  remove(): void;
}

/** A mechanism config naming the plugin, and an NTLM credential for `user` (any password). */
export function ntlmsspEnv(plugin: string, user: string): NtlmsspEnv {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-ntlmssp-'));
  const conf = join(dir, 'mech.conf');
  const users = join(dir, 'ntlm-users');
  // MIT's mech file format: name, OID, shared library (gss_mech_initialize, /etc/gss/mech).
  writeFileSync(conf, `gssntlmssp_v1 ${NTLMSSP_OID} ${plugin}\n`);
  // gss-ntlmssp's user file: DOMAIN:USER:PASSWORD, read for the default initiator credential.
  writeFileSync(users, `TEST:${user}:not-a-real-password\n`, { mode: 0o600 });
  return {
    env: { GSS_MECH_CONFIG: conf, NTLM_USER_FILE: users },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
