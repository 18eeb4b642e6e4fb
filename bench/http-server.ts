/**
 * The server side of bench/http.ts: our node:http adapter in its own process (as Apache runs in
 * its own), `/private/page.txt` behind withNegotiate, `/public/page.txt` without it (the latency
 * baseline). Prints its port on stdout. KRB5_KTNAME and KRB5_CONFIG come from the environment.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NegotiateAuthenticator, withNegotiate } from '../src/http/index.js';

const body = 'the protected page\n';
const auth = new NegotiateAuthenticator({
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
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
