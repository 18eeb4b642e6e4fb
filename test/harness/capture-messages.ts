/**
 * Captures RFC 4120 messages from a live MIT realm through the recording KDC proxy: MIT kinit
 * (AS-REQ, PREAUTH_REQUIRED, AS-REQ with PA-ENC-TIMESTAMP, AS-REP), MIT kvno (TGS-REQ, TGS-REP),
 * kinit of an unknown principal (C_PRINCIPAL_UNKNOWN), MIT's GSS initiator and acceptor through
 * python3-gssapi (AP-REQ and AP-REP tokens) and krb5_fwd_tgt_creds (KRB-CRED, via a tiny C
 * program). Used by test/interop/messages.test.ts and, run directly, to write the fixtures:
 *   node --import tsx test/harness/capture-messages.ts test/fixtures/messages
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KdcExchange, startKdcProxy } from './kdc-proxy.js';
import { execAsync, MIT_BIN, type Realm, startRealm } from './realm.js';

export interface CapturedMessages {
  asReqNoPreauth: Uint8Array;
  krbErrorPreauthRequired: Uint8Array;
  asReqEncTimestamp: Uint8Array;
  asRep: Uint8Array;
  tgsReq: Uint8Array;
  tgsRep: Uint8Array;
  krbErrorPrincipalUnknown: Uint8Array;
  /** gss_init_sec_context's first token: RFC 2743 3.1 framing, then the AP-REQ. */
  apReqToken: Uint8Array;
  /** gss_accept_sec_context's reply token: framing, then the AP-REP. */
  apRepToken: Uint8Array;
  /** An initiator token with delegation: its authenticator checksum (RFC 4121 4.1.1) holds a KRB-CRED. */
  apReqDelegateToken: Uint8Array;
  /** From krb5_fwd_tgt_creds, when gcc and libkrb5-dev are present. */
  krbCred?: Uint8Array;
}

/** The fixture file name of each message. */
export const FIXTURE_FILES: Record<keyof CapturedMessages, string> = {
  asReqNoPreauth: 'as-req-no-preauth.der',
  krbErrorPreauthRequired: 'krb-error-preauth-required.der',
  asReqEncTimestamp: 'as-req-enc-timestamp.der',
  asRep: 'as-rep.der',
  tgsReq: 'tgs-req.der',
  tgsRep: 'tgs-rep.der',
  krbErrorPrincipalUnknown: 'krb-error-principal-unknown.der',
  apReqToken: 'ap-req-gss-token.bin',
  apRepToken: 'ap-rep-gss-token.bin',
  apReqDelegateToken: 'ap-req-delegate-gss-token.bin',
  krbCred: 'krb-cred.der',
};

const PY_GSS = `
import gssapi, sys
f = gssapi.RequirementFlag
name = gssapi.Name('gsstest@localhost', gssapi.NameType.hostbased_service)
ini = gssapi.SecurityContext(name=name, usage='initiate', mech=gssapi.MechType.kerberos,
    flags=[f.mutual_authentication, f.replay_detection, f.out_of_sequence_detection,
           f.confidentiality, f.integrity])
tok = ini.step()
acc = gssapi.SecurityContext(creds=gssapi.Credentials(usage='accept'), usage='accept')
rep = acc.step(tok)
dlg = gssapi.SecurityContext(name=name, usage='initiate', mech=gssapi.MechType.kerberos,
    flags=[f.mutual_authentication, f.delegate_to_peer])
print(tok.hex())
print(rep.hex())
print(dlg.step().hex())
`;

