/**
 * `gss kinit` and `gss klist` against a live MIT realm: MIT's klist and kvno read what we write,
 * and our klist prints what MIT's prints for caches and keytabs MIT wrote.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AES_ENCTYPES,
  type ExecResult,
  interopSkip,
  MIT_BIN,
  type Realm,
  startRealm,
  track,
} from '../harness/realm.js';

const ENTRY = `const { main } = await import(${JSON.stringify(join(process.cwd(), 'src/cli/main.ts'))});
process.exitCode = await main(process.argv.slice(1));`;

/** Runs a program; stdin gets `input` (a closed pipe is fine: short-lived tools may not read it). */
function execAsync(
  file: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv },
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(file, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.stdin?.on('error', () => {});
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs `gss ARGS` from source through tsx. */
function gss(realm: Realm, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  return execAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, ...args], {
    input: opts.input,
    env: opts.env ?? realm.env,
  });
}

describe('gss kinit / gss klist against MIT krb5', { skip: interopSkip() }, () => {
  let realm: Realm;
  let n = 0;
  const cache = () => `FILE:${realm.dir}/cli-${n++}.ccache`;
  const withCache = (cc: string, extra: NodeJS.ProcessEnv = {}) => ({
    ...realm.env,
    KRB5CCNAME: cc,
    ...extra,
  });

  before(async () => {
    realm = await startRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  it('kinit with the password on stdin writes a ccache MIT klist lists and MIT kvno uses', async () => {
    const cc = cache();
    const env = withCache(cc);
    const r = await gss(realm, ['kinit', '--password-stdin', 'alice'], {
      input: `${realm.alicePassword}\n`,
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const listed = realm.run(MIT_BIN.klist, ['-f', '-e'], { env });
    assert.match(listed, new RegExp(`Ticket cache: ${cc}`));
    assert.match(listed, /Default principal: alice@TEST\.GSS/);
    assert.match(
      listed,
      /krbtgt\/TEST\.GSS@TEST\.GSS\n\tFlags: FIA, Etype \(skey, tkt\): aes256-cts-hmac-sha1-96/,
    );
    // The same config entries as MIT kinit writes, in the same order.
    const config = realm
      .run(MIT_BIN.klist, ['-C'], { env })
      .split('\n')
      .filter((l) => l.startsWith('config:'));
    assert.deepEqual(config, [
      'config: fast_avail(krbtgt/TEST.GSS@TEST.GSS) = yes',
      'config: pa_type(krbtgt/TEST.GSS@TEST.GSS) = 2',
    ]);
    const kvno = realm.run(MIT_BIN.kvno, ['gsstest/localhost'], { env });
    assert.match(kvno, /gsstest\/localhost@TEST\.GSS: kvno = 1/);
    // MIT checks the service ticket it got with our TGT against the service keytab.
    realm.run(MIT_BIN.kvno, ['-k', realm.keytabs.gsstest, 'gsstest/localhost'], { env });
    assert.match(realm.run(MIT_BIN.klist, [], { env }), /gsstest\/localhost@TEST\.GSS/);
  });

  it('kinit without --password-stdin reads a piped password as MIT kinit does', async () => {
    const env = withCache(cache());
    const r = await gss(realm, ['kinit', 'alice'], { input: `${realm.alicePassword}\n`, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(realm.run(MIT_BIN.klist, ['-s'], { env }), /^$/);
  });

  it('kinit -k -t KEYTAB, and -k -i with KRB5_CLIENT_KTNAME', async () => {
    let env = withCache(cache());
    let r = await gss(realm, ['kinit', '-k', '-t', realm.keytabs.alice, 'alice'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(realm.run(MIT_BIN.klist, [], { env }), /krbtgt\/TEST\.GSS@TEST\.GSS/);
    env = withCache(cache(), { KRB5_CLIENT_KTNAME: `FILE:${realm.keytabs.alice}` });
    r = await gss(realm, ['kinit', '-k', '-i', 'alice'], { env });
    assert.equal(r.code, 0, r.stderr);
    realm.run(MIT_BIN.kvno, ['gsstest/localhost'], { env });
  });

  it('kinit -l and -f/-F set the lifetime and forwardable flag as MIT shows them', async () => {
    const env = withCache(cache());
    const r = await gss(realm, ['kinit', '-F', '-l', '1h', 'alice'], {
      input: `${realm.alicePassword}\n`,
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = realm.run(MIT_BIN.klist, ['-f'], { env });
    const m =
      /(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) {2}(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) {2}krbtgt/.exec(
        out,
      );
    assert.ok(m, out);
    const t = (i: number) =>
      Date.UTC(2000 + +m[i + 2], +m[i] - 1, +m[i + 1], +m[i + 3], +m[i + 4], +m[i + 5]);
    // till is our clock + 1 h; the KDC's authtime may be a second later.
    const life = (t(7) - t(1)) / 1000;
    assert.ok(life >= 3598 && life <= 3600, `lifetime ${life}`);
    assert.match(out, /Flags: IA\n/);
  });

  it('gss klist prints what MIT klist prints for an MIT kinit ccache', async () => {
    const env = withCache(cache());
    realm.run(MIT_BIN.kinit, ['-r', '2d', 'alice'], { input: `${realm.alicePassword}\n`, env });
    realm.run(MIT_BIN.kvno, ['gsstest/localhost', 'host/localhost'], { env });
    for (const opts of [[], ['-e'], ['-f'], ['-f', '-e'], ['-C'], ['-a', '-f']]) {
      const ours = await gss(realm, ['klist', ...opts], { env });
      const mit = await execAsync(MIT_BIN.klist, opts, { env });
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, mit.stdout, `klist ${opts.join(' ')}`);
    }
    const s = await gss(realm, ['klist', '-s'], { env });
    assert.equal(s.code, 0);
    // The cache named as an operand, with or without -c, as MIT.
    const cc = env.KRB5CCNAME ?? '';
    for (const args of [['-c', cc], [cc], ['-e', '-c', cc]]) {
      const ours = await gss(realm, ['klist', ...args], { env: realm.env });
      assert.equal(
        ours.stdout,
        (await execAsync(MIT_BIN.klist, args, { env: realm.env })).stdout,
        args.join(' '),
      );
    }
  });

  it('gss klist -k prints what MIT klist -k prints for a keytab written by ktadd', async () => {
    for (const opts of [['-k'], ['-k', '-t'], ['-k', '-e'], ['-k', '-t', '-e', '-K']]) {
      const ours = await gss(realm, ['klist', ...opts, realm.keytabs.services]);
      const mit = await execAsync(MIT_BIN.klist, [...opts, realm.keytabs.services], { env: realm.env });
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, mit.stdout, `klist ${opts.join(' ')}`);
    }
    // With no name: KRB5_KTNAME, as MIT.
    const ours = await gss(realm, ['klist', '-k', '-e']);
    assert.equal(ours.stdout, (await execAsync(MIT_BIN.klist, ['-k', '-e'], { env: realm.env })).stdout);
  });

  it('klist of a missing cache or keytab fails as MIT does', async () => {
    const env = withCache(`FILE:${realm.dir}/none.ccache`);
    const r = await gss(realm, ['klist'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No credentials cache found/);
    assert.equal((await gss(realm, ['klist', '-s'], { env })).code, 1);
    const k = await gss(realm, ['klist', '-k', `${realm.dir}/none.keytab`]);
    assert.equal(k.code, 1);
    assert.match(k.stderr, /while starting keytab scan/);
  });

  for (const enctype of AES_ENCTYPES) {
    it(`kinit with default_tkt_enctypes = ${enctype} gets that session key, and MIT uses the ccache`, async () => {
      const conf = join(realm.dir, `krb5-${enctype}.conf`);
      realm.run('/bin/sh', [
        '-c',
        `sed 's/^  forwardable = true/  forwardable = true\\n  default_tkt_enctypes = ${enctype}\\n  default_tgs_enctypes = ${enctype}/' ${realm.krb5Conf} > ${conf}`,
      ]);
      const env = withCache(cache(), { KRB5_CONFIG: conf });
      const r = await gss(realm, ['kinit', '--password-stdin', 'alice'], {
        input: `${realm.alicePassword}\n`,
        env,
      });
      assert.equal(r.code, 0, r.stderr);
      realm.run(MIT_BIN.kvno, ['-k', realm.keytabs.gsstest, 'gsstest/localhost'], { env });
      const out = realm.run(MIT_BIN.klist, ['-e'], { env });
      assert.match(out, new RegExp(`krbtgt/TEST\\.GSS@TEST\\.GSS\\n\\tEtype \\(skey, tkt\\): ${enctype},`));
      assert.match(out, new RegExp(`gsstest/localhost@TEST\\.GSS\\n\\tEtype \\(skey, tkt\\): ${enctype},`));
    });
  }

  it('wrong password, unknown principal and a dead KDC give MIT-like messages and exit 1', async () => {
    const env = withCache(cache());
    let r = await gss(realm, ['kinit', 'alice'], { input: 'wrong\n', env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Password incorrect while getting initial credentials/);
    r = await gss(realm, ['kinit', 'nobody'], { input: 'x\n', env });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /Client 'nobody@TEST\.GSS' not found in Kerberos database while getting initial credentials/,
    );
    const conf = join(realm.dir, 'dead.conf');
    realm.run('/bin/sh', ['-c', `sed 's/127.0.0.1:${realm.port}/127.0.0.1:1/' ${realm.krb5Conf} > ${conf}`]);
    r = await gss(realm, ['kinit', 'alice'], { input: 'x\n', env: { ...env, KRB5_CONFIG: conf } });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /Cannot contact any KDC for realm 'TEST\.GSS'.*udp\/127\.0\.0\.1:1.*tcp\/127\.0\.0\.1:1/,
    );
  });

  it('KRB5_TRACE writes MIT-style lines, TCP when udp_preference_limit = 1, and never key bytes', async () => {
    const conf = join(realm.dir, 'tcp.conf');
    realm.run('/bin/sh', [
      '-c',
      `sed 's/^  forwardable = true/  forwardable = true\\n  udp_preference_limit = 1/' ${realm.krb5Conf} > ${conf}`,
    ]);
    const trace = join(realm.dir, 'trace.log');
    const env = withCache(cache(), { KRB5_CONFIG: conf, KRB5_TRACE: trace });
    const r = await gss(realm, ['kinit', 'alice'], { input: `${realm.alicePassword}\n`, env });
    assert.equal(r.code, 0, r.stderr);
    const text = realm.run('/bin/cat', [trace]);
    assert.match(text, /^\[\d+\] \d+\.\d{6}: Getting initial credentials for alice@TEST\.GSS$/m);
    assert.match(text, /: Sending unauthenticated request$/m);
    assert.match(
      text,
      new RegExp(`: Initiating TCP connection to stream 127\\.0\\.0\\.1:${realm.port}$`, 'm'),
    );
    assert.doesNotMatch(text, /UDP request/);
    assert.match(text, /Received error from KDC: -1765328359\/Additional pre-authentication required/);
    assert.match(text, /: Selected etype info: etype aes256-cts, salt "TEST\.GSSalice", params ""$/m);
    assert.match(text, /Decrypted AS reply; session key is: aes256-cts$/m);
    // No hex longer than a few bytes (keys would be 32 or 64 hex digits).
    assert.doesNotMatch(text, /[0-9a-fA-F]{24}/);
    realm.run(MIT_BIN.kvno, ['gsstest/localhost'], { env: { ...env, KRB5_TRACE: undefined } });
  });
});
