/**
 * Our client side against Heimdal 7.8's KDC: `gss kinit` for each AES enctype (Heimdal salts its
 * RFC 8009 keys with a random string, given only in ETYPE-INFO2), the ccache read by Heimdal's
 * klist and MIT's kvno, our TGS exchange, a GSS context between our initiator and acceptor, and
 * MIT gss-client against `gss server --workers 2`, all with Heimdal-issued tickets.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decrypt } from '../../src/crypto/index.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { resolveCcache } from '../../src/krb5/ccache/index.js';
import { KU_TICKET } from '../../src/krb5/constants/key-usages.js';
import { loadClientConfig } from '../../src/krb5/kdc-client/load.js';
import { getServiceCredentials } from '../../src/krb5/kdc-client/tgs.js';
import { findKey, readKeytab } from '../../src/krb5/keytab/index.js';
import { decodeEncTicketPart, decodeTicket } from '../../src/krb5/messages/ticket.js';
import { NT_SRV_HST, parsePrincipal } from '../../src/krb5/principal.js';
import { gss, heimdalBin, heimdalSkip, startHeimdalRealm } from '../harness/heimdal.js';
import { AES_ENCTYPES, MIT_BIN, type Realm, track } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';

const ETYPE_NUMBER: Record<string, number> = {
  'aes128-cts-hmac-sha1-96': 17,
  'aes256-cts-hmac-sha1-96': 18,
  'aes128-cts-hmac-sha256-128': 19,
  'aes256-cts-hmac-sha384-192': 20,
};
describe('our client side against the Heimdal KDC', { skip: heimdalSkip() }, () => {
  let realm: Realm;
  let restoreEnv = () => {};
  const bin = heimdalBin();
  const svc = (s: string) => parsePrincipal(`${s}/localhost@${realm.realm}`, undefined, NT_SRV_HST);

  before(async () => {
    realm = await startHeimdalRealm();
    restoreEnv = preserveEnv();
    process.env.KRB5_CONFIG = realm.krb5Conf;
    delete process.env.KRB5_CLIENT_KTNAME;
  });
  after(async () => {
    restoreEnv();
    await realm?.stop();
  });

  for (const enctype of AES_ENCTYPES) {
    it(`gss kinit gets a TGT with a ${enctype} session key; Heimdal klist and MIT kvno use it`, async () => {
      const conf = join(realm.dir, `krb5-${enctype}.conf`);
      realm.run('/bin/sh', [
        '-c',
        `sed 's/^\\[libdefaults\\]/[libdefaults]\\n  default_tkt_enctypes = ${enctype}/' "$0" > "$1"`,
        realm.krb5Conf,
        conf,
      ]);
      const cc = `FILE:${join(realm.dir, `ours-${enctype}.ccache`)}`;
      const env = { ...realm.env, KRB5_CONFIG: conf, KRB5CCNAME: cc };
      const k = await gss(['kinit', '--password-stdin', 'alice'], env, `${realm.alicePassword}\n`);
      assert.equal(k.code, 0, k.stderr);

      const mit = realm.run(MIT_BIN.klist, ['-e'], { env });
      assert.match(mit, new RegExp(`Etype \\(skey, tkt\\): ${enctype}, `));
      const h = realm.run(bin.heimtools, ['klist', '-v', '-c', cc], { env });
      assert.match(h, /Principal: alice@HEIMDAL\.GSS/);
      assert.match(h, /Server: krbtgt\/HEIMDAL\.GSS@HEIMDAL\.GSS/);
      // Heimdal's KDC answered our PA-REQ-ENC-PA-REP (RFC 6806 11): enc-pa-rep is set, so our
      // client verified the AS-REQ checksum in the encrypted padata (it fails the kinit otherwise).
      assert.match(h, /Ticket flags: enc-pa-rep, pre-authent, initial/);
      // MIT kvno with our ccache asks Heimdal's KDC for a service ticket and checks it.
      const v = realm.run(MIT_BIN.kvno, ['-k', realm.keytabs.gsstest, 'gsstest/localhost'], { env });
      assert.match(v, /gsstest\/localhost@HEIMDAL\.GSS: kvno = 1, keytab entry valid/);
      assert.match(realm.run(bin.heimtools, ['klist', '-c', cc], { env }), /gsstest\/localhost@HEIMDAL\.GSS/);
    });
  }

  it('a wrong password: gss kinit fails as MIT kinit does', async () => {
    const env = { ...realm.env, KRB5CCNAME: `FILE:${join(realm.dir, 'wrong.ccache')}` };
    const ours = await gss(['kinit', '--password-stdin', 'alice'], env, 'not-the-password\n');
    const mit = await realm.exec(MIT_BIN.kinit, ['alice'], { env, input: 'not-the-password\n' });
    assert.notEqual(ours.code, 0);
    assert.notEqual(mit.code, 0);
    const why = (s: string) => /Password incorrect|Preauthentication failed/.exec(s)?.[0];
    assert.equal(why(ours.stderr), why(mit.stderr), `ours: ${ours.stderr} MIT: ${mit.stderr}`);
    assert.ok(why(ours.stderr), ours.stderr);
  });

  it('an unknown client: gss kinit says what MIT kinit says', async () => {
    const env = { ...realm.env, KRB5CCNAME: `FILE:${join(realm.dir, 'nosuch.ccache')}` };
    const ours = await gss(['kinit', '--password-stdin', 'nosuch'], env, 'x\n');
    const mit = await realm.exec(MIT_BIN.kinit, ['nosuch'], { env, input: 'x\n' });
    assert.equal(ours.code, 1);
    assert.equal(mit.code, 1);
    assert.equal(ours.stderr.replace(/^gss kinit: /, 'kinit: '), mit.stderr);
    assert.match(ours.stderr, /Client 'nosuch@HEIMDAL\.GSS' not found in Kerberos database/);
  });

  for (const enctype of AES_ENCTYPES) {
    it(`TGS exchange from Heimdal kinit's TGT: a ${enctype} session key, the ticket opens with the keytab`, async () => {
      realm.writeKrb5Conf([`default_tgs_enctypes = ${enctype}`]);
      const config = loadClientConfig({ ...realm.env, KRB5_CONFIG: realm.krb5Conf });
      realm.writeKrb5Conf();
      const name = join(realm.dir, `tgs-${enctype}.ccache`);
      realm.run(bin.kinit, ['--password-file=STDIN', '-c', `FILE:${name}`, 'alice'], {
        input: `${realm.alicePassword}\n`,
      });
      const cc = resolveCcache(`FILE:${name}`);
      for (const s of ['gsstest', 'host', 'HTTP']) {
        const cred = await getServiceCredentials({ ccache: cc, server: svc(s), settings: config.settings });
        assert.equal(cred.key.enctype, ETYPE_NUMBER[enctype]);
        const ticket = decodeTicket(cred.ticket);
        const kt = await readKeytab(realm.keytabs.services);
        const part = decodeEncTicketPart(
          decrypt(findKey(kt, svc(s), ticket.encPart.etype).key, KU_TICKET, ticket.encPart.cipher),
        );
        assert.deepEqual(part.cname.components, ['alice']);
        assert.equal(part.crealm, realm.realm);
        assert.deepEqual(part.key.keyvalue, cred.key.keyvalue);
      }
      // Heimdal's klist reads the tickets we stored in its cache.
      const h = realm.run(bin.heimtools, ['klist', '-c', `FILE:${name}`]);
      for (const s of ['gsstest', 'host', 'HTTP'])
        assert.match(h, new RegExp(`${s}/localhost@HEIMDAL\\.GSS`));
    });
  }

  it('a GSS context between our initiator and our acceptor with tickets from Heimdal', async () => {
    const initiator = await Credentials.acquire({ usage: 'initiate', ccache: realm.aliceCcache });
    const acceptor = await Credentials.acquire({ usage: 'accept', keytab: `FILE:${realm.keytabs.gsstest}` });
    const client = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: initiator,
      mutual: true,
      sequence: true,
      confidentiality: true,
    });
    const server = SecurityContext.accept({ credentials: acceptor });
    let token = await client.step();
    while (token) {
      const reply = await server.step(token);
      token = reply ? await client.step(reply) : undefined;
    }
    assert.ok(client.isEstablished && server.isEstablished);
    assert.equal(String(server.initiatorName), 'alice@HEIMDAL.GSS');
    const msg = new TextEncoder().encode('from a Heimdal ticket');
    const sealed = client.wrap(msg, { confidential: true });
    const opened = server.unwrap(sealed);
    assert.deepEqual(opened.message, msg);
    assert.equal(opened.confidential, true);
    const mic = server.getMic(msg);
    assert.equal(client.verifyMic(msg, mic), 0);
  });

  it('MIT gss-client against `gss server --workers 2` with tickets from Heimdal', async () => {
    const env = { ...realm.env, KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}` };
    const server: ChildProcess = track(
      spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(process.cwd(), 'src/cli/gss.ts'),
          'server',
          '--port',
          '0',
          '--workers',
          '2',
          'gsstest@localhost',
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    try {
      let err = '';
      const port = await new Promise<number>((resolve, reject) => {
        server.stderr?.on('data', (d) => {
          err += String(d);
          const m = /starting\.\.\. \(127\.0\.0\.1:(\d+), workers \d+ \d+\)/.exec(err);
          if (m) resolve(Number(m[1]));
        });
        server.once('exit', () => reject(new Error(`gss server exited: ${err}`)));
      });
      for (const flags of [[], ['-seq', '-d']]) {
        const r = await realm.exec(MIT_BIN.gssClient, [
          ...flags,
          '-port',
          String(port),
          'localhost',
          'gsstest@localhost',
          'hello via Heimdal',
        ]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /Signature verified/);
      }
    } finally {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  });
});
