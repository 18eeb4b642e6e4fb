/**
 * Every public parser of outside bytes, driven with every truncation of a valid input, every
 * single-bit flip (a 4096 sample for inputs over 512 bytes), random garbage of many lengths,
 * oversized length fields and random tails (./fuzz-lib.ts). Only GssError may escape, with a
 * major status that fits the parser, and no input may take long. docs/security.md lists the
 * parsers; ./parsers-network.ts drives the KDC client, the KDC and context establishment.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeInteger, encodeSequenceOf, readFirstTlv, readTlv } from '../../../src/asn1/index.js';
import { randomKey } from '../../../src/crypto/index.js';
import {
  GSS_S_BAD_MECH,
  GSS_S_BAD_NAME,
  GSS_S_BAD_NAMETYPE,
  GSS_S_BAD_SIG,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
} from '../../../src/errors/status.js';
import { openStoredToken, sealStoredToken } from '../../../src/fleet/stored-token.js';
import { encodeGssChecksum, parseGssChecksum } from '../../../src/gssapi/mech/krb5/establish/checksum.js';
import {
  etypeNegotiationAuthdata,
  readEtypeNegotiation,
} from '../../../src/gssapi/mech/krb5/establish/etype-negotiation.js';
import { getMic, verifyMic } from '../../../src/gssapi/mech/krb5/tokens/mic.js';
import { unwrap, wrap } from '../../../src/gssapi/mech/krb5/tokens/wrap.js';
import { GSS_C_NT_EXPORT_NAME, GSS_KRB5_NT_PRINCIPAL_NAME } from '../../../src/gssapi/names/name-oids.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { unwrapInitialContextToken, verifyTokenHeader } from '../../../src/gssapi/token/framing.js';
import { KRB5_MECH_OID_BYTES } from '../../../src/gssapi/token/oid.js';
import { parseCcache } from '../../../src/krb5/ccache/format.js';
import { Krb5Config } from '../../../src/krb5/config/krb5conf.js';
import { Profile } from '../../../src/krb5/config/profile.js';
import { isResponseTooBig } from '../../../src/krb5/kdc-client/transport.js';
import { parseKeytab } from '../../../src/krb5/keytab/format.js';
import { encodeAuthorizationData } from '../../../src/krb5/messages/common.js';
import * as M from '../../../src/krb5/messages/index.js';
import { file2Store } from '../../../src/krb5/rcache/file2.js';
import { FrameBuffer } from '../../../src/sample/frame-buffer.js';
import {
  decodeFrame,
  encodeFrame,
  TOKEN_CONTEXT,
  TOKEN_CONTEXT_NEXT,
  TOKEN_NOOP,
} from '../../../src/sample/protocol.js';
import { memFile } from '../krb5/mem-file.js';
import { checkCaptured, fixtureKeys, loadFixtures } from '../messages/captured.js';
import { makePair } from '../tokens/context-pair.js';
import { fuzzSync, garbage, type Mutant, mutants } from './fuzz-lib.js';
import { describeInnerParsers } from './parsers-inner.js';
import { describeSpnegoParsers } from './parsers-spnego.js';
import { describeWorldParsers } from './parsers-world.js';

const DEFECTIVE = [GSS_S_DEFECTIVE_TOKEN];
const FILE_FAILURE = [GSS_S_FAILURE];
const latin1 = new TextDecoder('latin1');
const enc = new TextEncoder();

function fixture(dir: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(join('test', 'fixtures', dir, name)));
}

describe('ASN.1 and Kerberos message decoders', () => {
  const m = loadFixtures();
  const open = checkCaptured(m, fixtureKeys());
  const err = M.decodeKrbError(m.krbErrorPreauthRequired);
  const eData = err.eData ?? new Uint8Array();
  const info2 = M.decodeMethodData(eData).find((p) => p.padataType === 19)?.padataValue ?? new Uint8Array();
  const asReq = M.decodeAsReq(m.asReqEncTimestamp);
  const paTs = asReq.padata?.find((p) => p.padataType === 2)?.padataValue ?? new Uint8Array();
  const pacReq = M.encodePaPacRequest({ includePac: true });
  const ticket = M.encodeTicket(M.decodeAsRep(m.asRep).ticket);
  const cases: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
    ['readTlv (AS-REP)', m.asRep, (b) => readTlv(b)],
    ['readFirstTlv (TGS-REQ)', m.tgsReq, (b) => readFirstTlv(b)],
    ['decodeAsReq', m.asReqEncTimestamp, M.decodeAsReq],
    ['decodeTgsReq', m.tgsReq, M.decodeTgsReq],
    ['decodeAsRep', m.asRep, M.decodeAsRep],
    ['decodeTgsRep', m.tgsRep, M.decodeTgsRep],
    ['decodeKrbError', m.krbErrorPreauthRequired, M.decodeKrbError],
    ['decodeApReq', open.apReq, M.decodeApReq],
    ['decodeApRep', open.apRep, M.decodeApRep],
    ['decodeTicket', ticket, M.decodeTicket],
    ['decodeEncTicketPart', open.encTicketPart, M.decodeEncTicketPart],
    ['decodeEncKdcRepPart', open.encAsRepPart, M.decodeEncKdcRepPart],
    ['decodeAuthenticator', open.authenticator, M.decodeAuthenticator],
    ['decodeEncApRepPart', open.encApRepPart, M.decodeEncApRepPart],
    ['decodePaEncTsEnc', open.paEncTsEnc, M.decodePaEncTsEnc],
    ['decodePaEncTimestamp', paTs, M.decodePaEncTimestamp],
    ['decodeMethodData', eData, M.decodeMethodData],
    ['decodeEtypeInfo2', info2, M.decodeEtypeInfo2],
    ['decodePaPacRequest', pacReq, M.decodePaPacRequest],
    [
      'decodeTypedData',
      M.encodeTypedData([{ dataType: 1, dataValue: Uint8Array.of(1, 2, 3) }]),
      M.decodeTypedData,
    ],
  ];
  if (m.krbCred) cases.push(['decodeKrbCred', m.krbCred, M.decodeKrbCred]);
  if (open.encKrbCredPart) cases.push(['decodeEncKrbCredPart', open.encKrbCredPart, M.decodeEncKrbCredPart]);
  for (const [name, valid, parse] of cases) {
    it(`${name}: only GSS_S_DEFECTIVE_TOKEN escapes`, () => {
      fuzzSync(name, mutants(valid, name.length), parse, DEFECTIVE);
    });
  }
  it('decodeKrbMessage: every message kind, damaged', () => {
    for (const [name, valid] of cases) {
      fuzzSync(`decodeKrbMessage(${name})`, mutants(valid, 7), M.decodeKrbMessage, DEFECTIVE);
    }
  });
});

describe('files: keytab, ccache, krb5.conf', () => {
  for (const f of ['services.keytab', 'ktutil.keytab']) {
    it(`parseKeytab (${f}): only GSS_S_FAILURE escapes`, () => {
      fuzzSync(`parseKeytab ${f}`, mutants(fixture('files', f), 3), parseKeytab, FILE_FAILURE);
    });
  }
  it('file2Store (MIT replay cache file): any bytes are a file, only GSS_S_FAILURE escapes', () => {
    // A file MIT 1.20 wrote (test/fixtures/files/README.md); each mutant is probed for a tag it
    // holds and for a new one, as the acceptor would.
    const mit = fixture('files', 'mit.rcache2');
    let at = 16;
    while (at + 16 <= mit.length && mit.subarray(at + 12, at + 16).every((b) => b === 0)) at += 16;
    const held = mit.slice(at, at + 12);
    fuzzSync(
      'file2Store',
      mutants(mit, 5),
      (b) => {
        for (const tag of [held, new Uint8Array(12).fill(7)]) {
          file2Store(memFile(b), tag, 1_800_000_000, 300, (n) => new Uint8Array(n));
        }
      },
      FILE_FAILURE,
    );
  });
  it('openStoredToken (a context store value read from Redis): only GSS_S_DEFECTIVE_TOKEN escapes', () => {
    const key = new Uint8Array(32).fill(9);
    const value = sealStoredToken(key, 'gssapi-ts:ctx:x', new Uint8Array(300).fill(1));
    const open = (b: Uint8Array) => openStoredToken(key, 'gssapi-ts:ctx:x', latin1.decode(b));
    // The base64 text itself, and the bytes under it re-encoded (to reach the AEAD).
    fuzzSync('openStoredToken text', mutants(enc.encode(value), 3), open, DEFECTIVE);
    const raw = (b: Uint8Array) => openStoredToken(key, 'gssapi-ts:ctx:x', Buffer.from(b).toString('base64'));
    fuzzSync(
      'openStoredToken bytes',
      mutants(new Uint8Array(Buffer.from(value, 'base64')), 3),
      raw,
      DEFECTIVE,
    );
    assert.deepEqual(openStoredToken(key, 'gssapi-ts:ctx:x', value), new Uint8Array(300).fill(1));
  });
  it('parseCcache (alice.ccache): only GSS_S_FAILURE escapes', () => {
    fuzzSync('parseCcache', mutants(fixture('files', 'alice.ccache'), 4), parseCcache, FILE_FAILURE);
  });
  const conf = enc.encode(
    [
      'include /nonexistent/krb5.conf.d/x',
      '[libdefaults]',
      '  default_realm = TEST.GSS',
      '  ticket_lifetime = 10h 30m',
      '  clockskew = 300',
      '  default_tkt_enctypes = aes256-cts aes128-cts-hmac-sha256-128 DEFAULT -des',
      '  forwardable = true',
      '[realms]',
      '  TEST.GSS = {',
      '    kdc = [::1]:88',
      '    kdc = tcp/127.0.0.1:8888',
      '    admin_server = localhost',
      '    auth_to_local = RULE:[2:$1@$0](^.*@TEST\\.GSS$)s/@.*//',
      '  }*',
      '[domain_realm]',
      '  .localhost = TEST.GSS',
      '[capaths]',
      '  A = {',
      '    B = .',
      '  }',
      '',
    ].join('\n'),
  );
  const parseConf = (b: Uint8Array) => {
    const text = latin1.decode(b);
    const c = Krb5Config.parse(text);
    // The getters read every value: none may throw anything but GssError.
    void c.defaultRealm;
    void c.clockskew;
    void c.ticketLifetime('TEST.GSS');
    void c.tktEnctypes;
    void c.udpPreferenceLimit;
    void c.dnsCanonicalizeHostname;
    void c.forwardable();
    void c.kdcs('TEST.GSS');
    void c.primaryKdcs('TEST.GSS');
    void c.domainRealm('a.localhost');
    return Profile.parse(text);
  };
  it('Krb5Config.parse and Profile.parse: only GSS_S_FAILURE escapes', () => {
    fuzzSync('krb5.conf', mutants(conf, 5), parseConf, FILE_FAILURE);
  });
});

