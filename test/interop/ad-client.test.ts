/**
 * The client side against Active Directory as it is: Samba 4.17's AD DC (test/harness/samba.ts).
 * `gss kinit` with password and keytab, enterprise names and a realm typed in lower case
 * (RFC 6806 canonicalization, compared with MIT's kinit -C / -E), the password-expiry warning
 * AD sends in LastReq (the line MIT kinit prints), our klist and MIT's klist on the same cache,
 * and contexts to SPNs on a user account and a computer account, accepted with keytabs from
 * `samba-tool domain exportkeytab`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { gss } from '../harness/heimdal.js';
import { MIT_BIN } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';
import { AD_PASSWORDS, type SambaDomain, sambaSkip, startSambaDomain } from '../harness/samba.js';

/** The klist lines that name principals and tickets (times differ between two kinits). */
function principals(klist: string): string[] {
  return klist
    .split('\n')
    .filter((l) => /^Default principal:|@/.test(l))
    .map((l) => l.replace(/^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\s+\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\s+/, ''))
    .filter((l) => !l.startsWith('\trenew until'));
}

async function establish(creds: Credentials, target: Name, acceptor: Credentials) {
  const client = SecurityContext.initiate({ target, credentials: creds, mutual: true });
  const server = SecurityContext.accept({ credentials: acceptor });
  const token = await client.step();
  assert.ok(token);
  const reply = await server.step(token);
  assert.ok(reply);
  await client.step(reply);
  assert.ok(client.isEstablished && server.isEstablished);
  const wrapped = client.wrap(new TextEncoder().encode('to AD'), { confidential: true });
  assert.equal(new TextDecoder().decode(server.unwrap(wrapped).message), 'to AD');
  return server;
}

