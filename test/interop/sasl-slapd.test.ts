/**
 * SASL GSSAPI binds by our client to OpenLDAP slapd (Cyrus SASL's GSSAPI plugin on the server),
 * one per security layer; after each bind the "Who am I?" extended operation (RFC 4532) runs
 * through the negotiated layer, and its answer must be the identity that OpenLDAP's own
 * `ldapwhoami -Y GSSAPI` gets for the same principal, and what slapd logs for the bind.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { SaslGssapiClient, type SaslSecurityLayer, type SecurityLayer } from '../../src/sasl/index.js';
import { type LdapResult, readMessages, saslBindRequest, whoAmIRequest } from '../harness/ldap-ber.js';
import { mitAvailable, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { LDAPWHOAMI_BIN, type Slapd, slapdAvailable, startSlapd } from '../harness/slapd.js';

const SKIP =
  (mitAvailable() && slapdAvailable()) || process.env.CI ? false : 'slapd or MIT krb5 is not installed';
const SASL_BIND_IN_PROGRESS = 14;
const dec = new TextDecoder();

/** An LDAP connection that reads whole messages, in clear or through a SASL security layer. */
class LdapConnection {
  readonly #socket: Socket;
  #buf: Uint8Array = new Uint8Array(0);
  readonly #queue: LdapResult[] = [];
  #layer: SaslSecurityLayer | undefined;
  #waiter: (() => void) | undefined;
  #error: Error | undefined;

  constructor(port: number) {
    this.#socket = connect(port, '127.0.0.1');
    this.#socket.on('data', (d: Buffer) => {
      try {
        const plain = this.#layer ? this.#layer.decode(new Uint8Array(d)) : [new Uint8Array(d)];
        this.#buf = new Uint8Array(Buffer.concat([this.#buf, ...plain]));
      } catch (e) {
        this.#error = e as Error;
      }
      this.#waiter?.();
    });
    this.#socket.on('error', (e) => {
      this.#error = e;
      this.#waiter?.();
    });
    this.#socket.on('close', () => {
      this.#error ??= new Error('slapd closed the connection');
      this.#waiter?.();
    });
  }

  protect(layer: SaslSecurityLayer | undefined): void {
    this.#layer = layer;
  }

  send(pdu: Uint8Array): void {
    this.#socket.write(this.#layer ? this.#layer.encode(pdu) : pdu);
  }

  async receive(): Promise<LdapResult> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { messages, rest } = readMessages(this.#buf);
      this.#buf = rest;
      this.#queue.push(...messages);
      const next = this.#queue.shift();
      if (next) return next;
      if (this.#error) throw this.#error;
      if (Date.now() > deadline) throw new Error('no LDAP response');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.#waiter = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}

describe('SASL GSSAPI bind to OpenLDAP slapd', { skip: SKIP }, () => {
  let realm: Realm;
  let slapd: Slapd;
  let restoreEnv = (): void => {};
  let reference = '';

  before(async () => {
    realm = await startRealm();
    realm.kadmin('addprinc -randkey ldap/localhost');
    const keytab = `${realm.dir}/ldap.keytab`;
    realm.kadmin(`ktadd -k ${keytab} -norandkey ldap/localhost`);
    slapd = await startSlapd(realm.env, keytab);
    restoreEnv = adoptRealmEnv(realm.env);
    // OpenLDAP's own client with Cyrus SASL: the identity slapd maps for alice.
    const r = await realm.exec(LDAPWHOAMI_BIN, [
      '-Q',
      '-N',
      '-Y',
      'GSSAPI',
      '-H',
      `ldap://localhost:${slapd.port}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    reference = r.stdout.trim();
    assert.match(reference, /^dn:uid=alice,/);
  });
  after(async () => {
    restoreEnv();
    await slapd?.stop();
    await realm?.stop();
  });

  for (const layer of ['none', 'integrity', 'confidentiality'] as SecurityLayer[]) {
    it(`binds with layer ${layer}; whoami through the layer matches ldapwhoami`, async () => {
      const conn = new LdapConnection(slapd.port);
      try {
        const client = new SaslGssapiClient({
          service: 'ldap',
          host: 'localhost',
          credentials: await Credentials.acquire({ usage: 'initiate' }),
          layers: [layer],
        });
        let id = 1;
        let res: LdapResult;
        let token = await client.step();
        for (;;) {
          conn.send(saslBindRequest(id, 'GSSAPI', token));
          res = await conn.receive();
          assert.equal(res.messageId, id++);
          if (res.resultCode !== SASL_BIND_IN_PROGRESS) break;
          token = await client.step(res.value ?? new Uint8Array(0));
        }
        assert.equal(res.resultCode, 0, `bind failed: ${res.resultCode} ${res.diagnosticMessage}`);
        assert.ok(client.isComplete);
        assert.equal(client.outcome.layer, layer);
        conn.protect(client.outcome.securityLayer);

        conn.send(whoAmIRequest(id));
        const who = await conn.receive();
        assert.equal(who.op, 0x78);
        assert.equal(who.resultCode, 0);
        assert.equal(dec.decode(who.value), reference);
        const ssf = { none: 0, integrity: 1, confidentiality: 256 }[layer];
        const bindDn = reference.slice('dn:'.length);
        const line = `BIND dn="${bindDn}" mech=GSSAPI bind_ssf=${ssf} ssf=${ssf}`;
        // slapd writes its stats log from its own threads: allow it a moment.
        for (let i = 0; i < 50 && !slapd.log().includes(line); i++)
          await new Promise((r) => setTimeout(r, 20));
        assert.ok(slapd.log().includes(line), `slapd's log lacks ${line}:\n${slapd.log()}`);
      } finally {
        conn.close();
      }
    });
  }
});
