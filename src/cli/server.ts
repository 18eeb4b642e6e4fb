import { appendFileSync } from 'node:fs';
import { startSampleServer } from '../sample/server.js';
import { parseArgs, UsageError } from './args.js';

const USAGE = `usage: gss server [--port P] [--host H] [--keytab KT] [--workers N] [--export] [--once] [--verbose]
                  [--logfile FILE] [--delegated-ccache CCACHE] SERVICE@HOST

MIT gss-server's protocol on 127.0.0.1 (default port 4444). With --workers N the listener
establishes each context, exports it sealed, and hands the token and socket to a worker process.
`;

/** `gss server`: runs until SIGINT/SIGTERM (or one connection with --once). */
export async function server(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    parsed = parseArgs(argv, {
      port: { names: ['port', 'p'], kind: 'number' },
      host: { names: ['host'], kind: 'string' },
      keytab: { names: ['keytab', 'k'], kind: 'string' },
      workers: { names: ['workers'], kind: 'number' },
      export: { names: ['export'], kind: 'flag' },
      once: { names: ['once'], kind: 'flag' },
      verbose: { names: ['verbose', 'v'], kind: 'flag' },
      logfile: { names: ['logfile'], kind: 'string' },
      delegatedCcache: { names: ['delegated-ccache'], kind: 'string' },
    });
    if (parsed.positionals.length !== 1) throw new UsageError('one SERVICE@HOST is needed');
  } catch (e) {
    process.stderr.write(`gss server: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const o = parsed.options;
  const srv = await startSampleServer({
    service: parsed.positionals[0],
    port: (o.port as number | undefined) ?? 4444,
    host: (o.host as string | undefined) ?? '127.0.0.1',
    ...(o.keytab ? { keytab: o.keytab as string } : {}),
    workers: (o.workers as number | undefined) ?? 0,
    exportTest: o.export === true,
    ...(o.delegatedCcache ? { delegatedCcache: o.delegatedCcache as string } : {}),
    once: o.once === true,
    verbose: o.verbose === true,
    // MIT's -logfile: appended to, one line per event, and the 'Accepted' lines on stdout as
    // MIT prints them; without it, everything on stdout.
    ...(o.logfile
      ? {
          log: (line: string) => appendFileSync(o.logfile as string, `${line}\n`),
          stdout: (line: string) => process.stdout.write(`${line}\n`),
        }
      : {}),
  });
  process.stderr.write(
    `starting... (127.0.0.1:${srv.port}${srv.workerPids.length ? `, workers ${srv.workerPids.join(' ')}` : ''})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (o.once) srv.closed.then(stop);
  });
  await srv.close();
  return 0;
}
