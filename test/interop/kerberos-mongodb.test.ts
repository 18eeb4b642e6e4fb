/**
 * The MongoDB Node driver (npm `mongodb`, unchanged) authenticating with GSSAPI through
 * gssapi-ts/kerberos: the driver's `require('kerberos')` resolves to test/compat/kerberos (the
 * devDependency "kerberos": "file:test/compat/kerberos"), whose lib/index.js re-exports ours.
 * The server is a minimal wire-protocol mock (test/harness/mongo-wire.ts) that runs SASL GSSAPI
 * as mongod does (RFC 4752, payloads as base64 strings): saslStart carries the AP-REQ and gets the
 * AP-REP, the next saslContinue gets the acceptor's security-layer offer, the last one must bring
 * the client's choice (no layer) and the authorization identity, checked against the context's
 * initiator. Our SecurityContext is the acceptor; the tickets come from an MIT KDC.
 */
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Document, MongoClient } from 'mongodb';
import { Credentials, Name, SecurityContext } from '../../src/index.js';
import { ensureBuild } from '../harness/build.js';
import { type MongoWireServer, startMongoWireServer, type WireConnection } from '../harness/mongo-wire.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';

/** RFC 4752 3.1: bit 1 = no security layer; the maximum message size follows in 3 octets. */
const LAYER_NONE = 1;
const MAX_SIZE = [0x01, 0x00, 0x00];

interface Conversation {
  context: SecurityContext;
  stage: 'offer' | 'answer' | 'done';
}

