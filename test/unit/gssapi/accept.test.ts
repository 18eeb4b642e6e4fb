/**
 * The acceptor's checks on forged AP-REQs (tickets made here with the service key): addresses,
 * ticket times, the invalid flag, client mismatch, permitted enctypes, a missing or plain
 * authenticator checksum, DCE-style and foreign tokens. Expected codes are MIT's rd_req_dec.c
 * and accept_sec_context.c choices.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encrypt, makeChecksumOfType, randomKey } from '../../../src/crypto/index.js';
import type { Key } from '../../../src/crypto/key.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GssError } from '../../../src/errors/status.js';
import type { ChannelBindings } from '../../../src/gssapi/bindings.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { getContextState } from '../../../src/gssapi/context/context-internal.js';
import { Credentials } from '../../../src/gssapi/creds/creds.js';
import {
  GSS_C_MUTUAL_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
  GSS_C_TRANS_FLAG,
} from '../../../src/gssapi/flags.js';
import { channelBindingsHash } from '../../../src/gssapi/mech/krb5/establish/bindings.js';
import { encodeGssChecksum } from '../../../src/gssapi/mech/krb5/establish/checksum.js';
import { isSpnegoInitialToken } from '../../../src/gssapi/mech/spnego/negotiation-token.js';
import { Name } from '../../../src/gssapi/names/names.js';
import {
  TOK_ID_AP_REP,
  TOK_ID_AP_REQ,
  unwrapInitialContextToken,
  wrapInitialContextToken,
} from '../../../src/gssapi/token/framing.js';
import { oidToBytes } from '../../../src/gssapi/token/oid.js';
import { AP_OPTS_MUTUAL_REQUIRED, TKT_FLG_INVALID } from '../../../src/krb5/constants/flags.js';
import { KU_AP_REQ_AUTH, KU_AP_REQ_AUTH_CKSUM, KU_TICKET } from '../../../src/krb5/constants/key-usages.js';
import { writeKeytab } from '../../../src/krb5/keytab/index.js';
import { encodeApReq, encodeAuthenticator } from '../../../src/krb5/messages/ap.js';
import type { Checksum, HostAddress } from '../../../src/krb5/messages/common.js';
import { encodeEncTicketPart } from '../../../src/krb5/messages/ticket.js';
import { fromHex } from '../../../src/util/bytes.js';

const REALM = 'FORGE.GSS';
const SERVICE = { nameType: 3, components: ['gsstest', 'localhost'], realm: REALM };

interface Forge {
  caddr?: HostAddress[];
  authtime?: number;
  starttime?: number;
  endtime?: number;
  flags?: number;
  cname?: string;
  cksum?: Checksum | null;
  gssFlags?: number;
  sessionEnctype?: number;
  apOptions?: number;
  /** Encrypt the ticket with the keytab's aes128-sha256 key (enctype 19) instead. */
  ticket19?: boolean;
  /** A plain (Samba-style) checksum over nothing, under the session key or another key. */
  plainChecksum?: 'valid' | 'invalid';
}

