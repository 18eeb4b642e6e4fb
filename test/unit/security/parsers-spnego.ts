/**
 * The SPNEGO parsers (RFC 4178) in the fuzz suite: the NegotiationToken decoder on a real
 * NegTokenInit (with its optimistic AP-REQ) and on real NegTokenResp tokens (with the AP-REP,
 * and with a mechListMIC), then both sides of SPNEGO establishment on damaged tokens. Only
 * GssError may escape, with the majors MIT's spnego_mech.c returns.
 */
import { after, before, describe, it } from 'node:test';
import * as S from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { decodeNegotiationToken } from '../../../src/gssapi/mech/spnego/negotiation-token.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { findNegotiateChallenge, parseNegotiate } from '../../../src/http/header.js';
import { fuzzAsync, fuzzSync, garbage, mutants, sample } from './fuzz-lib.js';
import { type SecurityWorld, startSecurityWorld } from './world.js';

const ESTABLISH_ERRORS = [
  S.GSS_S_DEFECTIVE_TOKEN,
  S.GSS_S_BAD_SIG,
  S.GSS_S_BAD_MECH,
  S.GSS_S_FAILURE,
  S.GSS_S_NO_CRED,
  S.GSS_S_CONTEXT_EXPIRED,
  S.GSS_S_DUPLICATE_ELEMENT,
];
const NTLM = '1.3.6.1.4.1.311.2.2.10';

export function describeSpnegoParsers(): void {
  describe('SPNEGO parsers (embedded KDC)', () => {
    let w: SecurityWorld;
    let init: Uint8Array;
    let completed: Uint8Array;
    let withMic: Uint8Array;
    before(async () => {
      w = await startSecurityWorld();
      const target = Name.hostbased('gsstest@localhost');
      const ini = SecurityContext.initiate({ target, credentials: w.alice, mech: 'spnego' });
      init = (await ini.step()) as Uint8Array;
      completed = (await SecurityContext.accept({ credentials: w.acceptor }).step(init)) as Uint8Array;
      // The request-mic path: the acceptor's second NegTokenResp carries the AP-REP and its MIC.
      const ini2 = SecurityContext.initiate({
        target,
        credentials: w.alice,
        mech: 'spnego',
        spnegoMechs: [NTLM, '1.2.840.113554.1.2.2'],
      });
      const acc2 = SecurityContext.accept({ credentials: w.acceptor });
      const r1 = (await acc2.step((await ini2.step()) as Uint8Array)) as Uint8Array;
      withMic = (await acc2.step((await ini2.step(r1)) as Uint8Array)) as Uint8Array;
    });
    after(async () => {
      await w?.stop();
    });

    it('decodeNegotiationToken: only GSS_S_DEFECTIVE_TOKEN escapes', () => {
      for (const [name, valid] of [
        ['NegTokenInit', init],
        ['NegTokenResp accept-completed', completed],
        ['NegTokenResp with mechListMIC', withMic],
      ] as const) {
        fuzzSync(name, mutants(valid, 61), decodeNegotiationToken, [S.GSS_S_DEFECTIVE_TOKEN]);
      }
      fuzzSync('SPNEGO garbage [0]', garbage(62, 0xa0), decodeNegotiationToken, [S.GSS_S_DEFECTIVE_TOKEN]);
      fuzzSync('SPNEGO garbage [1]', garbage(63, 0xa1), decodeNegotiationToken, [S.GSS_S_DEFECTIVE_TOKEN]);
      fuzzSync('SPNEGO garbage framed', garbage(64, 0x60), decodeNegotiationToken, [S.GSS_S_DEFECTIVE_TOKEN]);
    });

    it('HTTP Negotiate headers: parseNegotiate and findNegotiateChallenge never throw', () => {
      const header = `Negotiate ${Buffer.from(init).toString('base64')}`;
      const latin1 = new TextDecoder('latin1');
      const asText = (b: Uint8Array) => latin1.decode(b);
      for (const valid of [header, `Basic x, ${header}, Bearer y`]) {
        fuzzSync(
          'parseNegotiate',
          mutants(new TextEncoder().encode(valid), 67),
          (b) => {
            const r = parseNegotiate(asText(b), 4096);
            // A token comes out only from canonical base64 within the limit.
            if (r.ok && Buffer.from(r.token).toString('base64').length > 4 * Math.ceil(4096 / 3))
              throw new Error('over');
            return r;
          },
          [],
        );
        fuzzSync(
          'findNegotiateChallenge',
          mutants(new TextEncoder().encode(valid), 68),
          (b) => findNegotiateChallenge(asText(b)),
          [],
        );
      }
      fuzzSync('parseNegotiate garbage', garbage(69, 0x4e), (b) => parseNegotiate(asText(b), 65536), []);
    });

    it('SPNEGO acceptor on a damaged NegTokenInit, initiator on a damaged NegTokenResp', async () => {
      await fuzzAsync(
        'spnego accept',
        sample(mutants(init, 65), 2),
        (b) => SecurityContext.accept({ credentials: w.acceptor }).step(b),
        ESTABLISH_ERRORS,
      );
      await fuzzAsync(
        'spnego initiator second step',
        sample(mutants(completed, 66), 2),
        async (b) => {
          const ini = SecurityContext.initiate({
            target: Name.hostbased('gsstest@localhost'),
            credentials: w.alice,
            mech: 'spnego',
          });
          await ini.step();
          return ini.step(b);
        },
        ESTABLISH_ERRORS,
      );
    });

    it("SPNEGO initiator handed a damaged NegTokenInit2 (the server's first token)", async () => {
      const hints = (await SecurityContext.accept({ credentials: w.acceptor }).step()) as Uint8Array;
      await fuzzAsync(
        'spnego initiator first input',
        sample(mutants(hints, 70), 2),
        (b) =>
          SecurityContext.initiate({
            target: Name.hostbased('gsstest@localhost'),
            credentials: w.alice,
            mech: 'spnego',
          }).step(b),
        ESTABLISH_ERRORS,
      );
    });
  });
}
