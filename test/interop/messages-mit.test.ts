/**
 * Differential test against MIT krb5's own decoders (libkrb5's decode_krb5_*, through the probe
 * test/fixtures/messages/mit-decode.c): each fixture and decrypted part, every truncation, a
 * trailing byte, and random byte changes. Ours must accept exactly what MIT accepts and, when
 * both refuse, report the same ASN.1 minor code. The one deliberate difference: a KDC-REQ/KDC-REP
 * whose msg-type disagrees with its APPLICATION tag is KRB5_BADMSGTYPE here, while MIT's decoder
 * stores it and leaves the check to its callers (docs/asn1.md).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MINOR, minorName } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import * as M from '../../src/krb5/messages/index.js';
import { toHex } from '../../src/util/bytes.js';
import { interopSkip } from '../harness/realm.js';
import { checkCaptured, fixtureKeys, loadFixtures } from '../unit/messages/captured.js';

type Decoder = (b: Uint8Array) => unknown;

function inputs(): [string, Uint8Array, Decoder][] {
  const m = loadFixtures();
  const o = checkCaptured(m, fixtureKeys());
  const err = M.decodeKrbError(m.krbErrorPreauthRequired);
  const eData = err.eData ?? new Uint8Array();
  const info2 = M.decodeMethodData(eData).find((p) => p.padataType === 19)?.padataValue ?? new Uint8Array();
  const cases: [string, Uint8Array | undefined, Decoder][] = [
    ['as_req', m.asReqEncTimestamp, M.decodeAsReq],
    ['as_req', m.asReqNoPreauth, M.decodeAsReq],
    ['error', m.krbErrorPreauthRequired, M.decodeKrbError],
    ['as_rep', m.asRep, M.decodeAsRep],
    ['tgs_req', m.tgsReq, M.decodeTgsReq],
    ['tgs_rep', m.tgsRep, M.decodeTgsRep],
    ['ap_req', o.apReq, M.decodeApReq],
    ['ap_rep', o.apRep, M.decodeApRep],
    ['cred', m.krbCred, M.decodeKrbCred],
    ['enc_kdc_rep_part', o.encAsRepPart, M.decodeEncKdcRepPart],
    ['enc_tkt_part', o.encTicketPart, M.decodeEncTicketPart],
    ['authenticator', o.authenticator, M.decodeAuthenticator],
    ['ap_rep_enc_part', o.encApRepPart, M.decodeEncApRepPart],
    ['enc_cred_part', o.encKrbCredPart, M.decodeEncKrbCredPart],
    ['enc_cred_part', o.delegatedCredPart, M.decodeEncKrbCredPart],
    ['pa_enc_ts', o.paEncTsEnc, M.decodePaEncTsEnc],
    ['etype_info2', info2, M.decodeEtypeInfo2],
    ['padata_sequence', eData, M.decodeMethodData],
    ['ticket', M.decodeAsRep(m.asRep) && M.encodeTicket(M.decodeAsRep(m.asRep).ticket), M.decodeTicket],
  ];
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const out: [string, Uint8Array, Decoder][] = [];
  for (const [name, bytes, f] of cases) {
    if (!bytes) continue;
    out.push([name, bytes, f]);
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    out.push([name, padded, f]);
    for (let n = 0; n < bytes.length; n += 1 + (n >> 6)) out.push([name, bytes.subarray(0, n), f]);
    for (let i = 0; i < 700; i++) {
      const b = bytes.slice();
      const k = 1 + (next() % 3);
      for (let j = 0; j < k; j++) b[next() % b.length] = next() & 0xff;
      out.push([name, b, f]);
    }
  }
  return out;
}

describe('our decoders against MIT krb5 decode_krb5_*', { skip: interopSkip() }, () => {
  let dir: string;
  let probe: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-mit-decode-'));
    probe = join(dir, 'mit-decode');
    execFileSync('gcc', ['-o', probe, join('test', 'fixtures', 'messages', 'mit-decode.c'), '-lkrb5']);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('accept and refuse the same inputs, with the same ASN.1 minor codes', () => {
    const cases = inputs();
    const mit = execFileSync(probe, {
      input: `${cases.map(([n, b]) => `${n} ${toHex(b)}`).join('\n')}\n`,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
      .trim()
      .split('\n')
      .map((s) => Number(s) >>> 0);
    assert.equal(mit.length, cases.length);
    const mismatches: string[] = [];
    let accepted = 0;
    cases.forEach(([name, bytes, decode], i) => {
      let ours = 0;
      try {
        decode(bytes);
        accepted++;
      } catch (e) {
        if (!(e instanceof GssError)) throw e;
        ours = e.minor;
      }
      if (ours === mit[i]) return;
      if (ours === MINOR.KRB5_BADMSGTYPE && mit[i] === 0 && /^(as|tgs)_re[qp]$/.test(name)) return;
      mismatches.push(
        `${name} #${i}: ours ${ours ? minorName(ours) : 'OK'}, MIT ${mit[i] ? minorName(mit[i]) : 'OK'}`,
      );
    });
    assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} of ${cases.length} differ`);
    assert.ok(
      accepted > cases.length / 10 && accepted < cases.length,
      `accepted ${accepted} of ${cases.length}`,
    );
  });
});
