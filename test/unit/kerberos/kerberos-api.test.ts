/**
 * gssapi-ts/kerberos against the behaviour of the `kerberos` 7.0.0 addon (src/unix/kerberos_gss.cc,
 * src/kerberos.cc, lib/index.js), on the embedded KDC: the odd details a drop-in must keep.
 * The addon's own suite runs in test/interop/kerberos-suite.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { GssError } from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import * as root from '../../../src/index.js';
import * as kerberos from '../../../src/kerberos/index.js';
import { decodeBase64 } from '../../../src/kerberos/status.js';
import { ALICE_PASSWORD, REALM, type SecurityWorld, startSecurityWorld } from '../security/world.js';

const SERVICE = 'gsstest@localhost';
const ALICE = `alice@${REALM}`;
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Error);
    return e;
  }
  assert.fail('expected a rejection');
}

describe('gssapi-ts/kerberos: the surface of npm kerberos 7', () => {
  it('exports the addon constants with its values, a version and definedNapiVersion', () => {
    assert.deepEqual(
      [
        kerberos.GSS_C_DELEG_FLAG,
        kerberos.GSS_C_MUTUAL_FLAG,
        kerberos.GSS_C_REPLAY_FLAG,
        kerberos.GSS_C_SEQUENCE_FLAG,
        kerberos.GSS_C_CONF_FLAG,
        kerberos.GSS_C_INTEG_FLAG,
        kerberos.GSS_C_ANON_FLAG,
        kerberos.GSS_C_PROT_READY_FLAG,
        kerberos.GSS_C_TRANS_FLAG,
        kerberos.GSS_C_NO_OID,
        kerberos.GSS_MECH_OID_KRB5,
        kerberos.GSS_MECH_OID_SPNEGO,
      ],
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 0, 9, 6],
    );
    assert.equal(kerberos.version, JSON.parse(readFileSync('package.json', 'utf8')).version);
    assert.equal(kerberos.definedNapiVersion(), '9');
  });

  it('the package root carries the same API (for "kerberos": "npm:gssapi-ts@...")', () => {
    const api: Record<string, unknown> = { ...kerberos };
    const top: Record<string, unknown> = { ...root };
    for (const name of Object.keys(api)) assert.equal(top[name], api[name], name);
  });

  it('base64 as the addon decodes it: a bad group empties the input, NUL ends it', () => {
    assert.deepEqual(decodeBase64('QUJD').bytes, new Uint8Array([65, 66, 67]));
    assert.deepEqual(decodeBase64('QQ==QUI=').bytes, new Uint8Array([65, 65, 66]));
    assert.deepEqual(decodeBase64('QUJD\0QUJD').bytes, new Uint8Array([65, 66, 67]));
    for (const bad of ['QQ', 'QUJ', 'QU JD', 'QUJD-_', '=QUJ', 'QUJDé'])
      assert.equal(decodeBase64(bad).bytes.length, 0);
    // 'challenge': two good groups then a short one. The C buffer keeps the six decoded bytes with
    // the first zeroed, which is what wrap() reads.
    const c = decodeBase64('challenge');
    assert.equal(c.bytes.length, 0);
    assert.deepEqual(c.memory, new Uint8Array([0, ...Buffer.from('challeng', 'base64').subarray(1)]));
  });
});

describe('gssapi-ts/kerberos on the embedded KDC', () => {
  let world: SecurityWorld;

  before(async () => {
    world = await startSecurityWorld();
    await world.alice.storeInto(process.env.KRB5CCNAME as string);
  });
  after(() => world?.stop());

  async function establish(flags?: number) {
    const client = await kerberos.initializeClient(SERVICE, flags === undefined ? {} : { flags });
    const server = await kerberos.initializeServer(SERVICE);
    const token = await client.step('');
    assert.ok(token);
    const reply = await server.step(token);
    return { client, server, token, reply };
  }

  it('client and server establish; names, responses and contextComplete as the addon sets them', async () => {
    const { client, server, token, reply } = await establish();
    assert.equal(client.contextComplete, false);
    assert.equal(client.response, token);
    assert.equal(client.username, null);
    // The server side reports completion after its step; its response is the AP-REP.
    assert.equal(server.contextComplete, true);
    assert.equal(server.username, ALICE);
    assert.equal(server.targetName, null);
    assert.ok(reply);
    assert.equal(server.response, reply);
    assert.equal(await client.step(reply), null);
    assert.equal(client.response, null);
    assert.equal(client.contextComplete, true);
    assert.equal(client.username, ALICE);
    assert.equal(client.responseConf, 0);
  });

  it('flags without GSS_C_MUTUAL_FLAG: one token, no reply, complete after the first step', async () => {
    const { client, server, reply } = await establish(kerberos.GSS_C_SEQUENCE_FLAG);
    assert.equal(client.contextComplete, true);
    assert.equal(reply, null);
    assert.equal(server.response, null);
    assert.equal(server.username, ALICE);
  });

  it("initializeServer(''): any key of the default keytab, targetName filled in", async () => {
    const client = await kerberos.initializeClient(SERVICE);
    const server = await kerberos.initializeServer('');
    await server.step((await client.step('')) as string);
    assert.equal(server.targetName, `gsstest/localhost@${REALM}`);
  });

  it('options.principal acquires that client; an unknown one fails at initializeClient', async () => {
    const client = await kerberos.initializeClient(SERVICE, { principal: ALICE });
    assert.ok(await client.step(''));
    const e = await rejection(kerberos.initializeClient(SERVICE, { principal: `bob@${REALM}` }));
    assert.match(
      e.message,
      /^No credentials were supplied, or the credentials were unavailable or inaccessible: /,
    );
    assert.ok(e.cause instanceof GssError);
  });

  it('wrap answers the SASL layer offer (none, the size, the user) and unwrap sets responseConf', async () => {
    const client = await kerberos.initializeClient(SERVICE);
    const acceptor = SecurityContext.accept({ credentials: world.acceptor });
    const reply = await acceptor.step(bytes((await client.step('')) as string));
    await client.step(b64(reply as Uint8Array));
    for (const confidential of [false, true]) {
      const offer = acceptor.wrap(new Uint8Array([7, 0x00, 0x10, 0x00]), { confidential });
      const layer = await client.unwrap(b64(offer));
      assert.equal(layer, b64(new Uint8Array([7, 0x00, 0x10, 0x00])));
      assert.equal(client.responseConf, confidential ? 1 : 0);
      assert.equal(typeof client.responseConf, 'number');
      for (const protect of [false, true]) {
        const answer = acceptor.unwrap(bytes(await client.wrap(layer, { user: 'alice', protect })));
        assert.equal(answer.confidential, protect);
        assert.deepEqual([...answer.message], [1, 0x00, 0x10, 0x00, ...Buffer.from('alice')]);
      }
    }
    // No user: the answer ends after the four octets (the addon's empty C string).
    const plain = acceptor.unwrap(bytes(await client.wrap(b64(new Uint8Array([1, 0, 0, 9])))));
    assert.deepEqual([...plain.message], [1, 0, 0, 9]);
    // The addon's option checks.
    const te = await rejection(client.wrap('AAAA', { protect: 'yes' as unknown as boolean }));
    assert.ok(te instanceof TypeError);
    assert.equal(te.message, 'options.protect must be a boolean.');
    const short = await rejection(client.wrap('AAA='));
    assert.match(short.message, /^Invalid token was supplied: /);
  });

  it('errors are plain Errors "<major>: <minor>" as gss_display_status words them', async () => {
    const { client, server, reply } = await establish();
    await client.step(reply as string);
    const again = await rejection(client.step(reply as string));
    assert.equal(again.constructor, Error);
    assert.equal(
      again.message,
      'Unspecified GSS failure.  Minor code may provide more information: Context is already fully established',
    );
    assert.ok(again.cause instanceof GssError);
    const empty = await rejection(server.step(''));
    assert.equal(empty.message, 'No challenge parameter in request from client');
    const fresh = await kerberos.initializeServer(SERVICE);
    const junk = await rejection(fresh.step('AAAAAAAA'));
    assert.match(junk.message, /^Invalid token was supplied: /);
    assert.equal(fresh.contextComplete, false);
  });

  it('mechOID GSS_MECH_OID_SPNEGO wraps the tokens in SPNEGO (RFC 4178), and the server accepts them', async () => {
    const client = await kerberos.initializeClient(SERVICE, { mechOID: kerberos.GSS_MECH_OID_SPNEGO });
    const token = (await client.step('')) as string;
    // A NegotiationToken in its RFC 2743 framing: 0x60, then the SPNEGO OID 1.3.6.1.5.5.2.
    const raw = bytes(token);
    assert.equal(raw[0], 0x60);
    assert.ok(Buffer.from(raw).includes(Buffer.from([0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02])));
    const server = await kerberos.initializeServer(SERVICE);
    const reply = await server.step(token);
    assert.equal(server.contextComplete, true);
    assert.equal(await client.step(reply as string), null);
    assert.equal(client.contextComplete, true);
    assert.equal(server.username, client.username);
  });

  it('a failed establishment step starts over, as MIT clears the handle (the driver retries)', async () => {
    const { client, reply } = await establish();
    const damaged = bytes(reply as string);
    damaged[damaged.length - 3] ^= 1;
    const e = await rejection(client.step(b64(damaged)));
    assert.ok(e.cause instanceof GssError);
    assert.equal(client.contextComplete, false);
    // The next step is a new first step: MIT ignores the input token of a new context.
    const token = await client.step(reply as string);
    assert.ok(token);
    const server = await kerberos.initializeServer(SERVICE);
    await client.step((await server.step(token)) as string);
    assert.equal(client.contextComplete, true);
  });

  it('the parameter checks of lib/index.js, as TypeErrors', async () => {
    const bad = kerberos as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const cases: [Promise<unknown>, RegExp][] = [
      [bad.initializeClient(), /`service` must be a string/],
      [bad.initializeServer(3), /`service` must be a string/],
      [bad.principalDetails('HTTP', 3), /`hostname` must be a string/],
      [bad.checkPassword('a', 'b', 'c', 5), /`defaultRealm` must be a string/],
      [bad.initializeClient(SERVICE, null), /null/],
    ];
    for (const [p, re] of cases) {
      const e = await rejection(p);
      assert.ok(e instanceof TypeError);
      assert.match(e.message, re);
    }
  });

  it('principalDetails: the first keytab entry for service/host; none found is "(-1)"', async () => {
    assert.equal(await kerberos.principalDetails('gsstest', 'localhost'), `gsstest/localhost@${REALM}`);
    const e = await rejection(kerberos.principalDetails('HTTP', 'localhost'));
    assert.equal(e.message, 'Principal not found in keytab (-1)');
    const saved = process.env.KRB5_KTNAME;
    process.env.KRB5_KTNAME = `FILE:${world.dir}/missing.keytab`;
    try {
      const m = await rejection(kerberos.principalDetails('gsstest', 'localhost'));
      assert.equal(m.message, 'Cannot get sequence cursor from keytab (2)');
    } finally {
      process.env.KRB5_KTNAME = saved;
    }
  });

  it('checkPassword: null for the right password, "<com_err text> (<code>)" otherwise', async () => {
    assert.equal(await kerberos.checkPassword('alice', ALICE_PASSWORD, 'HTTP/localhost', REALM), null);
    assert.equal(await kerberos.checkPassword(ALICE, ALICE_PASSWORD, 'ignored'), null);
    const e = await rejection(kerberos.checkPassword('alice', 'wrong', 'HTTP/localhost', REALM));
    assert.equal(e.message, 'Preauthentication failed (-1765328360)');
    const unknown = await rejection(kerberos.checkPassword('nobody', 'x', 'HTTP/localhost', REALM));
    assert.equal(unknown.message, 'Client not found in Kerberos database (-1765328378)');
  });
});
