/**
 * arcfour-hmac against Active Directory as it is (Samba 4.17's AD DC): the SPN HTTP/rc4.<domain>
 * sits on a user account without msDS-SupportedEncryptionTypes, so AD issues its tickets with
 * RC4 and `samba-tool domain exportkeytab` exports only an RC4 key. With allow_rc4 our client
 * gets the ticket, our acceptor decrypts it with that keytab and the context works; asking for an
 * RC4 session key too gives a context with RFC 4757 section 7 tokens. RC4 needs OpenSSL's legacy
 * provider: the tests run in a child started with --openssl-legacy-provider.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { toHex, utf8 } from '../../src/util/bytes.js';
import { legacyProviderLoaded, runWithLegacyProvider } from '../harness/legacy-provider.js';
import { MIT_BIN } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';
import { AD_PASSWORDS, type SambaDomain, sambaSkip, startSambaDomain } from '../harness/samba.js';

/** The domain's krb5.conf with extra [libdefaults] lines, written beside it. */
function confWith(ad: SambaDomain, name: string, lines: readonly string[]): string {
  const text = readFileSync(ad.krb5Conf, 'utf8').replace(
    '[libdefaults]',
    `[libdefaults]\n  ${lines.join('\n  ')}`,
  );
  const path = join(ad.dir, name);
  writeFileSync(path, text);
  return path;
}

async function contextTo(ad: SambaDomain, acceptorKeytab: string) {
  const creds = await Credentials.acquire({
    usage: 'initiate',
    name: Name.principal('alice'),
    password: AD_PASSWORDS.alice,
  });
  const client = SecurityContext.initiate({
    target: Name.principal(`${ad.spns.rc4}@${ad.realm}`),
    credentials: creds,
    mutual: true,
    confidentiality: true,
  });
  const server = SecurityContext.accept({
    credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${acceptorKeytab}` }),
  });
  const reply = await server.step((await client.step())!);
  assert.ok(reply);
  await client.step(reply);
  assert.ok(client.isEstablished && server.isEstablished);
  assert.equal(String(server.initiatorName), `alice@${ad.realm}`);
  for (const conf of [true, false]) {
    const w = client.wrap(utf8('to the RC4 service'), { confidential: conf });
    assert.equal(new TextDecoder().decode(server.unwrap(w).message), 'to the RC4 service');
    const back = server.wrap(utf8('from the RC4 service'), { confidential: conf });
    assert.equal(new TextDecoder().decode(client.unwrap(back).message), 'from the RC4 service');
  }
  assert.equal(server.verifyMic(utf8('m'), client.getMic(utf8('m'))), 0);
  return { creds, client, server };
}

if (!legacyProviderLoaded()) {
  describe('Active Directory (Samba AD DC): RC4-HMAC service account', { skip: sambaSkip() }, () => {
    it('passes under --openssl-legacy-provider (child process)', () => {
      const r = runWithLegacyProvider(import.meta.url);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      assert.ok(r.pass >= 3 && r.fail === 0 && r.skipped === 0, r.stdout);
    });
  });
} else {
  describe('Active Directory (Samba AD DC): RC4-HMAC service account (legacy provider)', {
    skip: sambaSkip(),
  }, () => {
    let ad: SambaDomain;
    let restoreEnv: (() => void) | undefined;

    before(async () => {
      ad = await startSambaDomain();
      restoreEnv = preserveEnv();
      delete process.env.KRB5_CLIENT_KTNAME;
    });
    after(async () => {
      restoreEnv?.();
      await ad?.stop();
    });

    it("samba-tool's keytab for the SPN holds only an RC4 key (MIT klist -k -e)", () => {
      const out = ad.run(MIT_BIN.klist, ['-k', '-e', ad.keytabs.rc4]);
      assert.match(out, /HTTP\/rc4\.ad\.example\.test@AD\.EXAMPLE\.TEST \(DEPRECATED:arcfour-hmac\)/);
      assert.doesNotMatch(out, /aes/);
    });

    it('allow_rc4: the RC4 ticket (AES session key) is accepted with that keytab; CFX tokens both ways', async () => {
      process.env.KRB5_CONFIG = confWith(ad, 'krb5-rc4.conf', ['allow_rc4 = true']);
      const { creds, client } = await contextTo(ad, ad.keytabs.rc4);
      const cache = `FILE:${ad.dir}/rc4-ticket.ccache`;
      await creds.storeInto(cache);
      const listed = ad.run(MIT_BIN.klist, ['-e', '-c', cache], {
        env: { ...ad.env, KRB5_CONFIG: process.env.KRB5_CONFIG },
      });
      assert.match(
        listed,
        /HTTP\/rc4\.ad\.example\.test@AD\.EXAMPLE\.TEST\n.*Etype \(skey, tkt\): aes256-cts-hmac-sha1-96, DEPRECATED:arcfour-hmac/,
      );
      // RFC 4121 tokens: the session key is AES.
      assert.equal(toHex(client.getMic(utf8('x')).subarray(0, 2)), '0404');
      await creds.release();
    });

    it('allow_rc4 and RC4 asked for: an RC4 session key from AD, RFC 4757 section 7 tokens both ways', async () => {
      process.env.KRB5_CONFIG = confWith(ad, 'krb5-rc4-only.conf', [
        'allow_rc4 = true',
        'default_tgs_enctypes = arcfour-hmac',
      ]);
      const { creds, client } = await contextTo(ad, ad.keytabs.rc4);
      const cache = `FILE:${ad.dir}/rc4-session.ccache`;
      await creds.storeInto(cache);
      const listed = ad.run(MIT_BIN.klist, ['-e', '-c', cache], {
        env: { ...ad.env, KRB5_CONFIG: process.env.KRB5_CONFIG },
      });
      assert.match(
        listed,
        /HTTP\/rc4\.ad\.example\.test@AD\.EXAMPLE\.TEST\n.*Etype \(skey, tkt\): DEPRECATED:arcfour-hmac, DEPRECATED:arcfour-hmac/,
      );
      // RFC 2743 framing, then TOK_ID 01 01 and SGN_ALG 11 00.
      assert.equal(toHex(client.getMic(utf8('x')).subarray(13, 17)), '01011100');
      await creds.release();
    });
  });
}
