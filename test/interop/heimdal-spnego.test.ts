/**
 * SPNEGO with Heimdal 7.8's libgssapi (test/interop/c/heimdal-peer.c) in both roles, on a
 * Heimdal realm: Heimdal's SPNEGO initiator against our acceptor (what it offers, what we answer,
 * then Wrap and MIC both ways), and our SPNEGO initiator against Heimdal's acceptor.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import {
  ACCEPT_COMPLETED,
  decodeNegotiationToken,
  type NegTokenInit,
  type NegTokenResp,
} from '../../src/gssapi/mech/spnego/negotiation-token.js';
import { Name } from '../../src/gssapi/names/names.js';
import { oidFromBytes } from '../../src/gssapi/token/oid.js';
import { fromHex } from '../../src/util/bytes.js';
import { heimdalBin, startHeimdalRealm } from '../harness/heimdal.js';
import type { Realm } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';
import {
  buildHeimdalPeer,
  checkTheirs,
  closePeers,
  exchangeAsInitiator,
  heimdalPeerSkip,
  Peer,
  sendOurs,
} from './heimdal-peer.js';

describe("SPNEGO with Heimdal's GSS-API library", { skip: heimdalPeerSkip() }, () => {
  let realm: Realm;
  let exe: string;
  let restoreEnv = () => {};
  const bin = heimdalBin();

  before(async () => {
    realm = await startHeimdalRealm();
    exe = join(realm.dir, 'heimdal-peer');
    buildHeimdalPeer(exe);
    restoreEnv = preserveEnv();
    delete process.env.KRB5_CLIENT_KTNAME;
    process.env.KRB5_CONFIG = realm.krb5Conf;
  });
  afterEach(closePeers);
  after(async () => {
    restoreEnv();
    await realm?.stop();
  });

  function kinit(label: string): string {
    const cc = `FILE:${join(realm.dir, `${label}.ccache`)}`;
    realm.run(bin.kinit, ['--password-file=STDIN', '-c', cc, 'alice'], { input: `${realm.alicePassword}\n` });
    return cc;
  }

  it('Heimdal SPNEGO initiator, our acceptor: negotiated to Kerberos, Wrap and MIC both ways', async () => {
    const peer = new Peer(exe, ['init', 'gsstest@localhost', 'from Heimdal'], {
      ...realm.env,
      KRB5CCNAME: kinit('h-spnego'),
      PEER_SPNEGO: '1',
    });
    const acceptor = await Credentials.acquire({ usage: 'accept', keytab: `FILE:${realm.keytabs.gsstest}` });
    const server = SecurityContext.accept({ credentials: acceptor });
    let line = await peer.line();
    const first = decodeNegotiationToken(fromHex(line.slice(6))) as NegTokenInit;
    assert.equal(first.kind, 'init');
    const offered = first.mechTypes.map((m) => oidFromBytes(m));
    let replies = 0;
    while (line.startsWith('token ')) {
      const reply = await server.step(fromHex(line.slice(6)));
      if (reply) {
        replies++;
        peer.send('token', reply);
      }
      line = await peer.line();
    }
    assert.ok(server.isEstablished, `offered ${offered.join(', ')}`);
    assert.match(line, /^established \d+ /);
    assert.equal(String(server.initiatorName), 'alice@HEIMDAL.GSS');
    // Heimdal 7.8 here offers Kerberos alone (no NTLM or NEGOEX configured): one optimistic leg.
    assert.deepEqual(offered, ['1.2.840.113554.1.2.2']);
    assert.equal(replies, 1);
    await checkTheirs(server, peer, 'from Heimdal');
    await sendOurs(server, peer, 'from gssapi-ts');
    assert.equal(await peer.exited, 0);
  });

  it('our SPNEGO initiator, Heimdal acceptor: accept-completed, Wrap and MIC both ways', async () => {
    const peer = new Peer(exe, ['accept', 'from Heimdal'], {
      ...realm.env,
      KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}`,
    });
    const client = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: await Credentials.acquire({ usage: 'initiate', ccache: kinit('ours-spnego') }),
      mech: 'spnego',
      sequence: true,
    });
    const t1 = await client.step();
    peer.send('token', t1 as Uint8Array);
    const reply = fromHex(await peer.next('token'));
    const r = decodeNegotiationToken(reply) as NegTokenResp;
    assert.equal(r.negState, ACCEPT_COMPLETED);
    await exchangeAsInitiator(client, peer, await client.step(reply));
    assert.ok(client.isEstablished);
    assert.equal(await peer.next('established').then((l) => l.split(' ')[1]), 'alice@HEIMDAL.GSS');
    await sendOurs(client, peer, 'from gssapi-ts');
    await checkTheirs(client, peer, 'from Heimdal');
    assert.equal(await peer.exited, 0);
  });
});
