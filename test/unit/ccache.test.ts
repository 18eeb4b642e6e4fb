import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import {
  type CachedCredential,
  type CcacheContents,
  defaultCcacheName,
  encodeCcache,
  getConfig,
  isConfigPrincipal,
  kdcTimeOffset,
  parseCcache,
  resolveCcache,
  selectCredential,
  setConfig,
} from '../../src/krb5/ccache/index.js';
import { parsePrincipal, unparsePrincipal } from '../../src/krb5/principal.js';
import { toHex, utf8 } from '../../src/util/bytes.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'files', name)));

function minorOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GssError, `expected GssError, got ${String(e)}`);
    return e.minor;
  }
  assert.fail('expected a GssError');
}

const alice = parsePrincipal('alice@R');

function cred(server: string, over: Partial<CachedCredential> = {}): CachedCredential {
  return {
    client: alice,
    server: parsePrincipal(server),
    key: { enctype: 18, keyvalue: new Uint8Array(32).fill(7) },
    authtime: 1000,
    starttime: 1000,
    endtime: 2000,
    renewTill: 3000,
    isSkey: false,
    ticketFlags: 0x40e10000,
    addresses: [{ addrType: 2, address: Uint8Array.of(127, 0, 0, 1) }],
    authdata: [{ adType: -1, adData: Uint8Array.of(1, 2) }],
    ticket: Uint8Array.of(0x61, 0x03, 0x02, 0x01, 0x05),
    secondTicket: new Uint8Array(0),
    ...over,
  };
}

describe('ccache format (MIT ccmarshal.c, cc_file.c)', () => {
  it('reads the MIT kinit + kvno fixture and re-encodes it byte for byte', () => {
    const bytes = fixture('alice.ccache');
    const cc = parseCcache(bytes);
    assert.equal(cc.version, 4);
    assert.deepEqual(kdcTimeOffset(cc), { seconds: 0, microseconds: 0 });
    assert.equal(unparsePrincipal(cc.principal), 'alice@TEST.GSS');
    assert.deepEqual(
      cc.credentials.map((c) => unparsePrincipal(c.server)),
      [
        'krb5_ccache_conf_data/fast_avail/krbtgt\\/TEST.GSS\\@TEST.GSS@X-CACHECONF:',
        'krb5_ccache_conf_data/pa_type/krbtgt\\/TEST.GSS\\@TEST.GSS@X-CACHECONF:',
        'krbtgt/TEST.GSS@TEST.GSS',
        'gsstest/localhost@TEST.GSS',
      ],
    );
    assert.deepEqual(
      cc.credentials.map((c) => isConfigPrincipal(c.server)),
      [true, true, false, false],
    );
    const tgt = cc.credentials[2];
    assert.equal(tgt.server.nameType, 2);
    assert.equal(tgt.key.enctype, 18);
    assert.equal(tgt.key.keyvalue.length, 32);
    assert.equal(tgt.ticketFlags, 0x40610000); // forwardable, initial, pre-authent, enc-pa-rep
    assert.equal(tgt.endtime - tgt.starttime, 86400);
    assert.equal(tgt.ticket[0], 0x61); // [APPLICATION 1] Ticket
    const tgs = parsePrincipal('krbtgt/TEST.GSS@TEST.GSS');
    assert.deepEqual(getConfig(cc, 'fast_avail', tgs), utf8('yes'));
    assert.deepEqual(getConfig(cc, 'pa_type', tgs), utf8('2'));
    assert.equal(toHex(encodeCcache(cc)), toHex(bytes));
  });

  it('round-trips every field in versions 1 to 4', () => {
    for (const version of [1, 2, 3, 4]) {
      const cc: CcacheContents = {
        version,
        headerTags:
          version === 4
            ? [
                { tag: 1, value: Uint8Array.of(0, 0, 0, 5, 0, 0, 0, 9) },
                { tag: 7, value: Uint8Array.of(1) },
              ]
            : [],
        principal: version === 1 ? { ...alice, nameType: 0 } : alice,
        credentials: [
          cred(
            'svc/h@R',
            version === 1
              ? { client: { ...alice, nameType: 0 }, server: { ...parsePrincipal('svc/h@R'), nameType: 0 } }
              : {},
          ),
        ],
      };
      const bytes = encodeCcache(cc);
      assert.equal(bytes[1], version);
      assert.deepEqual(parseCcache(bytes), cc, `version ${version}`);
    }
    const v4 = encodeCcache({
      version: 4,
      headerTags: [{ tag: 1, value: Uint8Array.of(0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0) }],
      principal: alice,
      credentials: [],
    });
    assert.deepEqual(kdcTimeOffset(parseCcache(v4)), { seconds: -2, microseconds: 256 });
  });

  it('rejects bad versions with KRB5_CCACHE_BADVNO and bad structure with KRB5_CC_FORMAT', () => {
    assert.equal(
      minorOf(() => parseCcache(Uint8Array.of(5))),
      MINOR.KRB5_CC_FORMAT,
    );
    assert.equal(
      minorOf(() => parseCcache(Uint8Array.of(5, 5, 0, 0))),
      MINOR.KRB5_CCACHE_BADVNO,
    );
    assert.equal(
      minorOf(() => parseCcache(Uint8Array.of(4, 4))),
      MINOR.KRB5_CCACHE_BADVNO,
    );
    // A header field longer than the header, and a time offset that is not 8 bytes.
    assert.equal(
      minorOf(() => parseCcache(Uint8Array.of(5, 4, 0, 4, 0, 1, 0, 8))),
      MINOR.KRB5_CC_FORMAT,
    );
    assert.equal(
      minorOf(() => parseCcache(Uint8Array.of(5, 4, 0, 5, 0, 1, 0, 1, 0))),
      MINOR.KRB5_CC_FORMAT,
    );
    // A component count larger than the file.
    assert.equal(
      minorOf(() => parseCcache(Uint8Array.of(5, 4, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff))),
      MINOR.KRB5_CC_FORMAT,
    );
  });

  it('throws only GssError for every truncation and for random byte flips', () => {
    const bytes = fixture('alice.ccache');
    for (let n = 0; n < bytes.length; n++) {
      const cut = bytes.subarray(0, n);
      try {
        parseCcache(cut);
      } catch (e) {
        assert.ok(e instanceof GssError, `truncated at ${n}: ${String(e)}`);
      }
    }
    let seed = 99;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 4000; i++) {
      const copy = Uint8Array.from(bytes);
      for (let k = 0; k < 1 + (i % 4); k++) copy[rand() % copy.length] ^= 1 + (rand() % 255);
      try {
        parseCcache(copy);
      } catch (e) {
        assert.ok(e instanceof GssError, `flip case ${i}: ${String(e)}`);
      }
    }
  });
});

