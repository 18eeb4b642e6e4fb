/**
 * The AS and TGS exchanges against the embedded KDC, through a transport that can tamper with
 * replies: every check of verify.ts must fire before anything is trusted, and garbage replies
 * must end in GssError only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decrypt, encrypt, makeChecksumOfType, randomKey, stringToKey } from '../../../src/crypto/index.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_CREDENTIALS_EXPIRED, GssError } from '../../../src/errors/status.js';
import { resolveCcache } from '../../../src/krb5/ccache/index.js';
import { Profile } from '../../../src/krb5/config/profile.js';
import { TKT_FLG_ENC_PA_REP } from '../../../src/krb5/constants/flags.js';
import { KU_AS_REP_ENC_PART, KU_AS_REQ } from '../../../src/krb5/constants/key-usages.js';
import { PA_REQ_ENC_PA_REP } from '../../../src/krb5/constants/padata-types.js';
import { type Kdc, startKdc } from '../../../src/krb5/kdc/index.js';
import { getInitialCredentials } from '../../../src/krb5/kdc-client/as.js';
import { clientConfigFromProfile } from '../../../src/krb5/kdc-client/load.js';
import type { KdcClientSettings } from '../../../src/krb5/kdc-client/settings.js';
import { getServiceCredentials } from '../../../src/krb5/kdc-client/tgs.js';
import { type KdcTransport, networkTransport } from '../../../src/krb5/kdc-client/transport.js';
import { encodeChecksum } from '../../../src/krb5/messages/common.js';
import {
  decodeAsRep,
  decodeEncKdcRepPart,
  type EncKdcRepPart,
  encodeAsRep,
  encodeEncKdcRepPart,
  type KdcRep,
} from '../../../src/krb5/messages/kdc-rep.js';
import { NT_SRV_HST, parsePrincipal } from '../../../src/krb5/principal.js';
import { setClockOffset } from '../../../src/util/clock.js';

const REALM = 'UNIT.TEST';
const PASSWORD = 'unit-Pass-1';

describe('AS and TGS exchanges (embedded KDC, tampering transport)', () => {
  let kdc: Kdc;
  let settings: KdcClientSettings;
  let net: KdcTransport;
  const alice = () => parsePrincipal(`alice@${REALM}`);

  before(async () => {
    kdc = await startKdc({
      realm: REALM,
      principals: [{ name: 'alice', password: PASSWORD }, { name: 'gsstest/localhost' }],
    });
    settings = clientConfigFromProfile(Profile.parse(kdc.krb5Conf)).settings;
    net = networkTransport(settings);
  });
  after(async () => {
    await kdc?.stop();
  });

  /** A transport that rewrites the AS-REP's encrypted part (alice's aes256 key, usage 3). */
  function tamperEncPart(change: (enc: EncKdcRepPart) => EncKdcRepPart): KdcTransport {
    return async (realm, req) => {
      const reply = await net(realm, req);
      if (reply[0] !== 0x6b) return reply;
      const rep = decodeAsRep(reply);
      const key = stringToKey(rep.encPart.etype, PASSWORD, `${REALM}alice`);
      const enc = change(decodeEncKdcRepPart(decrypt(key, KU_AS_REP_ENC_PART, rep.encPart.cipher)));
      const cipher = encrypt(key, KU_AS_REP_ENC_PART, encodeEncKdcRepPart(enc));
      return encodeAsRep({ ...rep, encPart: { ...rep.encPart, cipher } });
    };
  }
  function tamperRep(change: (rep: KdcRep) => KdcRep): KdcTransport {
    return async (realm, req) => {
      const reply = await net(realm, req);
      return reply[0] === 0x6b ? encodeAsRep(change(decodeAsRep(reply))) : reply;
    };
  }
  const asWith = (transport: KdcTransport, s = settings) =>
    getInitialCredentials({ client: alice(), password: PASSWORD, settings: s, transport });
  const minorIs = (name: keyof typeof MINOR) => (e: unknown) =>
    e instanceof GssError && e.minor === MINOR[name];

  it('gets a TGT with PA-ENC-TIMESTAMP after PREAUTH_REQUIRED', async () => {
    const sizes: number[] = [];
    const counting: KdcTransport = async (realm, req) => {
      sizes.push(req.length);
      return net(realm, req);
    };
    const got = await asWith(counting);
    assert.equal(sizes.length, 2, 'unauthenticated request, then one with preauth');
    assert.equal(got.paType, 2);
    assert.deepEqual(got.credential.server.components, ['krbtgt', REALM]);
    assert.ok(Math.abs(got.kdcTimeOffset.seconds) <= 1);
    assert.equal(got.kdcTimeOffset.microseconds, 0);
  });

  it('rejects a reply whose nonce, names or times do not match the request', async () => {
    await assert.rejects(
      asWith(tamperEncPart((e) => ({ ...e, nonce: (e.nonce + 1) >>> 0 }))),
      minorIs('KRB5_KDCREP_MODIFIED'),
    );
    await assert.rejects(
      asWith(tamperEncPart((e) => ({ ...e, sname: { nameType: 2, components: ['krbtgt', 'EVIL'] } }))),
      minorIs('KRB5_KDCREP_MODIFIED'),
    );
    await assert.rejects(
      asWith(tamperEncPart((e) => ({ ...e, endtime: e.endtime + 365 * 86400 }))),
      minorIs('KRB5_KDCREP_MODIFIED'),
    );
    await assert.rejects(
      asWith(tamperRep((r) => ({ ...r, cname: { nameType: 1, components: ['mallory'] } }))),
      minorIs('KRB5_KDCREP_MODIFIED'),
    );
    await assert.rejects(
      asWith(
        tamperRep((r) => ({
          ...r,
          ticket: { ...r.ticket, sname: { nameType: 2, components: ['krbtgt', 'EVIL'] } },
        })),
      ),
      minorIs('KRB5_KDCREP_MODIFIED'),
    );
  });

  it('checks PA-REQ-ENC-PA-REP when the reply sets enc-pa-rep (RFC 6806 11), as MIT', async () => {
    const withEncPaRep = (over: (req: Uint8Array) => Uint8Array | undefined): KdcTransport => {
      let lastReq: Uint8Array = new Uint8Array();
      const inner = tamperEncPart((e) => {
        const key = stringToKey(18, PASSWORD, `${REALM}alice`);
        const data = over(lastReq);
        const encryptedPaData =
          data === undefined
            ? []
            : [
                {
                  padataType: PA_REQ_ENC_PA_REP,
                  padataValue: encodeChecksum({
                    cksumtype: 16,
                    checksum: makeChecksumOfType(16, key, KU_AS_REQ, data),
                  }),
                },
              ];
        return { ...e, flags: (e.flags | TKT_FLG_ENC_PA_REP) >>> 0, encryptedPaData };
      });
      return async (realm, req) => {
        lastReq = req;
        return inner(realm, req);
      };
    };
    const s = { ...settings, defaultTktEnctypes: [18] };
    const good = await asWith(
      withEncPaRep((req) => req),
      s,
    );
    assert.deepEqual(good.credential.server.components, ['krbtgt', REALM]);
    await assert.rejects(
      asWith(
        withEncPaRep(() => undefined),
        s,
      ),
      minorIs('KRB5_KDCREP_MODIFIED'),
    );
    await assert.rejects(
      asWith(
        withEncPaRep((req) => req.subarray(1)),
        s,
      ),
      minorIs('KRB5_KDCREP_MODIFIED'),
    );
  });

  it('rejects a session key enctype that was not requested', async () => {
    const s = { ...settings, defaultTktEnctypes: [18] };
    await assert.rejects(
      asWith(
        tamperEncPart((e) => ({ ...e, key: randomKey(17) })),
        s,
      ),
      minorIs('KRB5_CONFIG_ETYPE_NOSUPP'),
    );
  });

  it('a reply under another key is "Password incorrect" (BAD_INTEGRITY), not garbage', async () => {
    const wrongKey: KdcTransport = async (realm, req) => {
      const reply = await net(realm, req);
      if (reply[0] !== 0x6b) return reply;
      const rep = decodeAsRep(reply);
      const cipher = encrypt(randomKey(rep.encPart.etype), KU_AS_REP_ENC_PART, new Uint8Array(40));
      return encodeAsRep({ ...rep, encPart: { ...rep.encPart, cipher } });
    };
    await assert.rejects(
      asWith(wrongKey),
      (e: unknown) =>
        minorIs('KRB5KRB_AP_ERR_BAD_INTEGRITY')(e) && /Password incorrect/.test((e as Error).message),
    );
  });

  it('truncated and corrupted replies end in GssError only', async () => {
    const real = await (async () => {
      let last: Uint8Array = new Uint8Array();
      await asWith(async (realm, req) => {
        last = await net(realm, req);
        return last;
      });
      return last;
    })();
    const replay = (bytes: Uint8Array): KdcTransport => {
      let first = true;
      return async (realm, req) => {
        if (first) {
          first = false;
          return net(realm, req); // PREAUTH_REQUIRED, so the client has its key
        }
        return bytes;
      };
    };
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const cases: Uint8Array[] = [];
    for (let i = 0; i < real.length; i += 7) cases.push(real.subarray(0, i));
    for (let i = 0; i < 60; i++) {
      const b = real.slice();
      b[rnd() % b.length] ^= 1 + (rnd() % 255);
      cases.push(b);
    }
    for (const c of cases) {
      await assert.rejects(
        asWith(replay(c)),
        (e: unknown) => e instanceof GssError,
        `case of ${c.length} bytes`,
      );
    }
  });

  it('TGS exchange with a subkey, stored and then served from the cache', async () => {
    const got = await asWith(net);
    const cc = resolveCcache(`MEMORY:unit-${process.pid}`);
    await cc.initialize(alice(), { kdcTimeOffset: got.kdcTimeOffset });
    await cc.store(got.credential);
    const server = parsePrincipal(`gsstest/localhost@${REALM}`, undefined, NT_SRV_HST);
    let sent = 0;
    const counting: KdcTransport = async (realm, req) => {
      sent++;
      return net(realm, req);
    };
    const cred = await getServiceCredentials({ ccache: cc, server, settings, transport: counting });
    assert.deepEqual(cred.server.components, ['gsstest', 'localhost']);
    const again = await getServiceCredentials({ ccache: cc, server, settings, transport: counting });
    assert.deepEqual(again.ticket, cred.ticket);
    assert.equal(sent, 1);
    await assert.rejects(
      getServiceCredentials({
        ccache: cc,
        server: parsePrincipal(`nosuch/x@${REALM}`),
        settings,
        transport: net,
      }),
      minorIs('KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN'),
    );
    // A day and more later the TGT has expired: GSS_S_CREDENTIALS_EXPIRED, as MIT.
    setClockOffset(2 * 86400 * 1000);
    try {
      await assert.rejects(
        getServiceCredentials({
          ccache: cc,
          server: parsePrincipal(`HTTP/x@${REALM}`),
          settings,
          transport: net,
        }),
        (e: unknown) =>
          e instanceof GssError &&
          e.major === GSS_S_CREDENTIALS_EXPIRED &&
          e.minor === MINOR.KRB5KRB_AP_ERR_TKT_EXPIRED,
      );
    } finally {
      setClockOffset(0);
    }
    await cc.destroy();
  });
});
