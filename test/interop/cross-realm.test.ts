/**
 * Cross-realm against MIT krb5: two throwaway MIT realms, TEST.GSS and its child B.TEST.GSS, with
 * a one-way trust (krbtgt/B.TEST.GSS@TEST.GSS, the same key in both databases). alice@TEST.GSS
 * reaches gsstest/localhost@B.TEST.GSS through the TGS path (the realm hierarchy, then the same
 * with [capaths]) as MIT's kvno does: the caches hold the same principals, and the context is
 * accepted with B's keytab. Then the same trust between two embedded KDCs (src/krb5/kdc): one
 * issues the cross-realm TGT, the other honours it, for MIT's kvno and for our client.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { type Kdc, startKdc } from '../../src/krb5/kdc/index.js';
import { gss } from '../harness/heimdal.js';
import { execAsync, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';

const TRUST_PASSWORD = 'cross-Realm-Secret-1';

function clientConf(
  a: { realm: string; port: number },
  b: { realm: string; port: number },
  capaths: boolean,
): string {
  return `[libdefaults]
  default_realm = ${a.realm}
  dns_canonicalize_hostname = false
  rdns = false
  dns_lookup_kdc = false
  dns_lookup_realm = false

[realms]
  ${a.realm} = {
    kdc = 127.0.0.1:${a.port}
  }
  ${b.realm} = {
    kdc = 127.0.0.1:${b.port}
  }
${capaths ? `\n[capaths]\n  ${a.realm} = {\n    ${b.realm} = .\n  }\n` : ''}`;
}

function listed(klist: string): string[] {
  return klist
    .split('\n')
    .map((l) => /\s(\S+@\S+)$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
}

describe('cross-realm through the TGS path (two MIT realms)', { skip: interopSkip() }, () => {
  let a: Realm;
  let b: Realm;
  let restoreEnv = () => {};
  let n = 0;

  before(async () => {
    // A's KDC maps hosts under b.test to B.TEST.GSS: it answers with referrals for them.
    a = await startRealm({ realm: 'TEST.GSS', domainRealm: { '.b.test': 'B.TEST.GSS' } });
    b = await startRealm({ realm: 'B.TEST.GSS' });
    b.kadmin('addprinc -randkey gsstest/svc.b.test');
    b.kadmin(`ktadd -k ${b.dir}/svc.keytab gsstest/svc.b.test`);
    // The trust: the same password, so the same keys (the salt is the principal's realm and name).
    for (const r of [a, b]) r.kadmin(`addprinc -pw ${TRUST_PASSWORD} krbtgt/${b.realm}@${a.realm}`);
    restoreEnv = preserveEnv();
  });
  after(async () => {
    restoreEnv();
    await a?.stop();
    await b?.stop();
  });

  for (const capaths of [false, true]) {
    it(`alice@${'TEST.GSS'} gets gsstest/localhost@B.TEST.GSS ${capaths ? 'with [capaths]' : 'by the realm hierarchy'}, as MIT kvno does`, async () => {
      const conf = join(a.dir, `client-${n}.conf`);
      writeFileSync(conf, clientConf(a, b, capaths));
      const ours = `FILE:${a.dir}/xr-ours-${n}.ccache`;
      const theirs = `FILE:${a.dir}/xr-mit-${n}.ccache`;
      n++;
      const env = { ...a.env, KRB5_CONFIG: conf };
      for (const cc of [ours, theirs]) {
        a.run(MIT_BIN.kinit, ['-c', cc, 'alice'], { input: `${a.alicePassword}\n`, env });
      }
      process.env.KRB5_CONFIG = conf;
      process.env.KRB5CCNAME = ours;
      const creds = await Credentials.acquire({ usage: 'initiate' });
      const target = Name.principal(`gsstest/localhost@${b.realm}`);
      const client = SecurityContext.initiate({ target, credentials: creds, mutual: true });
      const server = SecurityContext.accept({
        credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${b.keytabs.gsstest}` }),
      });
      const token = await client.step();
      assert.ok(token);
      const reply = await server.step(token);
      assert.ok(reply);
      await client.step(reply);
      assert.ok(client.isEstablished && server.isEstablished);
      assert.equal(String(server.initiatorName), `alice@${a.realm}`);

      const kvno = await a.exec(MIT_BIN.kvno, ['-c', theirs, `gsstest/localhost@${b.realm}`], { env });
      assert.equal(kvno.code, 0, kvno.stderr);
      const ourList = await a.exec(MIT_BIN.klist, ['-c', ours], { env });
      const mitList = await a.exec(MIT_BIN.klist, ['-c', theirs], { env });
      assert.deepEqual(listed(ourList.stdout), listed(mitList.stdout));
      assert.deepEqual(listed(ourList.stdout), [
        `alice@${a.realm}`,
        `krbtgt/${a.realm}@${a.realm}`,
        `krbtgt/${b.realm}@${a.realm}`,
        `gsstest/localhost@${b.realm}`,
      ]);
      const gklist = await gss(['klist', '-c', ours], env);
      assert.equal(gklist.stdout, ourList.stdout);
    });
  }
  it('RFC 6806 referral: a host-based name with no realm mapping on the client, the KDC refers it to B.TEST.GSS, as MIT follows it', async () => {
    const conf = join(a.dir, `client-${n}.conf`);
    writeFileSync(conf, clientConf(a, b, false));
    const ours = `FILE:${a.dir}/xr-ours-${n}.ccache`;
    const theirs = `FILE:${a.dir}/xr-mit-${n}.ccache`;
    n++;
    const env = { ...a.env, KRB5_CONFIG: conf };
    for (const cc of [ours, theirs])
      a.run(MIT_BIN.kinit, ['-c', cc, 'alice'], { input: `${a.alicePassword}\n`, env });
    process.env.KRB5_CONFIG = conf;
    process.env.KRB5CCNAME = ours;
    const creds = await Credentials.acquire({ usage: 'initiate' });
    const target = Name.hostbased('gsstest@svc.b.test');
    assert.equal(target.principal.realm, '', 'no [domain_realm] entry: the referral realm');
    const client = SecurityContext.initiate({ target, credentials: creds, mutual: true });
    const server = SecurityContext.accept({
      credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${b.dir}/svc.keytab` }),
    });
    const token = await client.step();
    assert.ok(token);
    const reply = await server.step(token);
    assert.ok(reply);
    await client.step(reply);
    assert.equal(String(server.initiatorName), `alice@${a.realm}`);
    const kvno = await a.exec(MIT_BIN.kvno, ['-c', theirs, '-S', 'gsstest', 'svc.b.test'], { env });
    assert.equal(kvno.code, 0, kvno.stderr);
    const ourList = listed((await a.exec(MIT_BIN.klist, ['-c', ours], { env })).stdout);
    const mitList = listed((await a.exec(MIT_BIN.klist, ['-c', theirs], { env })).stdout);
    assert.ok(ourList.includes(`gsstest/svc.b.test@${b.realm}`), ourList.join(' '));
    assert.deepEqual(ourList, mitList);
  });
});

describe('cross-realm between two embedded KDCs', { skip: interopSkip() }, () => {
  let a: Kdc;
  let b: Kdc;
  let dir: string;
  let restoreEnv = () => {};
  const trust = { name: '', password: TRUST_PASSWORD };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-xrealm-'));
    a = await startKdc({
      realm: 'EMB.GSS',
      principals: [
        { name: 'alice', password: 'alice-Emb-1' },
        { ...trust, name: 'krbtgt/B.EMB.GSS' },
      ],
    });
    b = await startKdc({
      realm: 'B.EMB.GSS',
      principals: [{ name: 'gsstest/localhost' }, { ...trust, name: 'krbtgt/B.EMB.GSS@EMB.GSS' }],
    });
    restoreEnv = preserveEnv();
  });
  after(async () => {
    restoreEnv();
    await a?.stop();
    await b?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('A issues krbtgt/B.EMB.GSS@EMB.GSS and B honours it: MIT kvno and our context', async () => {
    const conf = join(dir, 'krb5.conf');
    writeFileSync(conf, clientConf(a, b, false));
    const keytab = join(dir, 'b.keytab');
    await b.exportKeytab(['gsstest/localhost'], keytab);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KRB5_CONFIG: conf,
      KRB5CCNAME: `FILE:${dir}/mit.ccache`,
    };
    delete env.KRB5_TRACE;
    const mit = (file: string, args: string[], input = '') => execAsync(file, args, { env, input });
    const k = await mit(MIT_BIN.kinit, ['alice@EMB.GSS'], 'alice-Emb-1\n');
    assert.equal(k.code, 0, k.stderr);
    const kvno = await mit(MIT_BIN.kvno, ['gsstest/localhost@B.EMB.GSS']);
    assert.equal(kvno.code, 0, kvno.stderr);
    const list = await mit(MIT_BIN.klist, []);
    assert.deepEqual(listed(list.stdout).slice(1), [
      'krbtgt/EMB.GSS@EMB.GSS',
      'krbtgt/B.EMB.GSS@EMB.GSS',
      'gsstest/localhost@B.EMB.GSS',
    ]);

    process.env.KRB5_CONFIG = conf;
    const creds = await Credentials.acquire({
      usage: 'initiate',
      name: Name.principal('alice@EMB.GSS'),
      password: 'alice-Emb-1',
    });
    const client = SecurityContext.initiate({
      target: Name.principal('gsstest/localhost@B.EMB.GSS'),
      credentials: creds,
    });
    const server = SecurityContext.accept({
      credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${keytab}` }),
    });
    const token = await client.step();
    assert.ok(token);
    await server.step(token);
    assert.ok(server.isEstablished);
    assert.equal(String(server.initiatorName), 'alice@EMB.GSS');
    await creds.release();
  });
});
