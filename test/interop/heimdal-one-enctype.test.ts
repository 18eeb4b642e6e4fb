/**
 * Heimdal realms whose every key (krbtgt's included) has one AES enctype, for each of the four:
 * `gss kinit` gets a TGT encrypted in it with a session key of it, MIT's klist agrees, and our
 * TGS exchange and a GSS context (our initiator, our acceptor) work from that TGT.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { gss, heimdalSkip, startHeimdalRealm } from '../harness/heimdal.js';
import { AES_ENCTYPES, MIT_BIN, type Realm } from '../harness/realm.js';

describe('Heimdal realms with one AES enctype', { skip: heimdalSkip() }, () => {
  let savedConfig: string | undefined;
  before(() => {
    savedConfig = process.env.KRB5_CONFIG;
  });
  after(() => {
    if (savedConfig === undefined) delete process.env.KRB5_CONFIG;
    else process.env.KRB5_CONFIG = savedConfig;
  });

  for (const enctype of AES_ENCTYPES) {
    it(`${enctype} only: TGT, service ticket and GSS context`, async () => {
      const realm: Realm = await startHeimdalRealm({ enctypes: [enctype] });
      try {
        assert.match(realm.kadmin(`get krbtgt/${realm.realm}`), new RegExp(`Keytypes: ${enctype}\\(`));
        const cc = `FILE:${join(realm.dir, 'ours.ccache')}`;
        const env = { ...realm.env, KRB5CCNAME: cc };
        const k = await gss(['kinit', '--password-stdin', 'alice'], env, `${realm.alicePassword}\n`);
        assert.equal(k.code, 0, k.stderr);
        assert.match(
          realm.run(MIT_BIN.klist, ['-e'], { env }),
          new RegExp(`Etype \\(skey, tkt\\): ${enctype}, ${enctype}`),
        );
        process.env.KRB5_CONFIG = realm.krb5Conf;
        const client = SecurityContext.initiate({
          target: Name.hostbased('gsstest@localhost'),
          credentials: await Credentials.acquire({ usage: 'initiate', ccache: cc }),
        });
        const server = SecurityContext.accept({
          credentials: await Credentials.acquire({
            usage: 'accept',
            keytab: `FILE:${realm.keytabs.gsstest}`,
          }),
        });
        let tok = await client.step();
        while (tok) {
          const reply = await server.step(tok);
          tok = reply ? await client.step(reply) : undefined;
        }
        assert.ok(server.isEstablished);
        const msg = new TextEncoder().encode(enctype);
        assert.deepEqual(client.unwrap(server.wrap(msg)).message, msg);
        assert.match(
          realm.run(MIT_BIN.klist, ['-e'], { env }),
          new RegExp(`gsstest/localhost@HEIMDAL\\.GSS\\n\\s+Etype \\(skey, tkt\\): ${enctype}, ${enctype}`),
        );
      } finally {
        await realm.stop();
      }
    });
  }
});