describe('acceptor checks on forged AP-REQs', () => {
  let dir: string;
  let serviceKey: Key;
  let serviceKey19: Key;
  let creds: Credentials;
  const saved = process.env.KRB5_CONFIG;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-forge-'));
    writeFileSync(
      join(dir, 'krb5.conf'),
      `[libdefaults]\n  default_realm = ${REALM}\n  permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192\n`,
    );
    process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
    serviceKey = randomKey(18);
    serviceKey19 = randomKey(19);
    await writeKeytab(`FILE:${join(dir, 'kt')}`, [
      { principal: SERVICE, timestamp: 0, kvno: 3, key: serviceKey },
      { principal: SERVICE, timestamp: 0, kvno: 3, key: serviceKey19 },
    ]);
    creds = await Credentials.acquire({ usage: 'accept', keytab: `FILE:${join(dir, 'kt')}` });
  });
  after(() => {
    if (saved === undefined) delete process.env.KRB5_CONFIG;
    else process.env.KRB5_CONFIG = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  function forge(f: Forge = {}): Uint8Array {
    const now = Math.floor(Date.now() / 1000);
    const session = randomKey(f.sessionEnctype ?? 18);
    const encTicket = encodeEncTicketPart({
      flags: f.flags ?? 0,
      key: session,
      crealm: REALM,
      cname: { nameType: 1, components: ['alice'] },
      transited: { trType: 1, contents: new Uint8Array(0) },
      authtime: f.authtime ?? now - 10,
      starttime: f.starttime,
      endtime: f.endtime ?? now + 3600,
      caddr: f.caddr,
    });
    const gssFlags = f.gssFlags ?? GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_TRANS_FLAG;
    const plainKey = f.plainChecksum === 'valid' ? session : randomKey(session.enctype);
    const plain = f.plainChecksum
      ? { cksumtype: 16, checksum: makeChecksumOfType(16, plainKey, KU_AP_REQ_AUTH_CKSUM, new Uint8Array(0)) }
      : undefined;
    const cksum =
      plain ??
      (f.cksum === null
        ? undefined
        : (f.cksum ?? {
            cksumtype: 0x8003,
            checksum: encodeGssChecksum({ bindingsHash: channelBindingsHash(undefined), flags: gssFlags }),
          }));
    const authenticator = encodeAuthenticator({
      crealm: REALM,
      cname: { nameType: 1, components: [f.cname ?? 'alice'] },
      cksum,
      cusec: 0,
      ctime: now,
      subkey: randomKey(session.enctype),
      seqNumber: 77,
    });
    return wrapInitialContextToken(
      TOK_ID_AP_REQ,
      encodeApReq({
        apOptions: f.apOptions ?? AP_OPTS_MUTUAL_REQUIRED,
        ticket: {
          realm: REALM,
          sname: SERVICE,
          encPart: f.ticket19
            ? { etype: 19, kvno: 3, cipher: encrypt(serviceKey19, KU_TICKET, encTicket) }
            : { etype: 18, kvno: 3, cipher: encrypt(serviceKey, KU_TICKET, encTicket) },
        },
        authenticator: { etype: session.enctype, cipher: encrypt(session, KU_AP_REQ_AUTH, authenticator) },
      }),
    );
  }

  async function accept(token: Uint8Array, cb?: ChannelBindings) {
    const ctx = SecurityContext.accept({ credentials: creds, channelBindings: cb });
    const out = await ctx.step(token);
    return { ctx, out };
  }

  async function rejects(token: Uint8Array, minor: number, cb?: ChannelBindings) {
    const ctx = SecurityContext.accept({ credentials: creds, channelBindings: cb });
    await assert.rejects(ctx.step(token), (e: GssError) => e.code === 'GSS_S_FAILURE' && e.minor === minor);
    return ctx;
  }

  it('a well-formed forgery is accepted (the harness is sound)', async () => {
    const { ctx, out } = await accept(forge());
    assert.ok(out);
    assert.equal(String(ctx.initiatorName), `alice@${REALM}`);
    assert.equal(getContextState(ctx)?.recv.base, 77n);
  });

  it('addresses: an INET initiator address in the bindings must be in the ticket (BADADDR)', async () => {
    const caddr = [{ addrType: 2, address: fromHex('0a000001') }];
    const cb = (a: string) => ({ initiatorAddrType: 2, initiatorAddress: fromHex(a) });
    await accept(forge({ caddr }), cb('0a000001'));
    await rejects(forge({ caddr }), MINOR.KRB5KRB_AP_ERR_BADADDR, cb('0a000002'));
    await accept(forge(), cb('0a000002')); // no caddr: any address
    await accept(forge({ caddr }), { initiatorAddrType: 0 }); // not INET: no check
  });

  it('ticket times with the skew: TKT_NYV and TKT_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    await rejects(forge({ starttime: now + 400 }), MINOR.KRB5KRB_AP_ERR_TKT_NYV);
    await accept(forge({ starttime: now + 200 }));
    await rejects(forge({ endtime: now - 400 }), MINOR.KRB5KRB_AP_ERR_TKT_EXPIRED);
    await accept(forge({ endtime: now - 200 }));
  });

  it('the invalid flag, a client mismatch, an enctype not permitted', async () => {
    await rejects(forge({ flags: TKT_FLG_INVALID }), MINOR.KRB5KRB_AP_ERR_TKT_INVALID);
    await rejects(forge({ cname: 'mallory' }), MINOR.KRB5KRB_AP_ERR_BADMATCH);
    await rejects(forge({ sessionEnctype: 19 }), MINOR.KRB5_NOPERM_ETYPE);
  });

  it('a ticket in an enctype not permitted: NOPERM_ETYPE for a named acceptor, BAD_INTEGRITY when scanning', async () => {
    const named = await Credentials.acquire({
      usage: 'accept',
      keytab: `FILE:${join(dir, 'kt')}`,
      name: Name.principal(`gsstest/localhost@${REALM}`),
    });
    const ctx = SecurityContext.accept({ credentials: named });
    await assert.rejects(
      ctx.step(forge({ ticket19: true })),
      (e: GssError) => e.minor === MINOR.KRB5_NOPERM_ETYPE,
    );
    // krb5_decrypt_tkt_part fails for each key, so MIT's iteration_error says it could not decrypt.
    await rejects(forge({ ticket19: true }), MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);
  });

  it('a KRB-ERROR token goes with failures only when the initiator expects a reply', async () => {
    const withReply = await rejects(forge({ flags: TKT_FLG_INVALID }), MINOR.KRB5KRB_AP_ERR_TKT_INVALID);
    assert.ok(withReply.errorToken);
    const noReply = await rejects(
      forge({ flags: TKT_FLG_INVALID, apOptions: 0, gssFlags: GSS_C_REPLAY_FLAG }),
      MINOR.KRB5KRB_AP_ERR_TKT_INVALID,
    );
    assert.equal(noReply.errorToken, undefined);
  });

  it('no checksum: no flags (MS-KILE), no AP-REP; a plain checksum over nothing: REPLAY|SEQUENCE|MUTUAL', async () => {
    const none = await accept(forge({ cksum: null }));
    assert.equal(none.out, undefined);
    assert.equal(none.ctx.flags, GSS_C_TRANS_FLAG);
    const plainOk = await accept(forge({ plainChecksum: 'valid' }));
    assert.equal(
      plainOk.ctx.flags,
      GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_MUTUAL_FLAG | GSS_C_TRANS_FLAG | 0x80,
    );
    await assert.rejects(
      accept(forge({ plainChecksum: 'invalid' })),
      (e: GssError) => e.code === 'GSS_S_BAD_SIG',
    );
  });

  it('other tokens: wrong TOK_ID, another mechanism, an unframed AP-REQ', async () => {
    const body = unwrapInitialContextToken(forge(), TOK_ID_AP_REQ);
    const wrongId = wrapInitialContextToken(TOK_ID_AP_REP, body);
    await assert.rejects(
      accept(wrongId),
      (e: GssError) => e.code === 'GSS_S_DEFECTIVE_TOKEN' && e.minor === MINOR.KRB5KRB_AP_ERR_MSG_TYPE,
    );
    // IAKERB's OID: a mechanism we lack.
    const iakerb = wrapInitialContextToken(TOK_ID_AP_REQ, body, oidToBytes('1.3.6.1.5.2.5'));
    await assert.rejects(
      accept(iakerb),
      (e: GssError) => e.code === 'GSS_S_DEFECTIVE_TOKEN' && e.minor === MINOR.G_WRONG_MECH,
    );
    // SPNEGO's OID goes to the SPNEGO acceptor, for which an AP-REQ is no NegotiationToken.
    const spnego = wrapInitialContextToken(TOK_ID_AP_REQ, body, oidToBytes('1.3.6.1.5.5.2'));
    await assert.rejects(
      accept(spnego),
      (e: GssError) => e.code === 'GSS_S_DEFECTIVE_TOKEN' && /SPNEGO/.test(e.message),
    );
    await assert.rejects(accept(body), (e: GssError) => e.code === 'GSS_S_DEFECTIVE_TOKEN');
    // An empty token asks the acceptor to speak first (MIT's acc_ctx_hints): a SPNEGO
    // NegTokenInit2, not an establishment; then the same empty token again is refused.
    const { ctx, out } = await accept(new Uint8Array(0));
    assert.ok(out && isSpnegoInitialToken(out) && !ctx.isEstablished);
    await assert.rejects(ctx.step(new Uint8Array(0)), GssError);
  });

  it('sequence flag from the checksum is kept; TRANS is always added', async () => {
    const { ctx } = await accept(forge({ gssFlags: GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG }));
    assert.equal(
      ctx.flags & (GSS_C_SEQUENCE_FLAG | GSS_C_TRANS_FLAG),
      GSS_C_SEQUENCE_FLAG | GSS_C_TRANS_FLAG,
    );
  });
});
