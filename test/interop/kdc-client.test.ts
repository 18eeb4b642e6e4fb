/** The KDC client's API against a live MIT KDC: AS and TGS exchanges, errors, transports. */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decrypt } from '../../src/crypto/index.js';
import { MINOR } from '../../src/errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../src/errors/status.js';
import { resolveCcache } from '../../src/krb5/ccache/index.js';
import { TKT_FLG_FORWARDABLE, TKT_FLG_FORWARDED } from '../../src/krb5/constants/flags.js';
import { KU_TICKET } from '../../src/krb5/constants/key-usages.js';
import { getInitialCredentials } from '../../src/krb5/kdc-client/as.js';
import { type ClientConfig, loadClientConfig } from '../../src/krb5/kdc-client/load.js';
import { getForwardedTgt, getServiceCredentials } from '../../src/krb5/kdc-client/tgs.js';
import { findKey, readKeytab } from '../../src/krb5/keytab/index.js';
import { decodeEncTicketPart, decodeTicket } from '../../src/krb5/messages/ticket.js';
import { NT_SRV_HST, parsePrincipal } from '../../src/krb5/principal.js';
import { setTraceSink } from '../../src/krb5/trace.js';
import { startMitGssServer } from '../harness/gss-server.js';
import { freePort } from '../harness/net.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';

const TOO_BIG = new Uint8Array([
  0x7e, 0x11, 0x30, 0x0f, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x1e, 0xa6, 0x03, 0x02, 0x01,
  0x34,
]);

const isGss = (minor: number) => (e: unknown) =>
  e instanceof GssError && e.major === GSS_S_FAILURE && e.minor === minor;

