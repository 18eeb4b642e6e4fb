/**
 * An MIT SPNEGO initiator that lists Kerberos second, live: MIT krb5 1.20 through python3-gssapi
 * with Debian's gss-ntlmssp plugin loaded for this peer only (test/harness/gss-ntlmssp.ts) and
 * gss_set_neg_mechs(3) = [NTLMSSP, krb5], the order of a Windows machine outside the domain. MIT
 * sends an NTLM NEGOTIATE as its optimistic token; our acceptor must ignore it (it belongs to
 * mechTypes[0], RFC 4178 3.2), answer request-mic with Kerberos, take MIT's fresh AP-REQ, and
 * exchange mechListMICs both ways (RFC 4178 5: required when the chosen mechanism was not the
 * initiator's first), which MIT verifies. Also over HTTP: MIT's tokens through our node:http
 * adapter on one connection, the multi-leg handshake bound to it.
 */
import assert from 'node:assert/strict';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import {
  ACCEPT_COMPLETED,
  ACCEPT_INCOMPLETE,
  decodeNegotiationToken,
  type NegTokenInit,
  type NegTokenResp,
  REQUEST_MIC,
} from '../../src/gssapi/mech/spnego/negotiation-token.js';
import { KRB5_MECH_OID_BYTES, oidToBytes } from '../../src/gssapi/token/oid.js';
import { type NegotiatedRequest, withNegotiate } from '../../src/http/index.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { NTLMSSP_OID, type NtlmsspEnv, ntlmsspEnv, ntlmsspPlugin } from '../harness/gss-ntlmssp.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type MitPeer, startMitPeer } from './context-peer.js';

const KRB5 = '1.2.840.113554.1.2.2';
function skip(): string | false {
  const s = interopSkip();
  if (s) return s;
  if (!ntlmsspPlugin() && !process.env.CI) return 'gss-ntlmssp is not unpacked (see .ci/run)';
  return false;
}

describe('an MIT SPNEGO initiator listing Kerberos second (NTLMSSP first)', { skip: skip() }, () => {
  let realm: Realm;
  let ntlm: NtlmsspEnv;
  let peer: MitPeer;
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    const plugin = ntlmsspPlugin();
    assert.ok(plugin, 'gss-ntlmssp plugin');
    ntlm = ntlmsspEnv(plugin, 'alice');
    peer = startMitPeer({ ...realm.env, ...ntlm.env });
  });
  after(async () => {
    await peer?.close();
    ntlm?.remove();
    restoreEnv?.();
    await realm?.stop();
  });

  const init = (flags: string[]) =>
    peer.ok({
      op: 'init',
      target: 'gsstest@localhost',
      mech: 'spnego',
      flags,
      negMechs: [NTLMSSP_OID, KRB5],
    });

  for (const flags of [['mutual'], []]) {
    it(`MIT → ours (${flags.length ? 'mutual' : 'no mutual'}): request-mic, MIT's AP-REQ, MICs both ways`, async () => {
      let a = await init(flags);
      const first = decodeNegotiationToken(fromHex(String(a.token))) as NegTokenInit;
      assert.equal(first.kind, 'init');
      assert.deepEqual(first.mechTypes, [oidToBytes(NTLMSSP_OID), KRB5_MECH_OID_BYTES]);
      // MIT's optimistic token is NTLM's NEGOTIATE message, for mechTypes[0].
      assert.equal(new TextDecoder().decode(first.mechToken?.subarray(0, 7)), 'NTLMSSP');

      const acc = SecurityContext.accept();
      const sent: NegTokenResp[] = [];
      for (let i = 0; a.token && i < 4; i++) {
        const reply = await acc.step(fromHex(String(a.token)));
        if (reply === undefined) break;
        sent.push(decodeNegotiationToken(reply) as NegTokenResp);
        a = await peer.ok({ op: 'step', token: toHex(reply) });
      }
      assert.ok(acc.isEstablished, 'our acceptor established');
      assert.equal((await peer.ok({ op: 'inquire' })).established, true, 'MIT initiator established');
      // Ours: request-mic naming Kerberos and no token; then the AP-REP with our MIC.
      assert.equal(sent[0].negState, REQUEST_MIC);
      assert.deepEqual(sent[0].supportedMech, KRB5_MECH_OID_BYTES);
      assert.equal(sent[0].responseToken, undefined);
      assert.ok(
        sent.slice(1).some((s) => s.mechListMIC),
        'we sent a mechListMIC (MIT verified it, or it would not be established)',
      );
      assert.ok(
        [ACCEPT_INCOMPLETE, ACCEPT_COMPLETED].includes(sent[sent.length - 1].negState ?? -1),
        'a final NegTokenResp',
      );
      assert.equal(String(acc.initiatorName), `alice@${realm.realm}`);
      // The context works both ways afterwards.
      const w = await peer.ok({ op: 'wrap', msg: toHex(utf8('from MIT')) });
      assert.deepEqual(acc.unwrap(fromHex(String(w.token))).message, utf8('from MIT'));
      const u = await peer.ok({ op: 'unwrap', token: toHex(acc.wrap(utf8('from us'))) });
      assert.equal(u.msg, toHex(utf8('from us')));
    });
  }

  it('over HTTP: MIT’s legs through our node:http adapter on one keep-alive connection', async () => {
    const server: Server = createServer(
      withNegotiate((req: NegotiatedRequest<import('node:http').IncomingMessage>, res) => {
        res.end(req.negotiate.principal);
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (authorization: string) =>
      new Promise<{ status: number; www?: string; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: '/', agent, headers: { authorization } },
          (res) => {
            let body = '';
            res.on('data', (d) => {
              body += String(d);
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, www: res.headers['www-authenticate'], body }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      let a = await init(['mutual']);
      let r = await get(`Negotiate ${Buffer.from(fromHex(String(a.token))).toString('base64')}`);
      let legs = 0;
      for (let i = 0; r.status === 401 && i < 3; i++) {
        legs++;
        const m = /^Negotiate (\S+)$/.exec(r.www ?? '');
        assert.ok(m, `a continuation token: ${r.www}`);
        a = await peer.ok({ op: 'step', token: toHex(Buffer.from(m[1], 'base64')) });
        assert.ok(a.token, 'MIT has a next leg');
        r = await get(`Negotiate ${Buffer.from(fromHex(String(a.token))).toString('base64')}`);
      }
      assert.equal(r.status, 200);
      assert.equal(r.body, `alice@${realm.realm}`);
      assert.ok(legs >= 1, 'the request-mic leg went through a 401 on the same connection');
      // The final token (our MIC) completes MIT's side.
      const m = /^Negotiate (\S+)$/.exec(r.www ?? '');
      if (m) await peer.ok({ op: 'step', token: toHex(Buffer.from(m[1], 'base64')) });
      assert.equal((await peer.ok({ op: 'inquire' })).established, true);
    } finally {
      agent.destroy();
      await new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      });
    }
  });
});
