/** Drives test/interop/export-peer.py (MIT krb5 through python3-gssapi) for the export tests. */
import { fileURLToPath } from 'node:url';
import { type MitPeer, startMitPeer } from './context-peer.js';

export type { PeerAnswer, PeerError } from './context-peer.js';
export type ExportPeer = MitPeer;

const SCRIPT = fileURLToPath(new URL('./export-peer.py', import.meta.url));

export function startExportPeer(env: NodeJS.ProcessEnv): ExportPeer {
  return startMitPeer(env, SCRIPT);
}
