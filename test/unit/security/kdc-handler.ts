/**
 * The embedded KDC's request handler (src/krb5/kdc/service.ts) without sockets, for the fuzz
 * suite: a database with krbtgt, alice (password 'pw') and gsstest/localhost; `handle` feeds a
 * request over both transports and counts the answers by msg-type. An exception inside the KDC
 * that is not a KdcRefusal becomes KRB_ERR_GENERIC 'UNKNOWN_REASON' on the wire, hiding a bug:
 * `unknown` collects those log lines, and the tests require it to stay empty.
 */
import assert from 'node:assert/strict';
import type { Key } from '../../../src/crypto/key.js';
import { NT_SRV_INST } from '../../../src/krb5/constants/index.js';
import { PrincipalDb } from '../../../src/krb5/kdc/db.js';
import { passwordKeys, randomKeys } from '../../../src/krb5/kdc/keys.js';
import { kdcHandler } from '../../../src/krb5/kdc/service.js';
import { decodeKrbMessage } from '../../../src/krb5/messages/index.js';
import type { Ticket } from '../../../src/krb5/messages/ticket.js';
import { parsePrincipal, unparsePrincipal } from '../../../src/krb5/principal.js';
import { asReq, clientKey, decryptAsRep } from '../kdc/helpers.js';

export const KDC_REALM = 'FUZZ.KDC';
export const KDC_ALICE = { realm: KDC_REALM, client: ['alice'], password: 'pw' };

export interface FuzzKdc {
  handle(request: Uint8Array): void;
  /** The TCP answer to one request. */
  reply(request: Uint8Array): Uint8Array | undefined;
  readonly answers: Map<string, number>;
  readonly unknown: string[];
  /** A valid AS-REQ with PA-ENC-TIMESTAMP for alice. */
  readonly asReq: Uint8Array;
  /** alice's TGT and its session key, from the handler's own AS-REP. */
  readonly tgt: Ticket;
  readonly tgtSessionKey: Key;
  /** The krbtgt key the TGT is encrypted in. */
  readonly krbtgtKey: Key;
}

export function startFuzzKdc(): FuzzKdc {
  const db = new PrincipalDb(KDC_REALM);
  const p = (n: string) => parsePrincipal(n, KDC_REALM);
  const put = (name: string, keys: ReturnType<typeof randomKeys>, preauth: boolean) =>
    db.put({
      principal: p(name),
      name: unparsePrincipal(p(name)),
      keys,
      requiresPreauth: preauth,
      allowForwardable: true,
      allowRenewable: true,
      maxLife: 0,
      maxRenewableLife: 0,
    });
  const tgsP = parsePrincipal(`krbtgt/${KDC_REALM}`, KDC_REALM, NT_SRV_INST);
  const krbtgtKeys = randomKeys(tgsP, 1);
  put(`krbtgt/${KDC_REALM}`, krbtgtKeys, false);
  put('alice', passwordKeys(p('alice'), 'pw', 1), true);
  put('gsstest/localhost', randomKeys(p('gsstest/localhost'), 1), false);
  const unknown: string[] = [];
  const handler = kdcHandler(
    {
      realm: KDC_REALM,
      db,
      policy: { maxLife: 86400, maxRenewableLife: 7 * 86400, clockSkew: 300 },
      permitted: [18, 17, 20, 19],
      clientReferrals: { bob: 'OTHER.TEST' },
      tgsPrincipal: tgsP,
      nowSeconds: () => Math.floor(Date.now() / 1000),
      nowMicros: () => 0,
    },
    { log: (line) => (line.includes('UNKNOWN_REASON') ? unknown.push(line) : undefined) },
  );
  const as = asReq(KDC_ALICE, true);
  const reply = handler.handle(as, 'tcp') as Uint8Array | undefined;
  assert.ok(reply);
  const m = decodeKrbMessage(reply);
  assert.equal(m.msgType, 11);
  const enc = decryptAsRep(m.message, clientKey(KDC_ALICE, m.message.encPart.etype));
  const answers = new Map<string, number>();
  return {
    answers,
    unknown,
    asReq: as,
    tgt: m.message.ticket,
    tgtSessionKey: enc.key,
    krbtgtKey: krbtgtKeys.find((k) => k.enctype === m.message.ticket.encPart.etype) ?? krbtgtKeys[0],
    reply: (request) => handler.handle(request, 'tcp') as Uint8Array | undefined,
    handle(request) {
      for (const t of ['udp', 'tcp'] as const) {
        const out = handler.handle(request, t) as Uint8Array | undefined;
        const kind = out ? String(decodeKrbMessage(out).msgType) : 'none';
        answers.set(kind, (answers.get(kind) ?? 0) + 1);
      }
    },
  };
}
