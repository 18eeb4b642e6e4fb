/**
 * The MS-PAC parsers (src/krb5/pac/) under ./fuzz-lib.ts's mutants of Samba's PAC
 * (test/fixtures/pac): every truncation, bit flips, garbage, oversized lengths. Each decoder is
 * driven directly on its buffer (no signature in front of it), and verifyPac on the whole PAC.
 * Only GSS_S_FAILURE (MIT's EINVAL / ERANGE / ENOENT, BAD_INTEGRITY, WRONG_PRINC) may escape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GSS_S_FAILURE } from '../../../src/errors/status.js';
import { parseKeytab } from '../../../src/krb5/keytab/format.js';
import { decodeClientInfo } from '../../../src/krb5/pac/client-info.js';
import { decodeLogonInfo } from '../../../src/krb5/pac/logon-info.js';
import { findPac, verifyPac } from '../../../src/krb5/pac/pac.js';
import { decodePacBuffers } from '../../../src/krb5/pac/pactype.js';
import { decodeUpnDnsInfo } from '../../../src/krb5/pac/upn-dns-info.js';
import { fuzzSync, garbage, mutants } from './fuzz-lib.js';

const FAILURE = [GSS_S_FAILURE];
const dir = join('test', 'fixtures', 'pac');
const pac = new Uint8Array(readFileSync(join(dir, 'samba.pac')));
const meta = JSON.parse(readFileSync(join(dir, 'samba.json'), 'utf8'));
const key = parseKeytab(new Uint8Array(readFileSync(join(dir, 'web.keytab')))).entries.find(
  (e) => e.key.enctype === meta.etype,
)?.key;

describe('MS-PAC parsers: only GSS_S_FAILURE escapes', () => {
  const buffers = decodePacBuffers(pac);
  const buffer = (t: number) => buffers.find((b) => b.type === t)?.data ?? new Uint8Array(0);
  const cases: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
    ['decodePacBuffers', pac, decodePacBuffers],
    ['decodeLogonInfo', buffer(1), decodeLogonInfo],
    ['decodeClientInfo', buffer(10), decodeClientInfo],
    ['decodeUpnDnsInfo', buffer(12), decodeUpnDnsInfo],
  ];
  for (const [name, valid, parse] of cases) {
    it(name, () => {
      fuzzSync(name, mutants(valid, name.length), parse, FAILURE);
      fuzzSync(`${name} garbage`, garbage(name.length), parse, FAILURE);
    });
  }
  it('verifyPac (the service key of the fixture)', () => {
    if (!key) throw new Error('fixture keytab has no key of the ticket enctype');
    const check = { serverKey: key, client: meta.client, authtime: meta.authtime };
    fuzzSync('verifyPac', mutants(pac, 5), (b) => verifyPac(b, check), FAILURE);
  });
  it('findPac on damaged AD-IF-RELEVANT contents', () => {
    const wrap = (b: Uint8Array) => findPac([{ adType: 1, adData: b }]);
    const valid = Uint8Array.of(0x30, 0x0b, 0x30, 0x09, 0xa0, 0x03, 0x02, 0x01, 0x80, 0xa1, 0x02, 0x04, 0x00);
    fuzzSync('findPac', mutants(valid, 9), wrap, FAILURE);
  });
});