function expectOk(what: string, r: { code: number | null; stderr: string }): void {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}`);
}

/** `transports`, when given, collects the transports the KDC exchanges used ('udp', 'tcp'). */
export async function captureMessages(realm: Realm, transports?: Set<string>): Promise<CapturedMessages> {
  const proxy = await startKdcProxy(realm);
  try {
    const env = { ...proxy.env, KRB5CCNAME: `FILE:${realm.dir}/capture-${proxy.port}.ccache` };
    expectOk('kinit', await realm.exec(MIT_BIN.kinit, ['alice'], { input: `${realm.alicePassword}\n`, env }));
    const as = proxy.exchanges.splice(0);
    const seen = (xs: KdcExchange[]): KdcExchange[] => {
      for (const x of xs) transports?.add(x.transport);
      return xs;
    };
    seen(as);
    const err = as.find((x) => x.reply[0] === 0x7e);
    const ok = as.find((x) => x.reply[0] === 0x6b);
    if (!err || !ok)
      throw new Error(`kinit: expected PREAUTH_REQUIRED then AS-REP, got ${as.length} exchanges`);

    expectOk('kvno', await realm.exec(MIT_BIN.kvno, ['gsstest/localhost'], { env }));
    const tgs = seen(proxy.exchanges.splice(0)).find((x) => x.reply[0] === 0x6d);
    if (!tgs) throw new Error('kvno: no TGS-REP');

    const unknownEnv = { ...env, KRB5CCNAME: `FILE:${realm.dir}/capture-unknown.ccache` };
    await realm.exec(MIT_BIN.kinit, ['nobody'], { input: 'x\n', env: unknownEnv });
    const unknown = seen(proxy.exchanges.splice(0)).find((x) => x.reply[0] === 0x7e);
    if (!unknown) throw new Error('kinit nobody: no KRB-ERROR');

    const py = await realm.exec(MIT_BIN.python3, ['-c', PY_GSS], { env });
    expectOk('python3-gssapi', py);
    const [apReqHex, apRepHex, delegateHex] = py.stdout.trim().split('\n');

    const out: CapturedMessages = {
      asReqNoPreauth: err.request,
      krbErrorPreauthRequired: err.reply,
      asReqEncTimestamp: ok.request,
      asRep: ok.reply,
      tgsReq: tgs.request,
      tgsRep: tgs.reply,
      krbErrorPrincipalUnknown: unknown.reply,
      apReqToken: new Uint8Array(Buffer.from(apReqHex, 'hex')),
      apRepToken: new Uint8Array(Buffer.from(apRepHex, 'hex')),
      apReqDelegateToken: new Uint8Array(Buffer.from(delegateHex, 'hex')),
    };

    const src = join(process.cwd(), 'test', 'fixtures', 'messages', 'fwd-cred.c');
    const bin = join(realm.dir, 'fwd-cred');
    const cc = await execAsync('gcc', ['-o', bin, src, '-lkrb5']).catch(() => ({
      code: 1,
      stdout: '',
      stderr: '',
    }));
    if (cc.code === 0) {
      const r = await realm.exec(bin, ['gsstest/localhost', join(realm.dir, 'krb-cred.out')], { env });
      expectOk('fwd-cred', r);
      out.krbCred = new Uint8Array(readFileSync(join(realm.dir, 'krb-cred.out')));
    }
    return out;
  } finally {
    for (const x of proxy.exchanges) transports?.add(x.transport);
    await proxy.stop();
  }
}

async function main(dir: string): Promise<void> {
  const realm = await startRealm();
  try {
    const m = await captureMessages(realm);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    // The service keys of this throwaway realm, so tests can open the service ticket and AP-REQ.
    copyFileSync(realm.keytabs.gsstest, join(dir, 'gsstest.keytab'));
    for (const [k, file] of Object.entries(FIXTURE_FILES)) {
      const b = m[k as keyof CapturedMessages];
      if (b) writeFileSync(join(dir, file), b);
    }
    console.log(`wrote ${Object.keys(m).length} fixtures to ${dir}`);
  } finally {
    await realm.stop();
  }
}

if (process.argv[1]?.endsWith('capture-messages.ts')) {
  main(process.argv[2] ?? 'test/fixtures/messages').then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
