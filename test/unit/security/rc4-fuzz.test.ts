/**
 * The arcfour-hmac parsers under ./fuzz-lib.ts's mutants: RFC 4757 section 7 MIC and Wrap tokens
 * (MIT's t_invalid.c tokens and our own) and RFC 4757 ciphertexts. Only DEFECTIVE_TOKEN, BAD_SIG
 * (tokens), CALL_INACCESSIBLE_READ (empty token) or FAILURE (decrypt) may escape. RC4 needs
 * OpenSSL's legacy provider: run in a child started with --openssl-legacy-provider.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decrypt, encrypt, randomKey } from '../../../src/crypto/index.js';
import {
  GSS_S_BAD_SIG,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
} from '../../../src/errors/status.js';
import type { ContextState } from '../../../src/gssapi/mech/krb5/context-state.js';
import { verifyMic } from '../../../src/gssapi/mech/krb5/tokens/mic.js';
import { initSeqState } from '../../../src/gssapi/mech/krb5/tokens/seqstate.js';
import { unwrap, wrap } from '../../../src/gssapi/mech/krb5/tokens/wrap.js';
import { fromHex } from '../../../src/util/bytes.js';
import { legacyProviderLoaded, runWithLegacyProvider } from '../../harness/legacy-provider.js';
import { fuzzSync, garbage, mutants } from './fuzz-lib.js';

const TOKEN_MAJORS = [GSS_S_DEFECTIVE_TOKEN, GSS_S_BAD_SIG, GSS_S_CALL_INACCESSIBLE_READ];

function acceptor(keyvalue: Uint8Array): ContextState {
  const key = { enctype: 23, keyvalue };
  return {
    locallyInitiated: false,
    flags: 0,
    initiatorName: { nameType: 1, components: ['alice'], realm: 'R' },
    acceptorName: { nameType: 3, components: ['host', 'h'], realm: 'R' },
    authTime: 0,
    endTime: 0x7fffffff,
    sessionKey: key,
    subkey: key,
    sendSeq: 0n,
    recv: initSeqState(0n, false, false, false),
  };
}

if (!legacyProviderLoaded()) {
  describe('RC4-HMAC parsers: fuzz (child with the legacy provider)', () => {
    it('passes under --openssl-legacy-provider', () => {
      const r = runWithLegacyProvider(import.meta.url);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      assert.ok(r.pass >= 3 && r.fail === 0 && r.skipped === 0, r.stdout);
    });
  });
} else {
  const v = JSON.parse(
    readFileSync(new URL('../../vectors/crypto-rc4-mit-kat.json', import.meta.url), 'utf8'),
  );
  const t = v.rfc1964Tokens as Record<string, string>;
  const key = fromHex(t.key);
  const message = fromHex(t.message);
  describe('RC4-HMAC parsers: only GssError escapes', () => {
    it('RFC 4757 MIC tokens (verifyMic)', () => {
      const mic = fromHex(t.mic);
      fuzzSync('rc4 verifyMic', mutants(mic, 3), (b) => verifyMic(acceptor(key), message, b), TOKEN_MAJORS);
      fuzzSync(
        'rc4 verifyMic garbage',
        garbage(3, 0x60),
        (b) => verifyMic(acceptor(key), message, b),
        TOKEN_MAJORS,
      );
    });
    it('RFC 4757 Wrap tokens (unwrap): MIT sealed and integrity-only, and long ones of ours', () => {
      for (const [i, name] of ['wrapSealed', 'wrapIntegrity', 'badPadWrap'].entries()) {
        fuzzSync(
          `rc4 unwrap ${name}`,
          mutants(fromHex(t[name]), 10 + i),
          (b) => unwrap(acceptor(key), b),
          TOKEN_MAJORS,
        );
      }
      const sender = { ...acceptor(key), locallyInitiated: true };
      const long = wrap(sender, new Uint8Array(300).fill(7), true);
      fuzzSync('rc4 unwrap long', mutants(long, 20), (b) => unwrap(acceptor(key), b), TOKEN_MAJORS);
      fuzzSync('rc4 unwrap garbage', garbage(4, 0x60), (b) => unwrap(acceptor(key), b), TOKEN_MAJORS);
    });
    it('RFC 4757 ciphertexts (decrypt)', () => {
      const k = randomKey(23);
      const ct = encrypt(k, 3, new Uint8Array(40).fill(1));
      fuzzSync('rc4 decrypt', mutants(ct, 30), (b) => decrypt(k, 3, b), [GSS_S_FAILURE]);
    });
  });
}