describe('credential selection (krb5_cc_retrieve_cred)', () => {
  const svc = parsePrincipal('svc/h@R');
  const creds = [
    cred('svc/h@R', { endtime: 1500, key: { enctype: 17, keyvalue: new Uint8Array(16) } }),
    cred('svc/h@R', { endtime: 2500, key: { enctype: 18, keyvalue: new Uint8Array(32) } }),
    cred('svc/h@R', { endtime: 0, authtime: 0xffffffff }), // removed by MIT
    cred('svc/h@R', { isSkey: true, endtime: 9999 }),
  ];

  it('takes the first live match in file order, as MIT does', () => {
    assert.equal(selectCredential(creds, svc).key.enctype, 17);
  });
  it('honours validAt (KRB5_TC_MATCH_TIMES), enctype and the enctype preference list', () => {
    assert.equal(selectCredential(creds, svc, { validAt: 1600 }).key.enctype, 18);
    assert.equal(selectCredential(creds, svc, { enctype: 18 }).endtime, 2500);
    assert.equal(selectCredential(creds, svc, { enctypes: [18, 17] }).key.enctype, 18);
    assert.equal(
      minorOf(() => selectCredential(creds, svc, { enctypes: [20] })),
      MINOR.KRB5_CC_NOT_KTYPE,
    );
  });
  it('matches user-to-user credentials only when asked, and server realms unless nameOnly', () => {
    assert.equal(selectCredential(creds, svc, { isSkey: true }).endtime, 9999);
    assert.equal(
      minorOf(() => selectCredential(creds, parsePrincipal('svc/h@OTHER'))),
      MINOR.KRB5_CC_NOTFOUND,
    );
    assert.equal(
      selectCredential(creds, parsePrincipal('svc/h@OTHER'), { serverNameOnly: true }).key.enctype,
      17,
    );
    assert.equal(
      minorOf(() => selectCredential(creds, svc, { validAt: 5000 })),
      MINOR.KRB5_CC_NOTFOUND,
    );
    assert.equal(
      minorOf(() => selectCredential(creds, svc, { client: parsePrincipal('bob@R') })),
      MINOR.KRB5_CC_NOTFOUND,
    );
  });
  it('sets, replaces and removes config entries (krb5_cc_set_config)', () => {
    let cc: CcacheContents = {
      version: 4,
      headerTags: [],
      principal: alice,
      credentials: [cred('krbtgt/R@R')],
    };
    cc = setConfig(cc, 'pa_type', utf8('2'), parsePrincipal('krbtgt/R@R'));
    cc = setConfig(cc, 'refresh_time', utf8('123'));
    cc = setConfig(cc, 'pa_type', utf8('138'), parsePrincipal('krbtgt/R@R'));
    assert.equal(cc.credentials.length, 3);
    assert.deepEqual(getConfig(cc, 'pa_type', parsePrincipal('krbtgt/R@R')), utf8('138'));
    assert.deepEqual(getConfig(cc, 'refresh_time'), utf8('123'));
    assert.equal(
      unparsePrincipal(cc.credentials[1].server),
      'krb5_ccache_conf_data/refresh_time@X-CACHECONF:',
    );
    cc = setConfig(cc, 'refresh_time', undefined);
    assert.equal(getConfig(cc, 'refresh_time'), undefined);
    assert.deepEqual(parseCcache(encodeCcache(cc)), cc);
  });
});

