/**
 * A throwaway redis-server (Debian's redis-server package) on 127.0.0.1 for the fleet tests: its
 * own temp dir (config, append-only file, log), a free port, the process stopped by pid. With
 * `durable` (the default) it runs as docs/fleet.md asks of a replay cache: no RDB snapshots, the
 * append-only file fsync'ed on every write (appendfsync always), so an acknowledged SET survives
 * kill -9. `kill()` is that crash; `start()` brings the server back on the same port and files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';
import { track } from './realm.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** The `skip` option for Redis suites: skip only when redis-server is absent and CI is unset. */
export function redisSkip(): string | false {
  if (existsSync(REDIS_SERVER) || process.env.CI) return false;
  return 'redis-server is not installed (apt-get install redis-server)';
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** The running server's pid, undefined while it is down. */
  readonly pid: number | undefined;
  /** Starts (again) on the same port and files; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL: a crash, nothing flushed but what appendfsync already wrote. */
  kill(): Promise<void>;
  /** SIGTERM, waits for the exit, removes the temp dir. */
  stop(): Promise<void>;
}

export async function startRedis(
  opts: { durable?: boolean; appendfsync?: 'always' | 'everysec' } = {},
): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-redis-'));
  const port = await freePort();
  const durable = opts.durable !== false;
  const conf = [
    'bind 127.0.0.1',
    `port ${port}`,
    `dir ${dir}`,
    'daemonize no',
    'protected-mode yes',
    `logfile ${join(dir, 'redis.log')}`,
    'save ""',
    `appendonly ${durable ? 'yes' : 'no'}`,
    `appendfsync ${opts.appendfsync ?? 'always'}`,
  ].join('\n');
  writeFileSync(join(dir, 'redis.conf'), `${conf}\n`);
  let child: ChildProcess | undefined;

  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) =>
      c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve()),
    );

  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child?.pid;
    },
    async start() {
      const c = track(spawn(REDIS_SERVER, [join(dir, 'redis.conf')], { stdio: 'ignore' }));
      child = c;
      await waitForPort(port, 10_000, () => c.exitCode !== null);
    },
    async kill() {
      const c = child;
      child = undefined;
      if (!c) return;
      c.kill('SIGKILL');
      await exited(c);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (c) {
        c.kill('SIGTERM');
        await exited(c);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
