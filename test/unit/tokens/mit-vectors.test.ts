import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Key } from '../../../src/crypto/key.js';
import { GSS_S_BAD_SIG, GssError } from '../../../src/errors/status.js';
import { getMic, verifyMic } from '../../../src/gssapi/mech/krb5/tokens/mic.js';
import { unwrap, wrap } from '../../../src/gssapi/mech/krb5/tokens/wrap.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';
import { makePair } from './context-pair.js';

interface HexKey {
  enctype: number;
  keyvalue: string;
}
interface Capture {
  enctype: string;
  mutual: boolean;
  initiatorSubkey: HexKey;
  acceptorSubkey?: HexKey;
  initiatorSeq: string;
  acceptorSeq: string;
  tokens: {
    from: 'initiator' | 'acceptor';
    kind: 'mic' | 'wrap' | 'wrap-conf';
    seq: string;
    message: string;
    token: string;
  }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/rfc4121-mit-tokens.json', import.meta.url), 'utf8'),
) as {
  source: string;
  cases: Capture[];
};
const key = (k: HexKey): Key => ({ enctype: k.enctype, keyvalue: fromHex(k.keyvalue) });

describe('RFC 4121 tokens captured from MIT krb5', () => {
  assert.match(vectors.source, /MIT krb5/);
  for (const c of vectors.cases) {
    it(`${c.enctype}${c.mutual ? ' with acceptor subkey' : ''}: same bytes, and MIT's tokens verify`, () => {
      const asub = c.acceptorSubkey ? key(c.acceptorSubkey) : undefined;
      // One pair makes tokens (senders), the other receives MIT's (receivers).
      const senders = makePair(key(c.initiatorSubkey), asub, BigInt(c.initiatorSeq), BigInt(c.acceptorSeq));
      const receivers = makePair(key(c.initiatorSubkey), asub, BigInt(c.initiatorSeq), BigInt(c.acceptorSeq));
      for (const t of c.tokens) {
        const us = t.from === 'initiator' ? senders.init : senders.acc;
        const peer = t.from === 'initiator' ? receivers.acc : receivers.init;
        const msg = fromHex(t.message);
        const token = fromHex(t.token);
        us.sendSeq = BigInt(t.seq);
        if (t.kind === 'mic') {
          assert.equal(toHex(getMic(us, msg)), t.token);
          assert.equal(verifyMic(peer, msg, token), 0);
        } else if (t.kind === 'wrap') {
          assert.equal(toHex(wrap(us, msg, false)), t.token);
          assert.deepEqual(unwrap(peer, token), { message: msg, confidential: false, supplementary: 0 });
        } else {
          const ours = wrap(us, msg, true);
          assert.equal(toHex(ours.subarray(0, 16)), t.token.slice(0, 32));
          assert.equal(ours.length, token.length);
          assert.deepEqual(unwrap(peer, token), { message: msg, confidential: true, supplementary: 0 });
          // A reflected token must not pass in the sender's own direction.
          assert.throws(
            () => unwrap(t.from === 'initiator' ? receivers.init : receivers.acc, token),
            (e: unknown) => e instanceof GssError && e.major === GSS_S_BAD_SIG,
          );
        }
      }
    });
  }
});