interface Outcome {
  principal: string;
  authzid: string;
  layer: number;
  maxSize: number[];
  confidential: boolean;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const toB64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

describe('MongoDB driver GSSAPI through gssapi-ts/kerberos', { skip: interopSkip() }, () => {
  let realm: Realm;
  let server: MongoWireServer;
  let acceptor: Credentials;
  let restoreEnv = () => {};
  const outcomes: Outcome[] = [];
  const failures: string[] = [];

  async function sasl(cmd: Document, conn: WireConnection): Promise<Document> {
    if (!conn.state.conversations) conn.state.conversations = new Map<number, Conversation>();
    const conversations = conn.state.conversations as Map<number, Conversation>;
    if (cmd.saslStart) {
      assert.equal(cmd.mechanism, 'GSSAPI');
      assert.equal(cmd.$db, '$external');
      const context = SecurityContext.accept({ credentials: acceptor });
      const out = await context.step(b64(cmd.payload));
      assert.ok(context.isEstablished);
      conversations.set(1, { context, stage: 'offer' });
      return { conversationId: 1, done: false, payload: toB64(out ?? new Uint8Array(0)), ok: 1 };
    }
    const conv = conversations.get(cmd.conversationId);
    if (!conv) return { ok: 0, code: 17, codeName: 'ProtocolError', errmsg: 'No SASL session state found' };
    if (conv.stage === 'offer') {
      // The client's step after the AP-REP sends nothing; the offer is integrity-protected (Cyrus).
      assert.equal(cmd.payload, '');
      conv.stage = 'answer';
      const offer = conv.context.wrap(new Uint8Array([LAYER_NONE, ...MAX_SIZE]), { confidential: false });
      return { conversationId: 1, done: false, payload: toB64(offer), ok: 1 };
    }
    const { message, confidential } = conv.context.unwrap(b64(cmd.payload));
    const outcome: Outcome = {
      principal: conv.context.initiatorName.toString(),
      authzid: new TextDecoder().decode(message.subarray(4)),
      layer: message[0],
      maxSize: [...message.subarray(1, 4)],
      confidential,
    };
    outcomes.push(outcome);
    conv.stage = 'done';
    // mongod: the authorization identity must be the authenticated principal.
    if (outcome.layer !== LAYER_NONE || outcome.authzid !== outcome.principal) {
      failures.push(outcome.authzid);
      return { ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' };
    }
    conn.state.user = outcome.principal;
    return { conversationId: 1, done: true, payload: '', ok: 1 };
  }

  async function handle(cmd: Document, conn: WireConnection): Promise<Document> {
    if (cmd.hello || cmd.ismaster || cmd.isMaster) {
      return {
        isWritablePrimary: true,
        ismaster: true,
        helloOk: true,
        maxBsonObjectSize: 16 * 1024 * 1024,
        maxMessageSizeBytes: 48_000_000,
        maxWriteBatchSize: 100_000,
        localTime: new Date(),
        connectionId: conn.id,
        minWireVersion: 0,
        maxWireVersion: 21,
        readOnly: false,
        ok: 1,
      };
    }
    if (cmd.saslStart || cmd.saslContinue) return sasl(cmd, conn);
    if (cmd.ping || cmd.connectionStatus) {
      if (!conn.state.user) {
        return { ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'command requires authentication' };
      }
      return cmd.ping
        ? { ok: 1 }
        : { authInfo: { authenticatedUsers: [{ user: conn.state.user, db: '$external' }] }, ok: 1 };
    }
    return {
      ok: 0,
      code: 59,
      codeName: 'CommandNotFound',
      errmsg: `no such command: ${Object.keys(cmd)[0]}`,
    };
  }

  before(async () => {
    ensureBuild('dist/cjs/kerberos/index.js');
    realm = await startRealm();
    realm.kadmin('addprinc -randkey mongodb/localhost');
    const keytab = join(realm.dir, 'mongodb.keytab');
    realm.kadmin(`ktadd -k ${keytab} -norandkey mongodb/localhost`);
    restoreEnv = adoptRealmEnv(realm.env);
    acceptor = await Credentials.acquire({
      usage: 'accept',
      keytab,
      name: Name.hostbased('mongodb@localhost'),
    });
    server = await startMongoWireServer(handle);
  });

  after(async () => {
    await server?.close();
    restoreEnv();
    await realm?.stop();
  });

  const uri = (user: string) =>
    `mongodb://${encodeURIComponent(user)}@localhost:${server.port}/?authMechanism=GSSAPI` +
    '&authSource=%24external&directConnection=true&serverSelectionTimeoutMS=5000';

  it("the driver's require('kerberos') is our shim", () => {
    const fromDriver = createRequire(createRequire(import.meta.filename).resolve('mongodb'));
    assert.equal(realpathSync(fromDriver.resolve('kerberos')), resolve('test/compat/kerberos/lib/index.js'));
    const k = fromDriver('kerberos') as { initializeClient: unknown; version: string };
    assert.equal(typeof k.initializeClient, 'function');
  });

  it('authenticates as alice@TEST.GSS and runs commands', async () => {
    const client = new MongoClient(uri('alice@TEST.GSS'));
    try {
      await client.connect();
      assert.deepEqual(await client.db('admin').command({ ping: 1 }), { ok: 1 });
      const status = await client.db('admin').command({ connectionStatus: 1 });
      assert.deepEqual(status.authInfo.authenticatedUsers, [{ user: 'alice@TEST.GSS', db: '$external' }]);
    } finally {
      await client.close();
    }
    assert.ok(outcomes.length >= 1);
    for (const o of outcomes) {
      // kerberos's wrap: layer "none", the server's size echoed, the driver's user name as authzid.
      assert.deepEqual(o, {
        principal: 'alice@TEST.GSS',
        authzid: 'alice@TEST.GSS',
        layer: LAYER_NONE,
        maxSize: MAX_SIZE,
        confidential: false,
      });
    }
  });

  it('fails cleanly when the user name is not the ticket principal', async () => {
    const client = new MongoClient(uri('bob@TEST.GSS'));
    try {
      await assert.rejects(client.connect(), /Authentication failed/);
    } finally {
      await client.close();
    }
    assert.ok(failures.includes('bob@TEST.GSS'));
  });
});
