/**
 * Accepting for bench/fleet.ts and bench/fleet-child.ts, and the CPU accounting of the processes
 * an accept costs besides ours: the file cache's lock helper (perl, our child) and redis-server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { SecurityContext } from '../src/gssapi/context/context.js';
import type { Credentials } from '../src/gssapi/creds/creds.js';

/**
 * Accepts each AP-REQ once, `concurrency` accepts in flight; the number accepted. Each lane
 * yields to the event loop (setImmediate) after each accept, as a server's accepts come from
 * separate socket reads: a turn of the loop then holds at most `concurrency` accepts, which is
 * what the file cache's lock and the Redis cache's batches are shared by. The same for every
 * cache, memory included, so that the comparison does not favour the batching ones.
 */
export async function acceptAll(
  tokens: readonly Uint8Array[],
  credentials: Credentials,
  concurrency: number,
): Promise<number> {
  let next = 0;
  let accepted = 0;
  const lane = async () => {
    while (next < tokens.length) {
      const t = tokens[next++];
      const acc = SecurityContext.accept({ credentials });
      await acc.step(t);
      acc.delete();
      accepted++;
      await new Promise((r) => setImmediate(r));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, lane));
  return accepted;
}

/** CPU seconds a process has run (/proc/PID/schedstat: nanoseconds on a CPU); 0 when gone. */
export function processCpu(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ')[0]) / 1e9;
  } catch {
    return 0;
  }
}

/** Our children running `argv0` (the lock helpers are `perl`). */
export function childPids(argv0: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${d}/cmdline`, 'latin1').split('\0')[0] === argv0) out.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
