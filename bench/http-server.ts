/**
 * The server side of bench/http.ts: our node:http adapter as it is deployed on a multi-core host
 * (docs/http.md "Several processes"): a node:cluster primary and `--workers N` worker processes
 * sharing the listening port, all of them refusing replays through one MIT file2 replay cache
 * (`--rcache PATH`, the file Apache's MIT acceptors use too, under its fcntl lock), because a
 * per-process memory cache would let a token replayed to another worker through.
 * `/private/page.txt` is behind withNegotiate, `/public/page.txt` is not (the latency baseline).
 * Prints the port on stdout once every worker listens. KRB5_KTNAME and KRB5_CONFIG come from
 * the environment.
 *
 *   node --import tsx bench/http-server.ts [--workers N] [--rcache PATH]
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NegotiateAuthenticator, withNegotiate } from '../src/http/index.js';
import { FileReplayCache } from '../src/krb5/rcache/file.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const workers = Number(arg('--workers') ?? '1');
const rcache = arg('--rcache');
const body = 'the protected page\n';

function serve(onListening: (port: number) => void): void {
  const auth = new NegotiateAuthenticator({
    ...(rcache ? { replayCache: new FileReplayCache(rcache) } : {}),
    onError: (f) => process.stderr.write(`refused: ${f.reason}\n`),
  });
  const negotiated = withNegotiate((_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end(body);
  }, auth);
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/public/')) {
      res.setHeader('Content-Type', 'text/plain');
      res.end(body);
      return;
    }
    negotiated(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    onListening((server.address() as AddressInfo).port);
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}

if (workers <= 1) {
  serve((port) => process.stdout.write(`${port}\n`));
} else if (cluster.isPrimary) {
  // Every worker's listen(0) gets the same port: the primary holds the socket (node:cluster).
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('listening', (address) => {
      if (++ready === workers) process.stdout.write(`${address.port}\n`);
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    cluster.disconnect(() => process.exit(0));
  });
} else {
  serve(() => {});
}
