/**
 * Heimdal 7.8's libgssapi (test/interop/c/heimdal-peer.c) and our SecurityContext on the options
 * a context is made with, and across export: channel bindings (RFC 4121 4.1.1.2: the MD5 of the bindings, addresses
 * included) matching and not matching, both ways; and contexts without mutual authentication,
 * where Heimdal's initiator expects the acceptor's sequence numbers from 0 and MIT's acceptor (and
 * ours, as MIT) sends from the initiator's: Heimdal reports GSS_S_GAP_TOKEN once, not an error.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { GSS_S_BAD_BINDINGS, GssError } from '../../src/errors/status.js';
import { type ChannelBindings, GSS_C_AF_INET } from '../../src/gssapi/bindings.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { exportSecContext, importSecContext } from '../../src/gssapi/context/export.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { heimdalBin, startHeimdalRealm } from '../harness/heimdal.js';
import type { Realm } from '../harness/realm.js';
import { startMitPeer } from './context-peer.js';
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

const GSS_C_MUTUAL_FLAG = 2;
const GSS_S_GAP_TOKEN = 16;
const LOOPBACK = new Uint8Array([127, 0, 0, 1]);

/** The bindings the C peer builds from PEER_CB=text. */
function bindings(text: string): ChannelBindings {
  return {
    initiatorAddrType: GSS_C_AF_INET,
    initiatorAddress: LOOPBACK,
    acceptorAddrType: GSS_C_AF_INET,
    acceptorAddress: LOOPBACK,
    applicationData: new TextEncoder().encode(text),
  };
}

