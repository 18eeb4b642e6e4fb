/**
 * The page the browser tests load: our Express middleware in front of one route that shows the
 * authenticated principal and the delegated credential's name (or "none"), on 127.0.0.1 at a
 * free port. Every failure the middleware reports is kept for the test to inspect.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type NegotiatedRequest, type NegotiateFailure, negotiate } from '../../src/http/index.js';

/** A running page: its port, the middleware's failures so far, and how to stop it. */
export interface SsoPage {
  port: number;
  failures: NegotiateFailure[];
  close(): Promise<void>;
}

/** Serves the page with the HTTP service's keytab `keytab` (a path). */
export async function startSsoPage(keytab: string): Promise<SsoPage> {
  const failures: NegotiateFailure[] = [];
  const app = express();
  app.use(negotiate({ keytab: `FILE:${keytab}`, onError: (f) => failures.push(f) }));
  app.get('/', (req, res) => {
    const id = (req as unknown as NegotiatedRequest<object>).negotiate;
    const deleg = id.delegatedCredentials ? String(id.delegatedCredentials.name) : 'none';
    res
      .type('html')
      .send(`<html><body><p id="who">${id.principal}</p><p id="deleg">${deleg}</p></body></html>`);
  });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    failures,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
