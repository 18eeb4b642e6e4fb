/** Spawns test/unit/export-child.ts in a separate Node process and talks JSON lines to it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type ChildAnswer = Record<string, unknown> & { major?: number; minor?: number };

export interface ImportingChild {
  readonly pid: number;
  call(req: Record<string, unknown>): Promise<ChildAnswer>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./export-child.ts', import.meta.url));
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export function startImportingChild(env: NodeJS.ProcessEnv = process.env): ImportingChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => waiting.shift()?.(l));
  return {
    pid: child.pid ?? -1,
    call: (req) =>
      new Promise((resolve, reject) => {
        const onExit = () => reject(new Error(`importing child exited: ${stderr}`));
        child.once('exit', onExit);
        waiting.push((l) => {
          child.off('exit', onExit);
          const a = JSON.parse(l) as ChildAnswer;
          if (a.escaped) reject(new Error(`exception escaped the facade: ${String(a.escaped)}`));
          else resolve(a);
        });
        child.stdin!.write(`${JSON.stringify(req)}\n`);
      }),
    async close() {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      children.delete(child);
    },
  };
}
