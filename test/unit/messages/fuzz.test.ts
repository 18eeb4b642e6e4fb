/**
 * Every decoder fed each MIT fixture (and the plaintexts of their encrypted parts) truncated at
 * every length and with random byte changes: it returns a value or throws GssError
 * GSS_S_DEFECTIVE_TOKEN, never anything else; a truncated message never decodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/errors/status.js';
import * as M from '../../../src/krb5/messages/index.js';
import { checkCaptured, fixtureKeys, loadFixtures } from './captured.js';

const FLIPS = 1500;

/** xorshift32: a fixed seed keeps failures reproducible. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function onlyGssError(e: unknown, what: string): void {
  if (!(e instanceof GssError)) assert.fail(`${what}: threw ${String(e)}`);
  assert.equal(e.major, GSS_S_DEFECTIVE_TOKEN, `${what}: ${e.message}`);
}

type Codec = (b: Uint8Array) => unknown;

function cases(): [string, Uint8Array, Codec][] {
  const m = loadFixtures();
  const open = checkCaptured(m, fixtureKeys());
  const reencode = (b: Uint8Array) => M.encodeKrbMessage(M.decodeKrbMessage(b));
  const err = M.decodeKrbError(m.krbErrorPreauthRequired);
  const methods = M.decodeMethodData(err.eData ?? new Uint8Array());
  const info2 = methods.find((p) => p.padataType === 19)?.padataValue ?? new Uint8Array();
  const out: [string, Uint8Array, Codec][] = [
    ['AS-REQ', m.asReqNoPreauth, (b) => M.encodeAsReq(M.decodeAsReq(b))],
    ['AS-REQ+ts', m.asReqEncTimestamp, reencode],
    ['KRB-ERROR 25', m.krbErrorPreauthRequired, (b) => M.encodeKrbError(M.decodeKrbError(b))],
    ['AS-REP', m.asRep, (b) => M.encodeAsRep(M.decodeAsRep(b))],
    ['TGS-REQ', m.tgsReq, (b) => M.encodeTgsReq(M.decodeTgsReq(b))],
    ['TGS-REP', m.tgsRep, (b) => M.encodeTgsRep(M.decodeTgsRep(b))],
    ['KRB-ERROR 6', m.krbErrorPrincipalUnknown, reencode],
    ['AP-REQ', open.apReq, (b) => M.encodeApReq(M.decodeApReq(b))],
    ['AP-REP', open.apRep, (b) => M.encodeApRep(M.decodeApRep(b))],
    ['EncKDCRepPart', open.encAsRepPart, (b) => M.encodeEncKdcRepPart(M.decodeEncKdcRepPart(b))],
    ['EncTicketPart', open.encTicketPart, (b) => M.encodeEncTicketPart(M.decodeEncTicketPart(b))],
    ['Authenticator', open.authenticator, (b) => M.encodeAuthenticator(M.decodeAuthenticator(b))],
    ['EncAPRepPart', open.encApRepPart, (b) => M.encodeEncApRepPart(M.decodeEncApRepPart(b))],
    ['PA-ENC-TS-ENC', open.paEncTsEnc, (b) => M.encodePaEncTsEnc(M.decodePaEncTsEnc(b))],
    ['METHOD-DATA', err.eData ?? new Uint8Array(), (b) => M.encodeMethodData(M.decodeMethodData(b))],
    ['ETYPE-INFO2', info2, (b) => M.encodeEtypeInfo2(M.decodeEtypeInfo2(b))],
  ];
  if (m.krbCred) out.push(['KRB-CRED', m.krbCred, (b) => M.encodeKrbCred(M.decodeKrbCred(b))]);
  if (open.encKrbCredPart) {
    out.push([
      'EncKrbCredPart',
      open.encKrbCredPart,
      (b) => M.encodeEncKrbCredPart(M.decodeEncKrbCredPart(b)),
    ]);
  }
  if (open.delegatedCredPart) {
    out.push(['EncKrbCredPart (delegated)', open.delegatedCredPart, (b) => M.decodeEncKrbCredPart(b)]);
  }
  return out;
}

describe('message decoders on damaged MIT messages', () => {
  for (const [name, bytes, codec] of cases()) {
    it(`${name}: every truncation is a GssError`, () => {
      for (let n = 0; n < bytes.length; n++) {
        assert.throws(
          () => codec(bytes.subarray(0, n)),
          (e: unknown) => {
            onlyGssError(e, `${name} cut at ${n}`);
            return true;
          },
        );
        assert.throws(() => M.decodeKrbMessage(bytes.subarray(0, n)), GssError);
      }
    });
    it(`${name}: ${FLIPS} random byte changes give a value or a GssError`, () => {
      const next = rng(bytes.length * 7919 + name.length);
      let decoded = 0;
      for (let i = 0; i < FLIPS; i++) {
        const b = bytes.slice();
        const k = 1 + (next() % 3);
        for (let j = 0; j < k; j++) b[next() % b.length] = next() & 0xff;
        try {
          codec(b);
          decoded++;
        } catch (e) {
          onlyGssError(e, `${name} case ${i}`);
        }
        try {
          M.decodeKrbMessage(b);
        } catch (e) {
          onlyGssError(e, `${name} case ${i} (dispatch)`);
        }
      }
      // Most changes land in ciphertext or strings and still decode: the test exercises both paths.
      assert.ok(decoded > 0 && decoded < FLIPS, `decoded ${decoded} of ${FLIPS}`);
    });
  }
});