describe('Active Directory (Samba AD DC): client', { skip: sambaSkip() }, () => {
  let ad: SambaDomain;
  let restoreEnv = () => {};
  let n = 0;
  const cache = () => `FILE:${ad.dir}/ad-${n++}.ccache`;

  before(async () => {
    ad = await startSambaDomain();
    restoreEnv = preserveEnv();
    process.env.KRB5_CONFIG = ad.krb5Conf;
    delete process.env.KRB5_CLIENT_KTNAME;
  });
  after(async () => {
    restoreEnv();
    await ad?.stop();
  });

  it('gss kinit with a password: the password-expiry line MIT kinit prints, and klist agrees with MIT', async () => {
    const ours = cache();
    const r = await gss(
      ['kinit', '--password-stdin', '-c', ours, 'alice'],
      ad.env,
      `${AD_PASSWORDS.alice}\n`,
    );
    assert.equal(r.code, 0, r.stderr);
    const mitCache = cache();
    const m = await ad.exec(MIT_BIN.kinit, ['-c', mitCache, 'alice'], { input: `${AD_PASSWORDS.alice}\n` });
    assert.equal(m.code, 0, m.stderr);
    const mitWarning = m.stdout.split('\n').find((l) => l.startsWith('Warning: Your password will expire'));
    assert.ok(mitWarning, `MIT kinit printed no expiry warning: ${m.stdout}`);
    assert.match(r.stdout, /^Warning: Your password will expire in \d+ days on /m);
    assert.equal(r.stdout.trim(), mitWarning);
    const ourList = await gss(['klist', '-c', ours], ad.env);
    const mitList = await ad.exec(MIT_BIN.klist, ['-c', ours]);
    assert.equal(ourList.code, 0, ourList.stderr);
    assert.equal(mitList.code, 0, mitList.stderr);
    assert.equal(ourList.stdout, mitList.stdout);
    assert.deepEqual(principals(mitList.stdout), [
      `Default principal: alice@${ad.realm}`,
      `krbtgt/${ad.realm}@${ad.realm}`,
    ]);
  });

  it('gss kinit -k with the keytab samba-tool exported; MIT kvno gets SPN tickets with it', async () => {
    const ours = cache();
    const r = await gss(['kinit', '-k', '-t', ad.keytabs.alice, '-c', ours, 'alice'], ad.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'no password, no warning (MIT warns through the password prompter only)');
    const kvno = await ad.exec(MIT_BIN.kvno, ['-c', ours, ad.spns.web, ad.spns.ws1]);
    assert.equal(kvno.code, 0, kvno.stderr);
    const ourList = await gss(['klist', '-c', ours], ad.env);
    const mitList = await ad.exec(MIT_BIN.klist, ['-c', ours]);
    assert.equal(ourList.stdout, mitList.stdout);
    assert.deepEqual(principals(ourList.stdout).slice(2), [
      `${ad.spns.web}@${ad.realm}`,
      `${ad.spns.ws1}@${ad.realm}`,
    ]);
  });

  it('enterprise names: gss kinit -E keeps the name and -C -E takes the canonical one, as MIT kinit', async () => {
    for (const flags of [['-E'], ['-C', '-E']]) {
      const ours = cache();
      const mine = await gss(
        ['kinit', ...flags, '--password-stdin', '-c', ours, `ALICE@${ad.domain}`],
        ad.env,
        `${AD_PASSWORDS.alice}\n`,
      );
      assert.equal(mine.code, 0, mine.stderr);
      const theirs = cache();
      const m = await ad.exec(MIT_BIN.kinit, [...flags, '-c', theirs, `ALICE@${ad.domain}`], {
        input: `${AD_PASSWORDS.alice}\n`,
      });
      assert.equal(m.code, 0, m.stderr);
      const a = await ad.exec(MIT_BIN.klist, ['-c', ours]);
      const b = await ad.exec(MIT_BIN.klist, ['-c', theirs]);
      assert.deepEqual(principals(a.stdout), principals(b.stdout), flags.join(' '));
      const want = flags.includes('-C') ? `alice@${ad.realm}` : `ALICE\\@${ad.domain}@${ad.realm}`;
      assert.equal(principals(a.stdout)[0], `Default principal: ${want}`);
    }
  });

  it('a realm typed in lower case: gss kinit -C gets alice@REALM as AD answers; without -C the reply is refused as MIT refuses it', async () => {
    const ours = cache();
    const r = await gss(
      ['kinit', '-C', '--password-stdin', '-c', ours, `alice@${ad.domain}`],
      ad.env,
      `${AD_PASSWORDS.alice}\n`,
    );
    assert.equal(r.code, 0, r.stderr);
    const list = await ad.exec(MIT_BIN.klist, ['-c', ours]);
    assert.deepEqual(principals(list.stdout), [
      `Default principal: alice@${ad.realm}`,
      `krbtgt/${ad.realm}@${ad.realm}`,
    ]);
    const plain = await gss(
      ['kinit', '--password-stdin', '-c', cache(), `alice@${ad.domain}`],
      ad.env,
      `${AD_PASSWORDS.alice}\n`,
    );
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /KDC reply did not match expectations/);
  });

  it('Credentials.acquire: an enterprise name with a password, canonicalized, with the password expiry', async () => {
    const creds = await Credentials.acquire({
      usage: 'initiate',
      name: Name.enterprise(`alice@${ad.domain}`),
      password: AD_PASSWORDS.alice,
      canonicalize: true,
    });
    assert.equal(String(creds.name), `alice@${ad.realm}`);
    const exp = creds.passwordExpiration;
    assert.ok(exp, 'AD announces the password expiry');
    const days = (exp.getTime() - Date.now()) / 86400_000;
    assert.ok(days > 40 && days <= 42, `Samba's default maxPwdAge is 42 days; got ${days}`);
    const acceptor = await Credentials.acquire({ usage: 'accept', keytab: `FILE:${ad.keytabs.web}` });
    const server = await establish(creds, Name.principal(`${ad.spns.web}@${ad.realm}`), acceptor);
    assert.equal(String(server.initiatorName), `alice@${ad.realm}`);
    await creds.release();
  });

  it('Credentials.acquire from a client keytab: contexts to an SPN on a user account and on a computer account', async () => {
    process.env.KRB5CCNAME = cache();
    process.env.KRB5_CLIENT_KTNAME = `FILE:${ad.keytabs.alice}`;
    try {
      const creds = await Credentials.acquire({ usage: 'initiate', name: Name.principal('alice') });
      assert.ok(creds.passwordExpiration, 'the KDC announces it whatever the key came from');
      for (const [spn, keytab] of [
        [ad.spns.web, ad.keytabs.web],
        [ad.spns.ws1, ad.keytabs.ws1],
      ] as const) {
        const acceptor = await Credentials.acquire({ usage: 'accept', keytab: `FILE:${keytab}` });
        const [service, host] = spn.split('/');
        const server = await establish(creds, Name.hostbased(`${service}@${host}`), acceptor);
        assert.equal(String(server.initiatorName), `alice@${ad.realm}`);
      }
    } finally {
      delete process.env.KRB5_CLIENT_KTNAME;
    }
  });

  it('an SPN on a user account without msDS-SupportedEncryptionTypes: AD issues RC4, refused without allow_rc4, naming it', async () => {
    const creds = await Credentials.acquire({
      usage: 'initiate',
      name: Name.principal('alice'),
      password: AD_PASSWORDS.alice,
    });
    const client = SecurityContext.initiate({
      target: Name.principal(`${ad.spns.rc4}@${ad.realm}`),
      credentials: creds,
    });
    const token = await client.step();
    assert.ok(token, 'the initiator gets the RC4 ticket (its session key is AES)');
    const server = SecurityContext.accept({
      credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${ad.keytabs.rc4}` }),
    });
    await assert.rejects(server.step(token), (e: unknown) => {
      assert.ok(e instanceof GssError);
      assert.equal(e.major, GSS_S_FAILURE);
      assert.equal(e.minor, MINOR.KRB5_NOPERM_ETYPE);
      assert.match(e.message, /arcfour-hmac \(RC4\).*msDS-SupportedEncryptionTypes.*allow_rc4 = true/);
      return true;
    });
    await creds.release();
  });
});
