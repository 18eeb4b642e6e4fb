/**
 * gssapi-ts/kerberos under damaged input: its base64 decoder, KerberosServer.step (AP-REQ),
 * KerberosClient.step (AP-REP), unwrap (Wrap tokens) and wrap (the SASL layer offer). As the
 * addon, it rejects with a plain Error whose text is gss_display_status's; the GssError behind it
 * is the `cause` and must carry an allowed major status. Nothing else may escape, nothing may hang.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as S from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { initializeClient, initializeServer, type KerberosClient } from '../../../src/kerberos/index.js';
import { decodeBase64 } from '../../../src/kerberos/status.js';
import { fuzzAsync, garbage, type Mutant, mutants, rng, sample } from './fuzz-lib.js';
import { type SecurityWorld, startSecurityWorld } from './world.js';

const ESTABLISH_ERRORS = [
  S.GSS_S_DEFECTIVE_TOKEN,
  S.GSS_S_BAD_SIG,
  S.GSS_S_BAD_MECH,
  S.GSS_S_FAILURE,
  S.GSS_S_NO_CRED,
  S.GSS_S_BAD_BINDINGS,
  S.GSS_S_CREDENTIALS_EXPIRED,
  S.GSS_S_CONTEXT_EXPIRED,
  S.GSS_S_DUPLICATE_ELEMENT,
];
const PER_MESSAGE_ERRORS = [S.GSS_S_DEFECTIVE_TOKEN, S.GSS_S_BAD_SIG, S.GSS_S_CALL_INACCESSIBLE_READ];
/** Canonical base64 (no '=' inside): the addon's decoder and Node's agree on it. */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** The addon's own messages that carry no GSS status. */
const PLAIN = new Set(['No challenge parameter in request from client']);

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

/**
 * Runs `call` on the base64 form of each input through fuzzAsync, turning the addon-style Error
 * back into its GssError cause so the suite's one assertion applies to it.
 */
function viaCause(call: (challenge: string) => Promise<unknown>): (b: Uint8Array) => Promise<unknown> {
  return async (b) => {
    try {
      return await call(b64(b));
    } catch (e) {
      if (!(e instanceof Error) || e.constructor !== Error) throw e;
      if (PLAIN.has(e.message)) return undefined;
      assert.ok(e.cause instanceof S.GssError, `no GssError behind "${e.message}"`);
      const shown = `${S.displayStatus(e.cause.major, 'gss').message}: `;
      assert.ok(e.message.startsWith(shown), `"${e.message}" does not start with "${shown}"`);
      throw e.cause;
    }
  };
}

/** Random strings over the base64 alphabet, '=', NUL, spaces and non-ASCII. */
function* strings(seed: number): Generator<string> {
  const next = rng(seed);
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/==\0 -_é\u{1f600}';
  for (let i = 0; i < 3000; i++) {
    let s = '';
    const n = next() % 64;
    for (let j = 0; j < n; j++) s += [...chars][next() % [...chars].length];
    yield s;
  }
}

describe('gssapi-ts/kerberos: damaged input', () => {
  let w: SecurityWorld;
  before(async () => {
    w = await startSecurityWorld();
    await w.alice.storeInto(process.env.KRB5CCNAME as string);
  });
  after(() => w?.stop());

  it('decodeBase64 never throws and never yields more than 3/4 of its input', () => {
    for (const s of strings(7)) {
      const { bytes, memory } = decodeBase64(s);
      assert.ok(bytes.length <= (s.length * 3) / 4 && memory.length <= (s.length * 3) / 4 + 1, s);
      const text = s.split('\0')[0];
      if (STRICT_BASE64.test(text)) assert.deepEqual(bytes, new Uint8Array(Buffer.from(text, 'base64')), s);
      else if (text.length % 4 !== 0 || /[^A-Za-z0-9+/=]/.test(text)) assert.equal(bytes.length, 0, s);
    }
  });

  it('KerberosServer.step (damaged AP-REQ) and KerberosClient.step (damaged AP-REP)', async () => {
    const { apReqToken, apRepToken } = await w.establish();
    const server = await fuzzAsync(
      'server step',
      sample(mutants(apReqToken, 61), 2),
      viaCause(async (c) => (await initializeServer('gsstest@localhost')).step(c)),
      ESTABLISH_ERRORS,
    );
    assert.ok(server.rejected > 0);
    await fuzzAsync(
      'client step',
      sample(mutants(apRepToken, 62), 3),
      viaCause(async (c) => {
        const client = await initializeClient('gsstest@localhost');
        await client.step('');
        return client.step(c);
      }),
      ESTABLISH_ERRORS,
    );
  });

  it('KerberosClient.unwrap (damaged Wrap tokens) and wrap (damaged layer offers)', async () => {
    const client: KerberosClient = await initializeClient('gsstest@localhost', { flags: 0 });
    const acceptor = SecurityContext.accept({ credentials: w.acceptor });
    await acceptor.step(new Uint8Array(Buffer.from((await client.step('')) as string, 'base64')));
    const offer = acceptor.wrap(new Uint8Array([1, 0, 0x10, 0]), { confidential: true });
    const unwrapped = await fuzzAsync(
      'unwrap',
      mutants(offer, 63),
      viaCause((c) => client.unwrap(c)),
      PER_MESSAGE_ERRORS,
    );
    assert.ok(unwrapped.rejected > 0);
    const offers: Iterable<Mutant> = [...mutants(new Uint8Array([1, 0, 0x10, 0]), 64), ...garbage(65)];
    await fuzzAsync(
      'wrap',
      offers,
      viaCause((c) => client.wrap(c, { user: 'alice' })),
      [S.GSS_S_DEFECTIVE_TOKEN],
    );
  });
});
