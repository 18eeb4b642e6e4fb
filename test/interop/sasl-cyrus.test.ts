/**
 * SASL GSSAPI (RFC 4752) against Cyrus SASL's own GSSAPI plugin, through Debian's sample server
 * and client: our client engine against sasl-sample-server and our server engine against
 * sasl-sample-client, for each security layer, with a message each way through the layer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { SaslGssapiClient, SaslGssapiServer, type SecurityLayer } from '../../src/sasl/index.js';
import { CyrusPeer, cyrusSkip } from '../harness/cyrus-sample.js';
import { mitAvailable, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const SKIP = cyrusSkip(mitAvailable());

/** Cyrus's -b min,max security strength factors that make its side want exactly one layer. */
const CYRUS_SSF: Record<SecurityLayer, string> = {
  none: 'min=0,max=0',
  integrity: 'min=1,max=1',
  confidentiality: 'min=56,max=256',
};
const EXPECTED_SSF: Record<SecurityLayer, string> = { none: '0', integrity: '1', confidentiality: '256' };
const LAYERS: SecurityLayer[] = ['none', 'integrity', 'confidentiality'];

/** The text of a C string sent by the sample (it includes the NUL). */
function cString(b: Uint8Array): string {
  assert.equal(b.at(-1), 0, 'the sample sends its C string with the NUL');
  return dec.decode(b.subarray(0, -1));
}

describe('SASL GSSAPI with Cyrus SASL (sasl-sample-server / sasl-sample-client)', { skip: SKIP }, () => {
  let realm: Realm;
  let keytab: string;
  let env: NodeJS.ProcessEnv;
  let restoreEnv = (): void => {};
  const peers: CyrusPeer[] = [];
  const peer = (role: 'server' | 'client', args: string[]): CyrusPeer => {
    const p = new CyrusPeer(role, args, env);
    peers.push(p);
    return p;
  };

  before(async () => {
    realm = await startRealm();
    realm.kadmin('addprinc -randkey sample/localhost');
    keytab = `${realm.dir}/sample.keytab`;
    realm.kadmin(`ktadd -k ${keytab} -norandkey sample/localhost`);
    env = { ...realm.env, KRB5_KTNAME: `FILE:${keytab}` };
    restoreEnv = adoptRealmEnv(env);
  });
  after(async () => {
    for (const p of peers) await p.stop();
    restoreEnv();
    await realm?.stop();
  });

  for (const layer of LAYERS) {
    it(`our client, Cyrus server: layer ${layer}`, async () => {
      const server = peer('server', ['-s', 'sample', '-d', 'localhost', '-m', 'GSSAPI']);
      const creds = await Credentials.acquire({ usage: 'initiate', ccache: realm.aliceCcache });
      const client = new SaslGssapiClient({
        service: 'sample',
        host: 'localhost',
        credentials: creds,
        layers: [layer],
        authorizationId: 'alice',
      });
      assert.equal(dec.decode(await server.read()), 'GSSAPI');
      const initial = await client.step();
      server.write(new Uint8Array([...enc.encode('GSSAPI'), 0, ...initial]));
      while (!client.isComplete) server.write(await client.step(await server.read()));
      const { outcome } = client;
      assert.equal(outcome.layer, layer);
      assert.equal(outcome.authenticationId, 'alice@TEST.GSS');
      assert.match(await server.waitFor('Username:'), /Username: alice$/);
      assert.match(await server.waitFor('SSF:'), new RegExp(`SSF: ${EXPECTED_SSF[layer]}$`));

      const fromServer = await server.read();
      const sl = outcome.securityLayer;
      const plain = sl ? sl.decode(fromServer) : [fromServer];
      assert.equal(plain.length, 1);
      assert.equal(cString(plain[0]), 'srv message 1');
      const reply = new Uint8Array([...enc.encode('client message 1'), 0]);
      server.write(sl ? sl.encode(reply) : reply);
      await server.waitFor("recieved decoded message 'client message 1'");
    });

    it(`Cyrus client, our server: layer ${layer}`, async () => {
      const client = peer('client', [
        '-s',
        'sample',
        '-n',
        'localhost',
        '-m',
        'GSSAPI',
        '-u',
        'alice',
        '-b',
        CYRUS_SSF[layer],
      ]);
      const creds = await Credentials.acquire({ usage: 'accept', keytab });
      const server = new SaslGssapiServer({ credentials: creds });
      client.write(enc.encode('GSSAPI'));
      const first = await client.read();
      const nul = first.indexOf(0);
      assert.equal(dec.decode(first.subarray(0, nul)), 'GSSAPI');
      let challenge = await server.step(first.subarray(nul + 1));
      while (challenge !== undefined) {
        client.write(challenge);
        challenge = await server.step(await client.read());
      }
      const { outcome } = server;
      assert.equal(outcome.layer, layer);
      assert.equal(outcome.authenticationId, 'alice@TEST.GSS');
      assert.equal(outcome.authorizationId, 'alice');
      assert.match(await client.waitFor('SSF:'), new RegExp(`SSF: ${EXPECTED_SSF[layer]}$`));

      const sl = outcome.securityLayer;
      const msg = new Uint8Array([...enc.encode('srv message 1'), 0]);
      client.write(sl ? sl.encode(msg) : msg);
      await client.waitFor("recieved decoded message 'srv message 1'");
      const back = await client.read();
      const plain = sl ? sl.decode(back) : [back];
      assert.equal(cString(plain[0]), 'client message 1');
    });
  }

  it('our server refuses an authorization identity the principal may not assume', async () => {
    const client = peer('client', ['-s', 'sample', '-n', 'localhost', '-m', 'GSSAPI', '-u', 'root']);
    const server = new SaslGssapiServer({
      credentials: await Credentials.acquire({ usage: 'accept', keytab }),
    });
    client.write(enc.encode('GSSAPI'));
    const first = await client.read();
    let challenge = await server.step(first.subarray(first.indexOf(0) + 1));
    await assert.rejects(
      async () => {
        while (challenge !== undefined) {
          client.write(challenge);
          challenge = await server.step(await client.read());
        }
      },
      (e: Error & { code?: string }) =>
        e.code === 'GSS_S_UNAUTHORIZED' && /alice@TEST.GSS may not act as root/.test(e.message),
    );
  });
});
