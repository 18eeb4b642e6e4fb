/**
 * Drives a python3-gssapi script (MIT krb5) as a GSS peer: one JSON request per line on its stdin,
 * one JSON answer per line on its stdout. context-peer.py by default; export-peer.ts passes its own.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MIT_BIN, track } from '../harness/realm.js';

export interface PeerError {
  major: number;
  minor: number;
  message: string;
}
export type PeerAnswer = Record<string, unknown> & { error?: PeerError };

export interface MitPeer {
  call(req: Record<string, unknown>): Promise<PeerAnswer>;
  /** As call, but throws when the peer reports an error. */
  ok(req: Record<string, unknown>): Promise<PeerAnswer>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./context-peer.py', import.meta.url));

export function startMitPeer(env: NodeJS.ProcessEnv, script: string = SCRIPT): MitPeer {
  const child = track(spawn(MIT_BIN.python3, [script], { env, stdio: ['pipe', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const call = (req: Record<string, unknown>): Promise<PeerAnswer> =>
    new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`MIT peer exited: ${stderr}`));
      child.once('exit', onExit);
      waiting.push((l) => {
        child.off('exit', onExit);
        resolve(JSON.parse(l) as PeerAnswer);
      });
      child.stdin!.write(`${JSON.stringify(req)}\n`);
    });
  return {
    call,
    async ok(req) {
      const a = await call(req);
      if (a.error)
        throw new Error(
          `MIT peer ${String(req.op)}: ${a.error.message} (major ${a.error.major}, minor ${a.error.minor})`,
        );
      return a;
    },
    async close() {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}
