/**
 * Heimdal 7.8's own GSS-API library (libgssapi3-heimdal, through test/interop/c/heimdal-peer.c)
 * as the peer of our SecurityContext, with tickets from Heimdal's KDC: context establishment with
 * mutual authentication both ways, confidential and integrity-only Wrap and MIC both ways, for
 * each AES session key enctype; messages from 0 to 5000 bytes; delegation both ways (the
 * delegated TGT used for a further TGS exchange); and Heimdal rejecting a Wrap token we altered.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { fromHex } from '../../src/util/bytes.js';
import { heimdalBin, startHeimdalRealm } from '../harness/heimdal.js';
import { AES_ENCTYPES, MIT_BIN, type Realm } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';
import {
  acceptFrom,
  buildHeimdalPeer,
  checkTheirs,
  closePeers,
  exchangeAsInitiator,
  heimdalPeerSkip,
  Peer,
  sendOurs,
} from './heimdal-peer.js';

const GSS_S_BAD_SIG = 0x60000;
describe("Heimdal's GSS-API library as our peer", { skip: heimdalPeerSkip() }, () => {
  let realm: Realm;
  let exe: string;
  let restoreEnv = () => {};
  const bin = heimdalBin();
  const enc = new TextEncoder();

  before(async () => {
    realm = await startHeimdalRealm();
    exe = join(realm.dir, 'heimdal-peer');
    buildHeimdalPeer(exe);
    restoreEnv = preserveEnv();
    delete process.env.KRB5_CLIENT_KTNAME;
  });
  afterEach(closePeers);
  after(async () => {
    restoreEnv();
    await realm?.stop();
  });

  /** A fresh ccache with alice's TGT from Heimdal kinit. */
  function kinit(label: string): string {
    const cc = `FILE:${join(realm.dir, `${label}.ccache`)}`;
    realm.run(bin.kinit, ['--password-file=STDIN', '-c', cc, 'alice'], { input: `${realm.alicePassword}\n` });
    return cc;
  }

  for (const enctype of AES_ENCTYPES) {
    it(`Heimdal initiator, our acceptor: ${enctype} session key, Wrap and MIC both ways`, async () => {
      // Heimdal reads default_etypes (not MIT's default_tgs_enctypes) for the service ticket.
      realm.writeKrb5Conf([`default_etypes = ${enctype}`]);
      const peerConf = join(realm.dir, `krb5-${enctype}.conf`);
      realm.run('/bin/cp', [realm.krb5Conf, peerConf]);
      realm.writeKrb5Conf();
      const cc = kinit(`hinit-${enctype}`);
      process.env.KRB5_CONFIG = realm.krb5Conf;
      const peer = new Peer(exe, ['init', 'gsstest@localhost', 'from Heimdal'], {
        ...realm.env,
        KRB5_CONFIG: peerConf,
        KRB5CCNAME: cc,
      });
      const { server, line } = await acceptFrom(peer, realm.keytabs.gsstest);
      assert.match(line, /^established \d+ gsstest\/localhost@HEIMDAL\.GSS$/);
      assert.ok(server.isEstablished);
      assert.equal(String(server.initiatorName), 'alice@HEIMDAL.GSS');
      const flags = Number(line.split(' ')[1]);
      assert.equal(flags & 0x3e, 0x3e, `mutual, replay, sequence, conf, integ: ${flags}`);
      await checkTheirs(server, peer, 'from Heimdal');
      await sendOurs(server, peer, 'from gssapi-ts');
      assert.equal(await peer.exited, 0);
      // The service ticket Heimdal used had the session key enctype asked for.
      assert.match(
        realm.run(MIT_BIN.klist, ['-e', '-c', cc]),
        new RegExp(`gsstest/localhost@HEIMDAL\\.GSS\\n\\s+Etype \\(skey, tkt\\): ${enctype},`),
      );
    });
  }

  for (const enctype of AES_ENCTYPES) {
    it(`our initiator, Heimdal acceptor: ${enctype} session key, Wrap and MIC both ways`, async () => {
      realm.writeKrb5Conf([`default_tgs_enctypes = ${enctype}`]);
      process.env.KRB5_CONFIG = realm.krb5Conf;
      const cc = kinit(`ours-${enctype}`);
      try {
        const peer = new Peer(exe, ['accept', 'from Heimdal'], {
          ...realm.env,
          KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}`,
        });
        const client = SecurityContext.initiate({
          target: Name.hostbased('gsstest@localhost'),
          credentials: await Credentials.acquire({ usage: 'initiate', ccache: cc }),
          mutual: true,
          replayDetection: true,
          sequence: true,
          confidentiality: true,
        });
        await exchangeAsInitiator(client, peer, await client.step());
        assert.ok(client.isEstablished);
        assert.equal(await peer.next('established').then((l) => l.split(' ')[1]), 'alice@HEIMDAL.GSS');
        await sendOurs(client, peer, 'from gssapi-ts');
        await checkTheirs(client, peer, 'from Heimdal');
        assert.equal(await peer.exited, 0);
        assert.match(
          realm.run(MIT_BIN.klist, ['-e', '-c', cc]),
          new RegExp(`gsstest/localhost@HEIMDAL\\.GSS\\n\\s+Etype \\(skey, tkt\\): ${enctype},`),
        );
      } finally {
        realm.writeKrb5Conf();
      }
    });
  }

  it('Heimdal delegates to our acceptor: the delegated TGT gets us a context to HTTP/localhost', async () => {
    process.env.KRB5_CONFIG = realm.krb5Conf;
    const cc = kinit('hdeleg');
    const peer = new Peer(exe, ['init', 'gsstest@localhost', 'delegating', 'deleg'], {
      ...realm.env,
      KRB5CCNAME: cc,
    });
    const { server, line } = await acceptFrom(peer, realm.keytabs.gsstest);
    assert.match(line, /^established \d+ /);
    assert.ok(Number(line.split(' ')[1]) & 1, 'GSS_C_DELEG_FLAG');
    const delegated = server.delegatedCredentials;
    assert.ok(delegated, 'a delegated credential');
    // Let the peer finish: its messages, then ours.
    assert.equal(
      new TextDecoder().decode(server.unwrap(fromHex(await peer.next('wrap'))).message),
      'delegating',
    );
    await peer.next('wrapi');
    await peer.next('mic');
    const msg = enc.encode('ok');
    peer.send('wrap', server.wrap(msg));
    peer.send('wrapi', server.wrap(msg, { confidential: false }));
    peer.send('mic', server.getMic(msg));
    assert.equal(await peer.exited, 0);
    const onward = SecurityContext.initiate({
      target: Name.hostbased('HTTP@localhost'),
      credentials: delegated,
    });
    const http = SecurityContext.accept({
      credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${realm.keytabs.http}` }),
    });
    let tok = await onward.step();
    while (tok) {
      const reply = await http.step(tok);
      tok = reply ? await onward.step(reply) : undefined;
    }
    assert.ok(http.isEstablished);
    assert.equal(String(http.initiatorName), 'alice@HEIMDAL.GSS');
  });

  it("we delegate to Heimdal's acceptor, which gets a ticket for HTTP/localhost with it", async () => {
    process.env.KRB5_CONFIG = realm.krb5Conf;
    const cc = kinit('odeleg');
    const peer = new Peer(exe, ['accept', 'thanks'], {
      ...realm.env,
      KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}`,
    });
    const client = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: await Credentials.acquire({ usage: 'initiate', ccache: cc }),
      delegate: true,
    });
    await exchangeAsInitiator(client, peer, await client.step());
    await peer.next('established');
    const d = (await peer.next('delegated')).split(' ');
    assert.equal(d[0], 'alice@HEIMDAL.GSS');
    assert.ok(Number(d[1]) > 100, `an AP-REQ for HTTP/localhost: ${d[1]} bytes`);
  });

  // CFX edge cases: empty messages, a block minus/plus one, the 12/16/24-byte checksums.
  const SIZES = [0, 1, 15, 16, 17, 33, 5000];
  for (const enctype of ['aes256-cts-hmac-sha1-96', 'aes256-cts-hmac-sha384-192']) {
    it(`messages of ${SIZES.join(', ')} bytes both ways (${enctype})`, async () => {
      realm.writeKrb5Conf([`default_tgs_enctypes = ${enctype}`, `default_etypes = ${enctype}`]);
      process.env.KRB5_CONFIG = realm.krb5Conf;
      try {
        for (const size of SIZES) {
          const text = 'x'.repeat(size);
          const cc = kinit(`sizes-${enctype}-${size}`);
          const acceptorPeer = new Peer(exe, ['accept', text], {
            ...realm.env,
            KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}`,
          });
          const client = SecurityContext.initiate({
            target: Name.hostbased('gsstest@localhost'),
            credentials: await Credentials.acquire({ usage: 'initiate', ccache: cc }),
            sequence: true,
            confidentiality: true,
          });
          await exchangeAsInitiator(client, acceptorPeer, await client.step());
          await acceptorPeer.next('established');
          await sendOurs(client, acceptorPeer, text);
          await checkTheirs(client, acceptorPeer, text);
          assert.equal(await acceptorPeer.exited, 0);

          const initiatorPeer = new Peer(exe, ['init', 'gsstest@localhost', text], {
            ...realm.env,
            KRB5CCNAME: cc,
          });
          const { server, line } = await acceptFrom(initiatorPeer, realm.keytabs.gsstest);
          assert.match(line, /^established /);
          await checkTheirs(server, initiatorPeer, text);
          await sendOurs(server, initiatorPeer, text);
          assert.equal(await initiatorPeer.exited, 0);
        }
      } finally {
        realm.writeKrb5Conf();
      }
    });
  }

  it('Heimdal rejects a Wrap token of ours with one bit flipped (GSS_S_BAD_SIG)', async () => {
    process.env.KRB5_CONFIG = realm.krb5Conf;
    const cc = kinit('tamper');
    const peer = new Peer(exe, ['accept', 'unused'], {
      ...realm.env,
      KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}`,
    });
    const client = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: await Credentials.acquire({ usage: 'initiate', ccache: cc }),
      confidentiality: true,
    });
    await exchangeAsInitiator(client, peer, await client.step());
    await peer.next('established');
    const tok = client.wrap(enc.encode('tampered in transit'), { confidential: true });
    tok[tok.length - 5] ^= 0x01;
    peer.send('wrap', tok);
    const err = (await peer.next('error')).split(' ');
    assert.equal(err[0], 'wrap');
    assert.equal(Number(err[1]), GSS_S_BAD_SIG);
    assert.equal(await peer.exited, 2);
  });
});
