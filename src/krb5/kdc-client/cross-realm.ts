/**
 * A TGT for a service's realm when it is not the client's (RFC 4120 1.2, 3.3.1), as MIT's
 * krb5_get_credentials walks it: along the realm path (./realm-path.ts: capaths or the realm
 * hierarchy), each cross-realm TGT krbtgt/NEXT@CURRENT taken from the ccache when a valid one is
 * there, else asked of CURRENT's KDC with the TGT in hand, and stored, as MIT stores them.
 */
import type { CachedCredential, CredentialCache } from '../ccache/index.js';
import { NT_SRV_INST, type Principal, unparsePrincipal } from '../principal.js';
import { trace } from '../trace.js';
import { realmPath } from './realm-path.js';
import type { KdcClientSettings } from './settings.js';
import { tgsExchange } from './tgs.js';
import type { KdcTransport } from './transport.js';

export interface CrossRealmRequest {
  readonly ccache: CredentialCache;
  /** The client's own TGT, krbtgt/C@C. */
  readonly tgt: CachedCredential;
  readonly serverRealm: string;
  readonly settings: KdcClientSettings;
  readonly transport?: KdcTransport;
  readonly timeOffset: number;
  readonly at: number;
}

export async function crossRealmTgt(req: CrossRealmRequest): Promise<CachedCredential> {
  const client = req.tgt.client;
  const path = realmPath(client.realm, req.serverRealm, req.settings.capaths);
  trace(`Realm path from ${client.realm} to ${req.serverRealm}: ${path.join(', ')}`);
  let tgt = req.tgt;
  for (let i = 1; i < path.length; i++) {
    const name: Principal = { nameType: NT_SRV_INST, components: ['krbtgt', path[i]], realm: path[i - 1] };
    const cached = await req.ccache.retrieve(name, { client, validAt: req.at }).catch(() => undefined);
    if (cached) {
      tgt = cached;
      continue;
    }
    trace(`Requesting TGT ${unparsePrincipal(name)} using TGT ${unparsePrincipal(tgt.server)}`);
    tgt = await tgsExchange({
      tgt,
      server: name,
      settings: req.settings,
      transport: req.transport,
      timeOffset: req.timeOffset,
    });
    await req.ccache.store(tgt);
  }
  return tgt;
}
