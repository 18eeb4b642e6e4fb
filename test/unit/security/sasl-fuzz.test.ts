/**
 * The SASL GSSAPI parsers of outside bytes (src/sasl): the security-layer message, the
 * length-prefixed frames of the security layer, and both engines fed damaged peer tokens at
 * every stage. Only GssError may escape (./fuzz-lib.ts).
 */
import { after, before, describe, it } from 'node:test';
import {
  GSS_S_BAD_MECH,
  GSS_S_BAD_SIG,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_UNAUTHORIZED,
  GSS_S_UNAVAILABLE,
} from '../../../src/errors/status.js';
import { encodeLayerMessage, parseLayerMessage } from '../../../src/sasl/layer-message.js';
import { SaslSecurityLayer } from '../../../src/sasl/security-layer.js';
import { type ExportWorld, startExportWorld } from '../export-kdc.js';
import { makePair, runAll, runUntilLast } from '../sasl/world.js';
import { fuzzAsync, fuzzSync, garbage, mutants, sample } from './fuzz-lib.js';

const CALL_INACCESSIBLE_READ = 0x01000000;
/** What unwrap may answer (as in parsers-fuzz.test.ts), and what the SASL checks add. */
const UNWRAP = [GSS_S_DEFECTIVE_TOKEN, GSS_S_BAD_SIG, GSS_S_BAD_MECH, CALL_INACCESSIBLE_READ];
const ENGINE = [...UNWRAP, GSS_S_UNAVAILABLE, GSS_S_UNAUTHORIZED, GSS_S_FAILURE];

describe('SASL GSSAPI parsers under damaged input', () => {
  let w: ExportWorld;
  before(async () => {
    w = await startExportWorld();
  });
  after(async () => {
    await w?.stop();
  });

  it('parseLayerMessage: only DEFECTIVE_TOKEN escapes', () => {
    const valid = encodeLayerMessage(7, 65536, 'dn:uid=alice,dc=example');
    for (const fromServer of [true, false]) {
      fuzzSync('parseLayerMessage', mutants(valid, 31), (b) => parseLayerMessage(b, fromServer), [
        GSS_S_DEFECTIVE_TOKEN,
      ]);
    }
  });

  it('SaslSecurityLayer.decode: damaged frames, garbage, oversized lengths', async () => {
    const p = makePair(w.alice, w.acceptor, {}, { maxBufferSize: 4096 });
    await runAll(p);
    const cl = p.client.outcome.securityLayer;
    const ctx = p.server.context;
    if (!cl) throw new Error('no layer');
    const frame = cl.encode(new TextEncoder().encode('a protected LDAP message'));
    const fresh = (): SaslSecurityLayer => new SaslSecurityLayer(ctx, 'confidentiality', 4096, 4096);
    fuzzSync('decode', mutants(frame, 32), (b) => fresh().decode(b), UNWRAP);
    fuzzSync('decode garbage', garbage(33), (b) => fresh().decode(b), UNWRAP);
  });

  it('the server engine: damaged initial tokens and damaged layer choices', async () => {
    const first = await makePair(w.alice, w.acceptor).client.step();
    await fuzzAsync(
      'server context step',
      sample(mutants(first, 34), 16),
      (b) => makePair(w.alice, w.acceptor).server.step(b),
      [...ENGINE, GSS_S_UNAVAILABLE, 0x00070000 /* NO_CRED */, 0x000a0000, 0x000b0000, 0x000c0000],
    );
    const p = makePair(w.alice, w.acceptor);
    const last = await runUntilLast(p);
    await fuzzAsync(
      'server choice',
      sample(mutants(last, 35), 4),
      async (b) => {
        const q = makePair(w.alice, w.acceptor);
        await runUntilLast(q);
        return q.server.step(b);
      },
      ENGINE,
    );
    // Damaged contents under a valid MAC: the choice message itself, wrapped by the client.
    await fuzzAsync(
      'server choice contents',
      sample(mutants(encodeLayerMessage(4, 65536, 'alice'), 37), 3),
      async (b) => {
        const q = makePair(w.alice, w.acceptor);
        await runUntilLast(q);
        return q.server.step(q.client.context.wrap(b, { confidential: false }));
      },
      ENGINE,
    );
  });

  it('the client engine: damaged layer offers', async () => {
    const p = makePair(w.alice, w.acceptor);
    const offer = await runUntilLast(p, true);
    await fuzzAsync(
      'client offer',
      sample(mutants(offer, 36), 4),
      async (b) => {
        const q = makePair(w.alice, w.acceptor);
        await runUntilLast(q, true);
        return q.client.step(b);
      },
      ENGINE,
    );
    await fuzzAsync(
      'client offer contents',
      sample(mutants(encodeLayerMessage(7, 65536), 38), 2),
      async (b) => {
        const q = makePair(w.alice, w.acceptor);
        await runUntilLast(q, true);
        return q.client.step(q.server.context.wrap(b, { confidential: false }));
      },
      ENGINE,
    );
  });
});