describe('GSS framing, names, checksums, gss-sample frames', () => {
  const m = loadFixtures();
  it('verifyTokenHeader never throws; unwrapInitialContextToken throws only DEFECTIVE_TOKEN/BAD_MECH', () => {
    fuzzSync(
      'verifyTokenHeader',
      mutants(m.apReqToken, 11),
      (b) => {
        verifyTokenHeader(b, KRB5_MECH_OID_BYTES, 0x0100, true);
        verifyTokenHeader(b, KRB5_MECH_OID_BYTES, -1, false);
      },
      [],
    );
    fuzzSync(
      'unwrapInitialContextToken',
      mutants(m.apRepToken, 12),
      (b) => unwrapInitialContextToken(b, 0x0200, KRB5_MECH_OID_BYTES),
      [GSS_S_DEFECTIVE_TOKEN, GSS_S_BAD_MECH],
    );
  });
  it('Name.import of exported names and of text names', () => {
    const exported = Name.hostbased('gsstest@localhost').export();
    // MIT's krb5_gss_import_name: a principal krb5_parse_name refuses is GSS_S_FAILURE.
    const nameErrors = [
      GSS_S_BAD_NAME,
      GSS_S_BAD_NAMETYPE,
      GSS_S_BAD_MECH,
      GSS_S_DEFECTIVE_TOKEN,
      GSS_S_FAILURE,
    ];
    fuzzSync(
      'Name.import(export)',
      mutants(exported, 13),
      (b) => Name.import(b, GSS_C_NT_EXPORT_NAME),
      nameErrors,
    );
    const text = enc.encode('gsstest/localhost.example@TEST.GSS');
    fuzzSync(
      'Name.import(principal)',
      mutants(text, 14),
      (b) => Name.import(b, GSS_KRB5_NT_PRINCIPAL_NAME),
      nameErrors,
    );
    fuzzSync(
      'Name.hostbased',
      mutants(enc.encode('gsstest@localhost'), 15),
      (b) => Name.hostbased(latin1.decode(b)),
      nameErrors,
    );
  });
  it('parseGssChecksum (RFC 4121 4.1.1): only BAD_BINDINGS/FAILURE escape', () => {
    const valid = encodeGssChecksum({
      bindingsHash: new Uint8Array(16),
      flags: 0x3e,
      krbCred: Uint8Array.of(1, 2, 3),
    });
    fuzzSync('parseGssChecksum', mutants(valid, 16), (b) => parseGssChecksum(b, undefined), [
      0x40000, // GSS_S_BAD_BINDINGS
      GSS_S_FAILURE,
    ]);
  });
  it('readEtypeNegotiation (RFC 4537 in the authenticator): damaged and peer-sized lists', () => {
    const [ad] = etypeNegotiationAuthdata([18, 17, 20, 19], 17) ?? [];
    assert.ok(ad);
    const read = (b: Uint8Array) => readEtypeNegotiation([{ adType: 1, adData: b }]);
    fuzzSync('readEtypeNegotiation', mutants(ad.adData, 20), read, DEFECTIVE);
    // Regression: a 300000-entry EtypeList (900 kB, an authenticated peer's) was spread into
    // push() and overflowed the stack with a RangeError.
    const huge = encodeSequenceOf(new Array<number>(300000).fill(18), (e) => encodeInteger(e));
    const inner = encodeAuthorizationData([{ adType: 129, adData: huge }]);
    fuzzSync('readEtypeNegotiation (huge)', [{ what: '300000 etypes', bytes: inner }], read, DEFECTIVE, 5000);
  });
  it("the KDC client transport's isResponseTooBig never throws", () => {
    fuzzSync('isResponseTooBig', mutants(m.krbErrorPrincipalUnknown, 19), isResponseTooBig, []);
  });
  it('gss-sample decodeFrame: only DEFECTIVE_TOKEN escapes', () => {
    const valid = encodeFrame(2, m.apReqToken.subarray(0, 64));
    fuzzSync('decodeFrame', mutants(valid, 17), decodeFrame, DEFECTIVE);
    fuzzSync('decodeFrame v1', mutants(Uint8Array.of(0, 0, 0, 3, 1, 2, 3), 18), decodeFrame, DEFECTIVE);
  });
  it("gss-sample FrameBuffer (the server's reader), bytes in pieces, a small limit: only DEFECTIVE_TOKEN", () => {
    const valid = new Uint8Array([
      ...encodeFrame(TOKEN_NOOP | TOKEN_CONTEXT_NEXT, new Uint8Array(0)),
      ...encodeFrame(TOKEN_CONTEXT, m.apReqToken.subarray(0, 64)),
      ...encodeFrame(0, Uint8Array.of(1, 2, 3)),
    ]);
    const read = (bytes: Uint8Array) => {
      const buf = new FrameBuffer();
      const frames: number[] = [];
      // Pieces of 1, 2, 3, ... bytes: every header split somewhere.
      for (let at = 0, n = 1; at < bytes.length; at += n++) {
        buf.push(bytes.subarray(at, at + n));
        for (let f = buf.take(100); f; f = buf.take(100)) frames.push(f.token.length);
      }
      return frames;
    };
    fuzzSync('FrameBuffer', mutants(valid, 23), read, DEFECTIVE);
  });
});