describe('ccache names and stores', () => {
  it('resolves names as krb5_cc_resolve and KRB5CCNAME as krb5_cc_default_name', () => {
    assert.equal(defaultCcacheName({}), `FILE:/tmp/krb5cc_${process.getuid?.()}`);
    assert.equal(defaultCcacheName({ KRB5CCNAME: 'MEMORY:x' }), 'MEMORY:x');
    assert.equal(defaultCcacheName({}, { defaultCcacheName: 'FILE:%{TEMP}/cc' }), 'FILE:/tmp/cc');
    assert.equal(resolveCcache('FILE:/a/b').name, 'FILE:/a/b');
    assert.equal(resolveCcache('/a/b').name, 'FILE:/a/b');
    assert.equal(resolveCcache('MEMORY:m').type, 'MEMORY');
    assert.equal(resolveCcache(undefined, { KRB5CCNAME: '/x/y' }).name, 'FILE:/x/y');
    for (const n of ['DIR:/tmp/d', 'KEYRING:persistent:0', 'KCM:', 'BOGUS:x']) {
      assert.equal(
        minorOf(() => resolveCcache(n)),
        MINOR.KRB5_CC_UNKNOWN_TYPE,
        n,
      );
    }
    assert.match(
      String(
        (() => {
          try {
            resolveCcache('DIR:/d');
          } catch (e) {
            return (e as Error).message;
          }
        })(),
      ),
      /not supported/,
    );
    assert.equal(
      minorOf(() => resolveCcache('FILE:')),
      MINOR.KRB5_CC_BADNAME,
    );
  });

  for (const kind of ['FILE', 'MEMORY'] as const) {
    it(`${kind}: initialize, store, retrieve, config, destroy`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cc-'));
      try {
        const name = kind === 'FILE' ? `FILE:${join(dir, 'cc')}` : `MEMORY:${dir}`;
        const cache = resolveCcache(name);
        await assert.rejects(
          cache.getPrincipal(),
          (e) => e instanceof GssError && e.minor === MINOR.KRB5_FCC_NOFILE,
        );
        await cache.initialize(alice, { kdcTimeOffset: { seconds: 3, microseconds: 4 } });
        assert.deepEqual(await cache.getPrincipal(), alice);
        await cache.store(cred('krbtgt/R@R'));
        await cache.store(cred('svc/h@R', { endtime: 10 }));
        await cache.store(cred('svc/h@R', { endtime: 20 }));
        await cache.setConfig('pa_type', utf8('2'), parsePrincipal('krbtgt/R@R'));
        assert.equal((await cache.list()).length, 4);
        assert.equal((await cache.retrieve(parsePrincipal('svc/h@R'))).endtime, 10);
        assert.equal((await cache.retrieve(parsePrincipal('svc/h@R'), { validAt: 15 })).endtime, 20);
        assert.deepEqual(await cache.getConfig('pa_type', parsePrincipal('krbtgt/R@R')), utf8('2'));
        assert.deepEqual(kdcTimeOffset(await cache.read()), { seconds: 3, microseconds: 4 });
        if (kind === 'FILE') {
          const path = join(dir, 'cc');
          assert.equal(statSync(path).mode & 0o777, 0o600);
          assert.equal(parseCcache(new Uint8Array(readFileSync(path))).credentials.length, 4);
        }
        await cache.initialize(parsePrincipal('bob@R'));
        assert.equal((await cache.list()).length, 0);
        await cache.destroy();
        await assert.rejects(cache.read(), (e) => e instanceof GssError && e.minor === MINOR.KRB5_FCC_NOFILE);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('reports a corrupt FILE cache as KRB5_CC_FORMAT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-'));
    try {
      writeFileSync(join(dir, 'bad'), Uint8Array.of(5, 4, 0));
      await assert.rejects(
        resolveCcache(join(dir, 'bad')).read(),
        (e) => e instanceof GssError && e.minor === MINOR.KRB5_CC_FORMAT,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