describe("Heimdal's GSS-API library and our contexts: bindings, no mutual", {
  skip: heimdalPeerSkip(),
}, () => {
  let realm: Realm;
  let exe: string;
  let savedConfig: string | undefined;
  const bin = heimdalBin();
  let n = 0;

  before(async () => {
    realm = await startHeimdalRealm();
    exe = join(realm.dir, 'heimdal-peer');
    buildHeimdalPeer(exe);
    savedConfig = process.env.KRB5_CONFIG;
    process.env.KRB5_CONFIG = realm.krb5Conf;
  });
  afterEach(closePeers);
  after(async () => {
    if (savedConfig === undefined) delete process.env.KRB5_CONFIG;
    else process.env.KRB5_CONFIG = savedConfig;
    await realm?.stop();
  });

  function kinit(): string {
    const cc = `FILE:${join(realm.dir, `cc-${n++}`)}`;
    realm.run(bin.kinit, ['--password-file=STDIN', '-c', cc, 'alice'], { input: `${realm.alicePassword}\n` });
    return cc;
  }
  const heimdalInitiator = (extra: NodeJS.ProcessEnv) =>
    new Peer(exe, ['init', 'gsstest@localhost', 'bound'], { ...realm.env, KRB5CCNAME: kinit(), ...extra });
  const heimdalAcceptor = (extra: NodeJS.ProcessEnv) =>
    new Peer(exe, ['accept', 'bound'], {
      ...realm.env,
      KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}`,
      ...extra,
    });
  const ourInitiator = async (opts: { channelBindings?: ChannelBindings; mutual?: boolean }) =>
    SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: await Credentials.acquire({ usage: 'initiate', ccache: kinit() }),
      confidentiality: true,
      ...opts,
    });

  it('Heimdal initiator and our acceptor with the same bindings', async () => {
    const peer = heimdalInitiator({ PEER_CB: 'tls-unique:0123' });
    const { server, line } = await acceptFrom(peer, realm.keytabs.gsstest, bindings('tls-unique:0123'));
    assert.match(line, /^established /);
    await checkTheirs(server, peer, 'bound');
    await sendOurs(server, peer, 'bound');
    assert.equal(await peer.exited, 0);
  });

  it('Heimdal initiator and our acceptor with other bindings: GSS_S_BAD_BINDINGS', async () => {
    const peer = heimdalInitiator({ PEER_CB: 'tls-unique:0123' });
    await assert.rejects(
      acceptFrom(peer, realm.keytabs.gsstest, bindings('tls-unique:4567')),
      (e) => e instanceof GssError && e.major === GSS_S_BAD_BINDINGS,
    );
  });

  it('our initiator and a Heimdal acceptor with the same bindings', async () => {
    const peer = heimdalAcceptor({ PEER_CB: 'tls-server-end-point:ab' });
    const client = await ourInitiator({ channelBindings: bindings('tls-server-end-point:ab') });
    await exchangeAsInitiator(client, peer, await client.step());
    await peer.next('established');
    await sendOurs(client, peer, 'bound');
    await checkTheirs(client, peer, 'bound');
    assert.equal(await peer.exited, 0);
  });

  it('our initiator and a Heimdal acceptor with other bindings: Heimdal says GSS_S_BAD_BINDINGS', async () => {
    const peer = heimdalAcceptor({ PEER_CB: 'tls-server-end-point:ab' });
    const client = await ourInitiator({ channelBindings: bindings('tls-server-end-point:cd') });
    peer.send('token', (await client.step()) ?? new Uint8Array(0));
    const err = (await peer.next('error')).split(' ');
    assert.equal(err[0], 'accept_sec_context');
    assert.equal(Number(err[1]), GSS_S_BAD_BINDINGS);
  });

  it("Heimdal initiator without mutual authentication: our acceptor and MIT's start at its sequence number, where Heimdal expects 0", async () => {
    const enc = new TextEncoder();
    const seq = (token: Uint8Array) => toHex(token.subarray(8, 16)); // RFC 4121 4.2.6.2 SND_SEQ
    // Ours.
    const peer = heimdalInitiator({ PEER_NOMUTUAL: '1' });
    const acceptor = await Credentials.acquire({ usage: 'accept', keytab: `FILE:${realm.keytabs.gsstest}` });
    const server = SecurityContext.accept({ credentials: acceptor });
    assert.equal(await server.step(fromHex(await peer.next('token'))), undefined, 'no AP-REP');
    assert.ok(server.isEstablished);
    assert.equal(server.flags & GSS_C_MUTUAL_FLAG, 0);
    assert.equal(Number((await peer.next('established')).split(' ')[0]) & GSS_C_MUTUAL_FLAG, 0);
    const theirFirst = fromHex(await peer.next('wrap'));
    assert.equal(new TextDecoder().decode(server.unwrap(theirFirst).message), 'bound');
    server.unwrap(fromHex(await peer.next('wrapi')));
    await peer.next('mic');
    const ourFirst = server.wrap(enc.encode('bound'));
    assert.equal(
      seq(ourFirst),
      seq(theirFirst),
      "MIT's rule: the acceptor sends from the initiator's number",
    );
    peer.send('wrap', ourFirst);
    peer.send('wrapi', server.wrap(enc.encode('bound'), { confidential: false }));
    peer.send('mic', server.getMic(enc.encode('bound')));
    // Heimdal's initiator set its receive window at 0 (no AP-REP told it otherwise): a gap, which
    // Heimdal's gss_unwrap reports before decrypting, so that first message comes out empty.
    const expected = [`supplementary wrap ${GSS_S_GAP_TOKEN}`, 'unwrapped 1 ', 'unwrapped 0 bound', 'micok'];
    assert.deepEqual([await peer.line(), await peer.line(), await peer.line(), await peer.line()], expected);
    assert.equal(await peer.exited, 0);

    // MIT krb5 1.20 (python3-gssapi) as the acceptor does the same.
    const mit = startMitPeer({ ...realm.env, KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}` });
    try {
      const peer2 = heimdalInitiator({ PEER_NOMUTUAL: '1' });
      await mit.ok({ op: 'accept' });
      const step = await mit.ok({ op: 'step', token: await peer2.next('token') });
      assert.equal(step.token, null);
      await peer2.next('established');
      const first2 = await peer2.next('wrap');
      await mit.ok({ op: 'unwrap', token: first2 });
      await mit.ok({ op: 'unwrap', token: await peer2.next('wrapi') });
      await peer2.next('mic');
      const hex = toHex(enc.encode('bound'));
      const mitFirst = String((await mit.ok({ op: 'wrap', msg: hex, conf: true })).token);
      assert.equal(seq(fromHex(mitFirst)), seq(fromHex(first2)));
      peer2.send('wrap', fromHex(mitFirst));
      peer2.send('wrapi', fromHex(String((await mit.ok({ op: 'wrap', msg: hex, conf: false })).token)));
      peer2.send('mic', fromHex(String((await mit.ok({ op: 'getmic', msg: hex })).token)));
      assert.deepEqual(
        [await peer2.line(), await peer2.line(), await peer2.line(), await peer2.line()],
        expected,
      );
    } finally {
      await mit.close();
    }
  });

  it('our initiator without mutual authentication and a Heimdal acceptor', async () => {
    const peer = heimdalAcceptor({});
    const client = await ourInitiator({ mutual: false });
    const token = await client.step();
    assert.ok(token);
    assert.ok(client.isEstablished, 'established after the first token');
    peer.send('token', token);
    const line = await peer.next('established');
    assert.equal(Number(line.split(' ')[0]) & GSS_C_MUTUAL_FLAG, 0);
    await sendOurs(client, peer, 'bound');
    await checkTheirs(client, peer, 'bound');
    assert.equal(await peer.exited, 0);
  });

  it('contexts exported and imported (sealed) mid-session keep talking to Heimdal, both sides', async () => {
    const key = new Uint8Array(32).fill(7);
    // Our acceptor, exported after Heimdal's messages, imported, then answering.
    const peer = heimdalInitiator({});
    const { server, line } = await acceptFrom(peer, realm.keytabs.gsstest);
    assert.match(line, /^established /);
    await checkTheirs(server, peer, 'bound');
    const again = importSecContext(exportSecContext(server, { key }), { key });
    await sendOurs(again, peer, 'bound');
    assert.equal(await peer.exited, 0);
    // Our initiator, exported right after establishment.
    const peer2 = heimdalAcceptor({});
    const client = await ourInitiator({});
    await exchangeAsInitiator(client, peer2, await client.step());
    await peer2.next('established');
    const imported = importSecContext(exportSecContext(client, { key }), { key });
    await sendOurs(imported, peer2, 'bound');
    await checkTheirs(imported, peer2, 'bound');
    assert.equal(await peer2.exited, 0);
  });
});
