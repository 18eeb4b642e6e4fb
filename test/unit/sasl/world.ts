/** SASL GSSAPI engine pairs over the embedded KDC (../export-kdc.ts), run to completion in memory. */
import type { Credentials } from '../../../src/gssapi/creds/creds.js';
import {
  SaslGssapiClient,
  type SaslGssapiClientOptions,
  SaslGssapiServer,
  type SaslGssapiServerOptions,
} from '../../../src/sasl/index.js';

export interface Pair {
  client: SaslGssapiClient;
  server: SaslGssapiServer;
}

export function makePair(
  alice: Credentials,
  acceptor: Credentials,
  c: Partial<SaslGssapiClientOptions> = {},
  s: SaslGssapiServerOptions = {},
): Pair {
  return {
    client: new SaslGssapiClient({ service: 'gsstest', host: 'localhost', credentials: alice, ...c }),
    server: new SaslGssapiServer({ credentials: acceptor, ...s }),
  };
}

/**
 * Runs the exchange up to the client's last response, which is returned undelivered (so a test
 * can damage it); `stopAtOffer` stops earlier and returns the server's offer instead.
 */
export async function runUntilLast(p: Pair, stopAtOffer = false): Promise<Uint8Array> {
  let response = await p.client.step();
  for (;;) {
    const challenge = await p.server.step(response);
    if (challenge === undefined) throw new Error('the server finished before the client');
    if (stopAtOffer && p.client.context.isEstablished && !p.client.isComplete && challenge.length > 0)
      return challenge;
    response = await p.client.step(challenge);
    if (p.client.isComplete) return response;
  }
}

/** Runs the whole exchange; throws unless both engines finish together. */
export async function runAll(p: Pair): Promise<void> {
  const last = await runUntilLast(p);
  const done = await p.server.step(last);
  if (done !== undefined) throw new Error('the server wants another round');
}
