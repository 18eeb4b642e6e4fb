/**
 * MIT's tools against the embedded KDC: kinit (password on stdin), klist, kvno for each AES
 * enctype forced through krb5.conf; MIT's errors for a wrong password, an unknown principal and a
 * skewed KDC clock; renewal; gss-client to gss-server with tickets from our KDC, with delegation.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Kdc, startKdc } from '../../src/krb5/kdc/index.js';
import { startMitGssServer } from '../harness/gss-server.js';
import { AES_ENCTYPES, type ExecResult, interopSkip, MIT_BIN, type Realm, track } from '../harness/realm.js';

const REALM = 'EMBEDDED.GSS';

/** Runs a program; a child that exits without reading stdin (EPIPE) is not an error here. */
function exec(file: string, args: string[], input: string, env: NodeJS.ProcessEnv): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.stdin?.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}
const PASSWORD = 'alice-Embedded-1';

describe('MIT krb5 tools against the embedded KDC', { skip: interopSkip() }, () => {
  let kdc: Kdc;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const log: string[] = [];
  const conf = (): string => join(dir, 'krb5.conf');
  const run = (file: string, args: string[], input = '', extraEnv: NodeJS.ProcessEnv = {}) =>
    exec(file, args, input, { ...env, ...extraEnv });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-kdc-'));
    kdc = await startKdc({
      realm: REALM,
      principals: [{ name: 'alice', password: PASSWORD }, { name: 'gsstest/localhost' }],
      log: (l) => log.push(l),
    });
    kdc.writeKrb5Conf(conf());
    await kdc.exportKeytab(['gsstest/localhost'], join(dir, 'gsstest.keytab'));
    env = {
      ...process.env,
      KRB5_CONFIG: conf(),
      KRB5CCNAME: `FILE:${join(dir, 'ccache')}`,
      KRB5_KTNAME: `FILE:${join(dir, 'gsstest.keytab')}`,
      KRB5RCACHEDIR: dir,
    };
    delete env.KRB5_TRACE;
    delete env.KRB5_CLIENT_KTNAME;
  });
  after(async () => {
    await kdc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const enctype of AES_ENCTYPES) {
    it(`kinit, kvno and klist work with ${enctype} forced`, async () => {
      kdc.writeKrb5Conf(conf(), {
        libdefaults: [
          `default_tkt_enctypes = ${enctype}`,
          `default_tgs_enctypes = ${enctype}`,
          `permitted_enctypes = ${enctype}`,
        ],
      });
      try {
        const k = await run(MIT_BIN.kinit, ['alice'], `${PASSWORD}\n`);
        assert.equal(k.code, 0, k.stderr);
        const v = await run(MIT_BIN.kvno, ['gsstest/localhost']);
        assert.equal(v.code, 0, v.stderr);
        assert.match(v.stdout, /gsstest\/localhost@EMBEDDED\.GSS: kvno = 1/);
        const l = await run(MIT_BIN.klist, ['-e']);
        assert.equal(l.code, 0, l.stderr);
        const etypes = [...l.stdout.matchAll(/Etype \(skey, tkt\): ([\w-]+),/g)].map((m) => m[1]);
        assert.deepEqual(etypes, [enctype, enctype], l.stdout);
        assert.match(l.stdout, new RegExp(`krbtgt/${REALM}@${REALM}`));
      } finally {
        kdc.writeKrb5Conf(conf());
      }
    });
  }

  it('serves MIT kinit and kvno over TCP (udp_preference_limit = 1)', async () => {
    kdc.writeKrb5Conf(conf(), { libdefaults: ['udp_preference_limit = 1'] });
    try {
      const trace = join(dir, 'tcp.trace');
      const k = await run(MIT_BIN.kinit, ['alice'], `${PASSWORD}\n`, { KRB5_TRACE: trace });
      assert.equal(k.code, 0, k.stderr);
      const v = await run(MIT_BIN.kvno, ['gsstest/localhost'], '', { KRB5_TRACE: trace });
      assert.equal(v.code, 0, v.stderr);
      const t = readFileSync(trace, 'utf8');
      assert.match(t, /Sending TCP request to stream 127\.0\.0\.1/);
      assert.doesNotMatch(t, /dgram 127\.0\.0\.1/);
    } finally {
      kdc.writeKrb5Conf(conf());
    }
  });

  it('gives MIT kinit "Password incorrect" for a wrong password', async () => {
    const r = await run(MIT_BIN.kinit, ['alice'], 'not-the-password\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /kinit: Password incorrect while getting initial credentials/);
  });

  it('gives MIT kinit "not found in Kerberos database" for an unknown principal', async () => {
    const r = await run(MIT_BIN.kinit, ['nobody'], 'x\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Client 'nobody@EMBEDDED\.GSS' not found in Kerberos database/);
  });

  it('gives MIT kvno "not found" for an unknown service', async () => {
    assert.equal((await run(MIT_BIN.kinit, ['alice'], `${PASSWORD}\n`)).code, 0);
    const r = await run(MIT_BIN.kvno, ['nosuch/localhost']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Server nosuch\/localhost@EMBEDDED\.GSS not found in Kerberos database/);
  });

  it('gives MIT kinit "Clock skew too great" when the KDC clock is off (kdc_timesync = 0)', async () => {
    kdc.setClockOffset(3600_000);
    try {
      kdc.writeKrb5Conf(conf(), { libdefaults: ['kdc_timesync = 0'] });
      const r = await run(MIT_BIN.kinit, ['alice'], `${PASSWORD}\n`);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /kinit: Clock skew too great while getting initial credentials/);
      // With kdc_timesync (MIT's default) kinit takes the KDC's time from the PREAUTH_REQUIRED
      // error's stime and succeeds, as it does against MIT's KDC.
      kdc.writeKrb5Conf(conf());
      const ok = await run(MIT_BIN.kinit, ['alice'], `${PASSWORD}\n`);
      assert.equal(ok.code, 0, ok.stderr);
    } finally {
      kdc.setClockOffset(0);
      kdc.writeKrb5Conf(conf());
    }
  });

  it('issues renewable TGTs that MIT kinit -R renews', async () => {
    const k = await run(MIT_BIN.kinit, ['-r', '2d', '-l', '1h', 'alice'], `${PASSWORD}\n`);
    assert.equal(k.code, 0, k.stderr);
    const before = await run(MIT_BIN.klist, ['-f']);
    assert.match(before.stdout, /renew until/);
    assert.match(before.stdout, /Flags: FRIA/);
    const r = await run(MIT_BIN.kinit, ['-R']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      log.some((l) =>
        /^TGS_REQ alice@EMBEDDED\.GSS for krbtgt\/EMBEDDED\.GSS@EMBEDDED\.GSS \[[\w,-]*\brenew\b.*: ISSUE$/.test(
          l,
        ),
      ),
    );
    const afterRenew = await run(MIT_BIN.klist, ['-f']);
    assert.match(afterRenew.stdout, /renew until/);
  });

  it('serves MIT gss-client to MIT gss-server, with and without delegation (kinit -f, gss-client -d)', async () => {
    const k = await run(MIT_BIN.kinit, ['-f', 'alice'], `${PASSWORD}\n`);
    assert.equal(k.code, 0, k.stderr);
    // startMitGssServer reads only dir, env and keytabs.gsstest from its Realm argument.
    const realmLike = { dir, env, keytabs: { gsstest: join(dir, 'gsstest.keytab') } } as unknown as Realm;
    const srv = await startMitGssServer(realmLike);
    try {
      const plain = await run(MIT_BIN.gssClient, [
        '-port',
        String(srv.port),
        'localhost',
        'gsstest@localhost',
        'hi',
      ]);
      assert.equal(plain.code, 0, plain.stderr);
      assert.match(plain.stdout, /Signature verified/);
      const before = log.length;
      const deleg = await run(MIT_BIN.gssClient, [
        '-port',
        String(srv.port),
        '-d',
        'localhost',
        'gsstest@localhost',
        'delegated',
      ]);
      assert.equal(deleg.code, 0, deleg.stderr);
      assert.match(deleg.stdout, /Signature verified/);
      // The delegation asked our KDC for a FORWARDED TGT.
      assert.ok(
        log
          .slice(before)
          .some((l) =>
            /^TGS_REQ alice@EMBEDDED\.GSS for krbtgt\/EMBEDDED\.GSS@EMBEDDED\.GSS \[[\w,-]*\bforwarded\b.*: ISSUE$/.test(
              l,
            ),
          ),
        log.slice(before).join('\n'),
      );
      await srv.idle();
      assert.match(srv.log(), /Received message: "delegated"/);
    } finally {
      await srv.stop();
    }
  });
});
