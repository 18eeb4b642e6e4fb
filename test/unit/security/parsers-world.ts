/**
 * The half of the parser fuzz suite that needs a realm (./world.ts): exported context tokens,
 * KRB-CRED, the KDC client's reply processing through an injected transport, the embedded KDC's
 * request handler, and both sides of context establishment.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomBytes, randomKey } from '../../../src/crypto/index.js';
import * as S from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { importSecContext } from '../../../src/gssapi/context/export.js';
import { decodeExportToken } from '../../../src/gssapi/export/export-token.js';
import { makeKrbCred, readKrbCred } from '../../../src/gssapi/mech/krb5/establish/krb-cred.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { parseCcache } from '../../../src/krb5/ccache/format.js';
import { NT_SRV_INST } from '../../../src/krb5/constants/index.js';
import { getInitialCredentials } from '../../../src/krb5/kdc-client/as.js';
import { tgsExchange } from '../../../src/krb5/kdc-client/tgs.js';
import { type KdcTransport, networkTransport } from '../../../src/krb5/kdc-client/transport.js';
import { parsePrincipal } from '../../../src/krb5/principal.js';
import { tgsReq } from '../kdc/helpers.js';
import { fuzzAsync, fuzzSync, garbage, mutants, sample } from './fuzz-lib.js';
import { KDC_ALICE, KDC_REALM, startFuzzKdc } from './kdc-handler.js';
import { mutators } from './mutators.js';
import { ALICE_PASSWORD, REALM, type SecurityWorld, startSecurityWorld } from './world.js';

const IMPORT_ERRORS = [
  S.GSS_S_DEFECTIVE_TOKEN,
  S.GSS_S_BAD_MECH,
  S.GSS_S_CALL_BAD_STRUCTURE,
  S.GSS_S_CALL_INACCESSIBLE_READ,
  S.GSS_S_UNAUTHORIZED,
  S.GSS_S_CONTEXT_EXPIRED,
];
/** What establishment may answer to a damaged token (MIT's init/accept_sec_context codes). */
const ESTABLISH_ERRORS = [
  S.GSS_S_DEFECTIVE_TOKEN,
  S.GSS_S_BAD_SIG,
  S.GSS_S_BAD_MECH,
  S.GSS_S_FAILURE,
  S.GSS_S_NO_CRED,
  S.GSS_S_BAD_BINDINGS,
  S.GSS_S_CREDENTIALS_EXPIRED,
  S.GSS_S_CONTEXT_EXPIRED,
];