describe('RFC 4121 MIC and Wrap tokens on a context record', () => {
  const key = randomKey(18);
  const acceptorSubkey = randomKey(17);
  const message = enc.encode('a message to protect');
  const majors = [
    GSS_S_DEFECTIVE_TOKEN,
    GSS_S_BAD_SIG,
    GSS_S_BAD_MECH,
    0x01000000 /* CALL_INACCESSIBLE_READ */,
  ];
  for (const [label, sub] of [
    ['subkey only', undefined],
    ['acceptor subkey', acceptorSubkey],
  ] as const) {
    it(`verifyMic and unwrap (${label}): only DEFECTIVE_TOKEN/BAD_SIG escape`, () => {
      const { init, acc } = makePair(key, sub);
      const mic = getMic(init, message);
      const sealed = wrap(init, message, true);
      const integ = wrap(init, message, false);
      const onlyCalling = (b: Uint8Array): Iterable<Mutant> => mutants(b, b.length);
      fuzzSync('verifyMic', onlyCalling(mic), (b) => verifyMic(acc, message, b), majors);
      fuzzSync('unwrap(conf)', onlyCalling(sealed), (b) => unwrap(acc, b), majors);
      fuzzSync('unwrap(integ)', onlyCalling(integ), (b) => unwrap(acc, b), majors);
      fuzzSync('unwrap(garbage)', garbage(99, 0x05), (b) => unwrap(acc, b), majors);
    });
  }
});

describeWorldParsers();
describeInnerParsers();
describeSpnegoParsers();
