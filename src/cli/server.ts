import { appendFileSync } from 'node:fs';
import { startSampleServer } from '../sample/server.js';
import { defineCommand } from './command.js';

/** `gss server`: MIT gss-server (src/appl/gss-sample/gss-server.c), whose options it also takes. */
export const server = defineCommand(
  {
    name: 'server',
    summary: "MIT gss-server's protocol; --workers N hands exported contexts to worker processes",
    operands: 'SERVICE@HOST',
    minOperands: 1,
    maxOperands: 1,
    description: `MIT gss-server's protocol on 127.0.0.1 (default port 4444). With --workers N the listener
establishes each context, exports it sealed, and hands the token and socket to a worker process.
Runs until SIGINT or SIGTERM (or one connection with --once).`,
    usageStatus: 2,
    options: {
      port: {
        kind: 'number',
        long: 'port',
        mit: ['port'],
        short: 'p',
        value: 'P',
        default: 4444,
        max: 65535,
        help: 'port to listen on',
      },
      host: { kind: 'string', long: 'host', value: 'H', default: '127.0.0.1', help: 'address to bind' },
      keytab: {
        kind: 'string',
        long: 'keytab',
        mit: ['keytab'],
        short: 'k',
        value: 'KT',
        help: 'acceptor keytab (else KRB5_KTNAME)',
      },
      workers: {
        kind: 'number',
        long: 'workers',
        value: 'N',
        default: 0,
        help: 'worker processes to serve the exported contexts',
      },
      export: {
        kind: 'flag',
        long: 'export',
        mit: ['export'],
        help: 'export and re-import each context before the messages',
      },
      once: { kind: 'flag', long: 'once', mit: ['once'], help: 'serve one connection, then exit' },
      verbose: {
        kind: 'flag',
        long: 'verbose',
        mit: ['verbose'],
        short: 'v',
        help: "also MIT's verbose lines (tokens in hex, timings)",
      },
      logfile: {
        kind: 'string',
        long: 'logfile',
        mit: ['logfile'],
        value: 'FILE',
        help: 'append the log to FILE (else stdout)',
      },
      delegatedCcache: {
        kind: 'string',
        long: 'delegated-ccache',
        value: 'CCACHE',
        help: 'store delegated credentials into CCACHE',
      },
    },
  },
  async ({ options: o, operands }) => {
    const logfile = o.logfile;
    const srv = await startSampleServer({
      service: operands[0],
      port: o.port,
      host: o.host,
      ...(o.keytab ? { keytab: o.keytab } : {}),
      workers: o.workers,
      exportTest: o.export,
      ...(o.delegatedCcache ? { delegatedCcache: o.delegatedCcache } : {}),
      once: o.once,
      verbose: o.verbose,
      // MIT's -logfile: appended to, one line per event, and the 'Accepted' lines on stdout as
      // MIT prints them; without it, everything on stdout.
      ...(logfile
        ? {
            log: (line: string) => appendFileSync(logfile, `${line}\n`),
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
  },
);