describe('KDC client against MIT krb5', { skip: interopSkip() }, () => {
  let realm: Realm;
  let config: ClientConfig;
  const alice = () => parsePrincipal('alice@TEST.GSS');
  const gsstest = () => parsePrincipal('gsstest/localhost@TEST.GSS', undefined, NT_SRV_HST);

  before(async () => {
    realm = await startRealm();
    config = loadClientConfig(realm.env);
  });
  after(async () => {
    await realm?.stop();
  });

  async function kinitInto(name: string) {
    const got = await getInitialCredentials({
      client: alice(),
      password: realm.alicePassword,
      settings: config.settings,
      forwardable: true,
    });
    const cc = resolveCcache(name);
    await cc.initialize(got.credential.client, { kdcTimeOffset: got.kdcTimeOffset });
    await cc.store(got.credential);
    return { cc, got };
  }

  it('TGS exchange: a ticket for gsstest/localhost that decrypts with its keytab key, cached as MIT does', async () => {
    const { cc } = await kinitInto(`FILE:${realm.dir}/api-1.ccache`);
    const cred = await getServiceCredentials({ ccache: cc, server: gsstest(), settings: config.settings });
    const ticket = decodeTicket(cred.ticket);
    const kt = await readKeytab(realm.keytabs.gsstest);
    const key = findKey(kt, gsstest(), ticket.encPart.etype).key;
    const part = decodeEncTicketPart(decrypt(key, KU_TICKET, ticket.encPart.cipher));
    assert.deepEqual(part.cname.components, ['alice']);
    assert.equal(part.crealm, 'TEST.GSS');
    assert.deepEqual(part.key.keyvalue, cred.key.keyvalue);
    assert.ok(cred.ticketFlags & TKT_FLG_FORWARDABLE, 'forwardable copied from the TGT');
    // The second call is served from the cache: no KDC traffic.
    const lines: string[] = [];
    setTraceSink((l) => lines.push(l));
    try {
      const again = await getServiceCredentials({ ccache: cc, server: gsstest(), settings: config.settings });
      assert.deepEqual(again.ticket, cred.ticket);
    } finally {
      setTraceSink(undefined);
    }
    assert.ok(!lines.some((l) => l.includes('Sending request')), lines.join(''));
    // MIT kvno -k finds our ticket in the cache and checks it against the keytab.
    const out = realm.run(MIT_BIN.kvno, ['-k', realm.keytabs.gsstest, 'gsstest/localhost'], {
      env: { ...realm.env, KRB5CCNAME: cc.name },
    });
    assert.match(out, /kvno = 1, keytab entry valid/);
    assert.match(
      realm.run(MIT_BIN.klist, [], { env: { ...realm.env, KRB5CCNAME: cc.name } }),
      /gsstest\/localhost@TEST\.GSS/,
    );
  });

  it('MIT gss-client authenticates to MIT gss-server with the service ticket of our TGS exchange', async () => {
    const { cc } = await kinitInto(`FILE:${realm.dir}/api-gss.ccache`);
    const cred = await getServiceCredentials({ ccache: cc, server: gsstest(), settings: config.settings });
    const server = await startMitGssServer(realm);
    try {
      const trace = join(realm.dir, 'gss-client.trace');
      const r = await realm.exec(
        MIT_BIN.gssClient,
        ['-port', String(server.port), 'localhost', 'gsstest@localhost', 'hello from our ticket'],
        { env: { ...realm.env, KRB5CCNAME: cc.name, KRB5_TRACE: trace } },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      await server.idle();
      assert.match(server.log(), /hello from our ticket/);
      // MIT took the ticket from the cache rather than asking the KDC.
      assert.match(
        readFileSync(trace, 'utf8'),
        /Retrieving alice@TEST\.GSS -> gsstest\/localhost@TEST\.GSS from FILE:\S+ with result: 0\/Success/,
      );
      assert.equal((await cc.list()).filter((c) => c.server.components[0] === 'gsstest').length, 1);
      assert.ok(cred.ticket.length > 0);
    } finally {
      await server.stop();
    }
  });

  it('TGS exchange from a TGT that MIT kinit wrote', async () => {
    const cc = resolveCcache(realm.aliceCcache);
    const cred = await getServiceCredentials({
      ccache: cc,
      server: parsePrincipal('HTTP/localhost@TEST.GSS'),
      settings: config.settings,
    });
    const ticket = decodeTicket(cred.ticket);
    const key = findKey(
      await readKeytab(realm.keytabs.http),
      parsePrincipal('HTTP/localhost@TEST.GSS'),
      ticket.encPart.etype,
    ).key;
    assert.deepEqual(
      decodeEncTicketPart(decrypt(key, KU_TICKET, ticket.encPart.cipher)).key.keyvalue,
      cred.key.keyvalue,
    );
  });

  it('a forwarded TGT for delegation carries FORWARDED and is not stored', async () => {
    const { cc } = await kinitInto(`FILE:${realm.dir}/api-2.ccache`);
    const before = (await cc.list()).length;
    const fwd = await getForwardedTgt({ ccache: cc, settings: config.settings, forwardable: true });
    assert.ok(fwd.ticketFlags & TKT_FLG_FORWARDED);
    assert.ok(fwd.ticketFlags & TKT_FLG_FORWARDABLE);
    assert.deepEqual(fwd.server.components, ['krbtgt', 'TEST.GSS']);
    assert.equal((await cc.list()).length, before);
    // The forwarded TGT works as a TGT, as the acceptor of a delegation would use it.
    const delegated = resolveCcache(`MEMORY:delegated-${process.pid}`);
    await delegated.initialize(fwd.client);
    await delegated.store(fwd);
    const st = await getServiceCredentials({
      ccache: delegated,
      server: gsstest(),
      settings: config.settings,
    });
    assert.ok(st.ticketFlags & TKT_FLG_FORWARDED, 'tickets from a forwarded TGT are FORWARDED');
    await delegated.destroy();
  });

  it('KRB-ERRORs become GssError with MIT minor codes', async () => {
    await assert.rejects(
      getInitialCredentials({ client: alice(), password: 'wrong', settings: config.settings }),
      isGss(MINOR.KRB5KDC_ERR_PREAUTH_FAILED),
    );
    await assert.rejects(
      getInitialCredentials({
        client: parsePrincipal('nobody@TEST.GSS'),
        password: 'x',
        settings: config.settings,
      }),
      (e: unknown) =>
        isGss(MINOR.KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN)(e) && /nobody@TEST\.GSS/.test((e as Error).message),
    );
    const { cc } = await kinitInto(`FILE:${realm.dir}/api-3.ccache`);
    await assert.rejects(
      getServiceCredentials({
        ccache: cc,
        server: parsePrincipal('nosuch/localhost@TEST.GSS'),
        settings: config.settings,
      }),
      isGss(MINOR.KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN),
    );
  });

  it('keytab AS exchange for each enctype the keytab holds', async () => {
    const kt = await readKeytab(realm.keytabs.alice);
    for (const enctype of [18, 17, 20, 19]) {
      const settings = { ...config.settings, defaultTktEnctypes: [enctype] };
      const got = await getInitialCredentials({ client: alice(), keytab: kt, settings });
      assert.equal(got.credential.key.enctype, enctype);
      assert.equal(got.paType, 2);
    }
  });

  it('falls back to TCP when a UDP answer is RESPONSE_TOO_BIG', async () => {
    const port = await freePort();
    const udp = createSocket('udp4');
    let udpSeen = 0;
    udp.on('message', (_m, r) => {
      udpSeen++;
      udp.send(TOO_BIG, r.port, r.address);
    });
    await new Promise<void>((res) => udp.bind(port, '127.0.0.1', () => res()));
    const tcp = createServer((s) => {
      const up = connect(realm.port, '127.0.0.1');
      s.pipe(up).pipe(s);
      s.on('error', () => up.destroy());
      up.on('error', () => s.destroy());
    });
    await new Promise<void>((res) => tcp.listen(port, '127.0.0.1', () => res()));
    try {
      const settings = { ...config.settings, kdcLines: () => [`127.0.0.1:${port}`] };
      const got = await getInitialCredentials({ client: alice(), password: realm.alicePassword, settings });
      assert.deepEqual(got.credential.server.components, ['krbtgt', 'TEST.GSS']);
      assert.ok(udpSeen >= 1);
    } finally {
      udp.close();
      await new Promise((r) => tcp.close(r));
    }
  });

  it('a KDC that never answers gives KRB5_KDC_UNREACH within the configured bound', async () => {
    const port = await freePort();
    const udp = createSocket('udp4');
    await new Promise<void>((res) => udp.bind(port, '127.0.0.1', () => res()));
    try {
      const settings = {
        ...config.settings,
        kdcLines: () => [`udp/127.0.0.1:${port}`],
        firstWaitMs: 100,
        maxTotalMs: 1500,
      };
      const t0 = Date.now();
      await assert.rejects(
        getInitialCredentials({ client: alice(), password: realm.alicePassword, settings }),
        (e: unknown) => isGss(MINOR.KRB5_KDC_UNREACH)(e) && /TEST\.GSS/.test((e as Error).message),
      );
      assert.ok(Date.now() - t0 < 1500);
    } finally {
      udp.close();
    }
  });
});
