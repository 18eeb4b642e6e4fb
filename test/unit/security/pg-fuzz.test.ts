/**
 * The parsers of gssapi-ts/pg (src/pg/protocol.ts): GSS packets and backend start-up messages
 * under every truncation, bit flip, garbage and oversized length. Only GssError may escape.
 */
import { describe, it } from 'node:test';
import { GSS_S_DEFECTIVE_TOKEN } from '../../../src/errors/status.js';
import { authCode, gssPacket, splitBackendMessages, splitGssPackets } from '../../../src/pg/protocol.js';
import { fuzzSync, garbage, mutants } from './fuzz-lib.js';

describe('gssapi-ts/pg parsers under damaged input', () => {
  it('splitGssPackets: only DEFECTIVE_TOKEN escapes', () => {
    const valid = new Uint8Array([...gssPacket(new Uint8Array(40).fill(7)), ...gssPacket(Uint8Array.of(1))]);
    fuzzSync('splitGssPackets', mutants(valid, 41), splitGssPackets, [GSS_S_DEFECTIVE_TOKEN]);
    fuzzSync('splitGssPackets garbage', garbage(42), splitGssPackets, [GSS_S_DEFECTIVE_TOKEN]);
  });

  it('splitBackendMessages and authCode: only DEFECTIVE_TOKEN escapes', () => {
    // AuthenticationGSSContinue with a token, then AuthenticationOk.
    const valid = Uint8Array.of(0x52, 0, 0, 0, 12, 0, 0, 0, 8, 1, 2, 3, 4, 0x52, 0, 0, 0, 8, 0, 0, 0, 0);
    const parse = (b: Uint8Array): number[] =>
      splitBackendMessages(b, 1 << 20).messages.map((m) => authCode(m.body));
    fuzzSync('splitBackendMessages', mutants(valid, 43), parse, [GSS_S_DEFECTIVE_TOKEN]);
    fuzzSync('splitBackendMessages garbage', garbage(44), parse, [GSS_S_DEFECTIVE_TOKEN]);
  });
});
