/** Drives test/interop/export-peer.py (MIT krb5 through python3-gssapi) for the export tests. */
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

export interface ExportPeer {
  call(req: Record<string, unknown>): Promise<PeerAnswer>;
  /** As call, but throws when MIT reports an error. */
  ok(req: Record<string, unknown>): Promise<PeerAnswer>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./export-peer.py', import.meta.url));

export function startExportPeer(env: NodeJS.ProcessEnv): ExportPeer {
  const child = track(spawn(MIT_BIN.python3, [SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => waiting.shift()?.(l));
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
      if (a.error) throw new Error(`MIT ${String(req.op)}: ${a.error.message} (major ${a.error.major})`);
      return a;
    },
    async close() {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}