export function describeWorldParsers(): void {
  describe('parsers that need a realm (embedded KDC)', () => {
    let w: SecurityWorld;
    before(async () => {
      w = await startSecurityWorld();
    });
    after(async () => {
      await w?.stop();
    });

    it('decodeExportToken and importSecContext, plain and sealed', async () => {
      const sealKey = randomBytes(32);
      for (const [label, opts] of [
        ['plain', {}],
        ['sealed', { key: sealKey }],
      ] as const) {
        const { acc } = await w.establish();
        const token = acc.export(opts);
        const s = fuzzSync(
          `decodeExportToken ${label}`,
          mutants(token, 21),
          (b) => decodeExportToken(b, opts),
          IMPORT_ERRORS,
        );
        fuzzSync(
          `importSecContext ${label}`,
          sample(mutants(token, 22), 3),
          (b) => importSecContext(b, opts),
          IMPORT_ERRORS,
        );
        // A sealed token opens only intact; a plain one has no integrity beyond its strict lengths.
        if (label === 'sealed') assert.equal(s.ok, 0, 'no damaged sealed token opens');
      }
    });

    it('SecurityContext.verifyMic and unwrap on an established pair', async () => {
      const { ini, acc } = await w.establish();
      const msg = new TextEncoder().encode('per-message fuzz');
      const majors = [
        S.GSS_S_DEFECTIVE_TOKEN,
        S.GSS_S_BAD_SIG,
        S.GSS_S_BAD_MECH,
        S.GSS_S_CALL_INACCESSIBLE_READ,
      ];
      fuzzSync('ctx.verifyMic', mutants(ini.getMic(msg), 24), (b) => acc.verifyMic(msg, b), majors);
      fuzzSync(
        'ctx.unwrap',
        mutants(ini.wrap(msg, { confidential: true }), 25),
        (b) => acc.unwrap(b),
        majors,
      );
      fuzzSync('ctx.unwrap (to the initiator)', mutants(acc.wrap(msg), 26), (b) => ini.unwrap(b), majors);
    });

    it('readKrbCred (delegated credentials): only GSS_S_FAILURE escapes', () => {
      const cc = parseCcache(new Uint8Array(readFileSync(join('test', 'fixtures', 'files', 'alice.ccache'))));
      const cred = cc.credentials.find((c) => c.server.components[0] === 'krbtgt');
      assert.ok(cred);
      const key = randomKey(18);
      const bytes = makeKrbCred(cred, key, 7, Date.now());
      const s = fuzzSync('readKrbCred', mutants(bytes, 23), (b) => readKrbCred(b, [key]), [S.GSS_S_FAILURE]);
      assert.ok(s.ok > 0 && s.rejected > 0);
    });

    it("the KDC client's AS and TGS reply processing, through a damaging transport", async () => {
      const net = networkTransport(w.settings);
      const client = parsePrincipal(`alice@${REALM}`);
      const kdcErrors = [
        S.GSS_S_FAILURE,
        S.GSS_S_DEFECTIVE_TOKEN,
        S.GSS_S_CREDENTIALS_EXPIRED,
        S.GSS_S_NO_CRED,
      ];
      // Damage the n-th reply of each exchange: the KRB-ERROR asking for preauth, then the AS-REP.
      for (const which of [0, 1]) {
        const list = mutators(700, 31 + which, 160);
        await fuzzAsync(
          `AS reply ${which}`,
          list.map((m) => ({
            what: m.what,
            bytes: Uint8Array.of(list.indexOf(m) & 0xff, list.indexOf(m) >> 8),
          })),
          (b) => {
            const m = list[b[0] | (b[1] << 8)];
            let n = 0;
            const transport: KdcTransport = async (realm, req) => {
              const reply = await net(realm, req);
              return n++ === which ? m.apply(reply) : reply;
            };
            return getInitialCredentials({
              client,
              password: ALICE_PASSWORD,
              settings: w.settings,
              transport,
            });
          },
          kdcErrors,
        );
      }
      const tgt = (await getInitialCredentials({ client, password: ALICE_PASSWORD, settings: w.settings }))
        .credential;
      const server = { nameType: NT_SRV_INST, components: ['gsstest', 'localhost'], realm: REALM };
      const list = mutators(700, 33, 240);
      await fuzzAsync(
        'TGS reply',
        list.map((m, i) => ({ what: m.what, bytes: Uint8Array.of(i & 0xff, i >> 8) })),
        (b) => {
          const m = list[b[0] | (b[1] << 8)];
          const transport: KdcTransport = async (realm, req) => m.apply(await net(realm, req));
          return tgsExchange({ tgt, server, settings: w.settings, transport });
        },
        kdcErrors,
      );
    });

    it("the embedded KDC's handler: a KRB-ERROR, a reply or nothing; never a throw", () => {
      const kdc = startFuzzKdc();
      fuzzSync('KDC AS-REQ', sample(mutants(kdc.asReq, 41), 2), kdc.handle, []);
      const tgs = tgsReq({
        realm: KDC_REALM,
        tgt: kdc.tgt,
        sessionKey: kdc.tgtSessionKey,
        client: KDC_ALICE.client,
        service: ['gsstest', 'localhost'],
      });
      fuzzSync('KDC TGS-REQ', sample(mutants(tgs, 42), 2), kdc.handle, []);
      fuzzSync('KDC garbage', garbage(43, 0x6a), kdc.handle, []);
      assert.deepEqual(kdc.unknown, []);
      const a = kdc.answers;
      assert.ok((a.get('30') ?? 0) > 0 && (a.get('none') ?? 0) > 0, JSON.stringify([...a]));
    });

    it('acceptor step(damaged AP-REQ) and initiator step(damaged AP-REP)', async () => {
      const { apReqToken, apRepToken } = await w.establish();
      await fuzzAsync(
        'accept',
        mutants(apReqToken, 51),
        (b) => SecurityContext.accept({ credentials: w.acceptor }).step(b),
        [...ESTABLISH_ERRORS, S.GSS_S_DUPLICATE_ELEMENT],
      );
      await fuzzAsync(
        'initiator second step',
        sample(mutants(apRepToken, 52), 3),
        async (b) => {
          const ini = SecurityContext.initiate({
            target: Name.hostbased('gsstest@localhost'),
            credentials: w.alice,
          });
          await ini.step();
          return ini.step(b);
        },
        ESTABLISH_ERRORS,
      );
    });
  });
}
