import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import {
  configPaths,
  Krb5Config,
  Profile,
  type ProfileIo,
  parseDuration,
  parseHostString,
  parseServerValue,
  validIncludeName,
} from '../../src/krb5/config/index.js';

function minorOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GssError, `expected GssError, got ${String(e)}`);
    return e.minor;
  }
  assert.fail('expected a GssError');
}

/** An in-memory file system for include/includedir. */
function memIo(files: Record<string, string>): ProfileIo {
  return {
    readFile: (p) => (p in files ? new TextEncoder().encode(files[p]) : undefined),
    readDir: (d) => {
      const names = Object.keys(files)
        .filter((p) => p.startsWith(`${d}/`))
        .map((p) => p.slice(d.length + 1));
      return names.length ? names : undefined;
    },
  };
}

describe('krb5.conf syntax (MIT prof_parse.c)', () => {
  it('reads sections, relations, subsections and multi-valued relations in file order', () => {
    const p = Profile.parse(`[libdefaults]
  default_realm = EXAMPLE.COM
[realms]
  EXAMPLE.COM = {
    kdc = kdc1.example.com
    admin_server = adm.example.com
    kdc = kdc2.example.com:88
    sub = {
      deep = yes
    }
  }
`);
    assert.equal(p.getString('libdefaults', 'default_realm'), 'EXAMPLE.COM');
    assert.deepEqual(p.getValues('realms', 'EXAMPLE.COM', 'kdc'), [
      'kdc1.example.com',
      'kdc2.example.com:88',
    ]);
    assert.deepEqual(p.getValues('realms', 'EXAMPLE.COM', 'sub', 'deep'), ['yes']);
    assert.deepEqual(p.subsectionNames('realms'), ['EXAMPLE.COM']);
    assert.deepEqual(p.relationNames('realms', 'EXAMPLE.COM'), ['admin_server', 'kdc']);
    assert.equal(p.getString('libdefaults', 'missing'), undefined);
  });

  it('follows MIT whitespace, comment and quoting rules', () => {
    const p = Profile.parse(
      [
        'junk before the first section is ignored',
        ' [ignored] because it is not at column 0',
        '[s]',
        '# comment',
        '   ; comment too',
        'a=1',
        '  b   =   two words   ',
        'c = "  quoted \\"x\\" \\t\\n\\b \\q" trailing ignored',
        'd = "unterminated',
        'e = { not a subsection',
        'f = x # not a comment',
        '[ spaced ]   ',
        'g = 1',
        '',
      ].join('\r\n'),
    );
    assert.equal(p.hasSection('ignored'), false);
    assert.equal(p.getString('s', 'a'), '1');
    assert.equal(p.getString('s', 'b'), 'two words');
    assert.equal(p.getString('s', 'c'), '  quoted "x" \t\n\b q');
    assert.equal(p.getString('s', 'd'), 'unterminated');
    assert.equal(p.getString('s', 'e'), '{ not a subsection');
    assert.equal(p.getString('s', 'f'), 'x # not a comment');
    assert.equal(p.getString(' spaced ', 'g'), '1');
  });

  it('takes a subsection brace on the next line, and merges repeated sections', () => {
    const p = Profile.parse(
      '[realms]\nR =\n   {  anything after the brace is ignored\n kdc = a\n}\n[realms]\nR = {\nkdc = b\n}\n',
    );
    assert.deepEqual(p.getValues('realms', 'R', 'kdc'), ['a', 'b']);
  });

  it('reports MIT profile errors', () => {
    const cases: [string, number][] = [
      ['[s\n', MINOR.PROF_SECTION_SYNTAX],
      ['[s] x\n', MINOR.PROF_SECTION_SYNTAX],
      ['[s]\na = {\n[t]\n', MINOR.PROF_SECTION_NOTOP],
      ['[s]\nno equals sign\n', MINOR.PROF_RELATION_SYNTAX],
      ['[s]\n= value\n', MINOR.PROF_RELATION_SYNTAX],
      ['[s]\ntwo words = value\n', MINOR.PROF_RELATION_SYNTAX],
      ['[s]\n}\n', MINOR.PROF_EXTRA_CBRACE],
      ['[s]\na =\n\n{\n', MINOR.PROF_MISSING_OBRACE],
      ['[s]\na =\nb = c\n', MINOR.PROF_MISSING_OBRACE],
      ['module /x/y.so:z\n[s]\n', MINOR.PROF_MODULE],
      ['[s]\ninclude /nonexistent/file\n', MINOR.PROF_FAIL_INCLUDE_FILE],
      ['[s]\nincludedir /nonexistent/dir\n', MINOR.PROF_FAIL_INCLUDE_DIR],
    ];
    for (const [text, minor] of cases)
      assert.equal(
        minorOf(() => Profile.parse(text)),
        minor,
        JSON.stringify(text),
      );
    // An unclosed subsection at the end of the file is fine, as in MIT.
    assert.equal(Profile.parse('[s]\na = {\nb = 1\n').getString('s', 'a', 'b'), '1');
    // "module" is only a directive before the first section.
    assert.equal(
      minorOf(() => Profile.parse('[s]\nmodule x\n')),
      MINOR.PROF_RELATION_SYNTAX,
    );
  });

  it('keeps every value within one file, final markers or not (MIT 1.20.1)', () => {
    const p = Profile.parse(`[libdefaults]
  a* = first
  a = second
[realms]
  R = {
    kdc = k1
  }*
  R = {
    kdc = k2
  }
[final]*
  x = 1
[final]
  x = 2
`);
    assert.deepEqual(p.getValues('libdefaults', 'a'), ['first', 'second']);
    assert.deepEqual(p.getValues('realms', 'R', 'kdc'), ['k1', 'k2']);
    assert.deepEqual(p.getValues('final', 'x'), ['1', '2']);
  });

  it('gathers values across files, earlier files first; a final section on the path stops later files', () => {
    const a = Profile.parse('[libdefaults]\n default_realm = A\n[realms]\n R = {\n  kdc = a1\n }\n');
    const b = Profile.parse(
      '[libdefaults]\n default_realm = B\n clockskew = 10\n[realms]\n R = {\n  kdc = b1\n }\n S = {\n  kdc = s\n }\n',
    );
    const p = new Profile([...a.trees, ...b.trees]);
    assert.equal(p.getString('libdefaults', 'default_realm'), 'A');
    assert.equal(p.getString('libdefaults', 'clockskew'), '10');
    assert.deepEqual(p.getValues('realms', 'R', 'kdc'), ['a1', 'b1']);
    assert.deepEqual(p.subsectionNames('realms'), ['R', 'R', 'S']);
    // A final relation does not stop later files in MIT 1.20.1 (checked with its profile library).
    const f = Profile.parse('[realms]\n R = {\n  kdc* = a1\n }\n');
    assert.deepEqual(new Profile([...f.trees, ...b.trees]).getValues('realms', 'R', 'kdc'), ['a1', 'b1']);
    const fsub = Profile.parse('[realms]\n R = {\n  kdc = a1\n }*\n');
    assert.deepEqual(new Profile([...fsub.trees, ...b.trees]).getValues('realms', 'R', 'kdc'), ['a1']);
    assert.deepEqual(new Profile([...fsub.trees, ...b.trees]).getValues('realms', 'S', 'kdc'), ['s']);
    const fs = Profile.parse('[realms]*\n R = {\n  admin_server = x\n }\n');
    assert.deepEqual(new Profile([...fs.trees, ...b.trees]).getValues('realms', 'R', 'kdc'), []);
    assert.deepEqual(new Profile([...fs.trees, ...b.trees]).getValues('realms', 'S', 'kdc'), []);
    assert.equal(new Profile([...fs.trees, ...b.trees]).getString('libdefaults', 'clockskew'), '10');
  });

  it('includes files and directories (MIT name rules) into the same tree', () => {
    const io = memIo({
      '/c/one': '[realms]\n R = {\n  kdc = from-one\n }\n',
      '/d/10-a.conf': '[realms]\n R = {\n  kdc = from-dir-a\n }\n',
      '/d/20_b': '[realms]\n R = {\n  kdc = from-dir-b\n }\n',
      '/d/.hidden.conf': '[realms]\n R = {\n  kdc = hidden\n }\n',
      '/d/backup~': '[realms]\n R = {\n  kdc = backup\n }\n',
      '/d/x.rpmsave': '[realms]\n R = {\n  kdc = rpmsave\n }\n',
    });
    const p = Profile.parse('[realms]\n R = {\n  kdc = main\n }\ninclude /c/one\nincludedir /d\n', { io });
    assert.deepEqual(p.getValues('realms', 'R', 'kdc'), ['main', 'from-one', 'from-dir-a', 'from-dir-b']);
    assert.ok(validIncludeName('krb5.conf') && validIncludeName('a-b_C9'));
    assert.ok(!validIncludeName('.x.conf') && !validIncludeName('a.b') && !validIncludeName('x~'));
    // Included text needs its own section header; relations before one are ignored.
    const q = Profile.parse('[s]\n a = 1\ninclude /f\n', { io: memIo({ '/f': 'b = 2\n[s]\nc = 3\n' }) });
    assert.equal(q.getString('s', 'b'), undefined);
    assert.equal(q.getString('s', 'c'), '3');
  });

  it('splits lines longer than 2047 bytes as fgets does', () => {
    // Checked against MIT's profile library: the rest of the line is parsed as a line of its own.
    const p = Profile.parse(`[s]\na = ${'x'.repeat(2043)}b=2\n`);
    assert.equal(p.getString('s', 'a')?.length, 2043);
    assert.equal(p.getString('s', 'b'), '2');
    assert.equal(
      minorOf(() => Profile.parse(`[s]\na = ${'x'.repeat(3000)}\n`)),
      MINOR.PROF_RELATION_SYNTAX,
    );
  });

  it('loads KRB5_CONFIG lists, skipping missing files, reading directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conf-'));
    try {
      writeFileSync(join(dir, 'a.conf'), '[libdefaults]\n default_realm = A\n');
      mkdirSync(join(dir, 'd'));
      writeFileSync(join(dir, 'd', 'x.conf'), '[libdefaults]\n clockskew = 42\n');
      const env = { KRB5_CONFIG: `${join(dir, 'missing')}:${join(dir, 'a.conf')}:${join(dir, 'd')}` };
      assert.deepEqual(configPaths(env).length, 3);
      const c = Krb5Config.load(env);
      assert.equal(c.defaultRealm, 'A');
      assert.equal(c.clockskew, 42);
      assert.equal(Krb5Config.load({ KRB5_CONFIG: join(dir, 'none') }).defaultRealm, undefined);
      writeFileSync(join(dir, 'bad.conf'), '[libdefaults\n');
      assert.equal(
        minorOf(() => Krb5Config.load({ KRB5_CONFIG: join(dir, 'bad.conf') })),
        MINOR.PROF_SECTION_SYNTAX,
      );
      assert.deepEqual(configPaths({}), ['/etc/krb5.conf']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws only GssError on random garbage', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alphabet = '[]{}=*"\\ \t\n#;abcincludedirmodule/';
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let k = rand() % 80; k > 0; k--) s += alphabet[rand() % alphabet.length];
      try {
        Profile.parse(s).getValues('a', 'b');
      } catch (e) {
        assert.ok(e instanceof GssError, `${JSON.stringify(s)}: ${String(e)}`);
      }
    }
  });
});

describe('krb5.conf values a client reads', () => {
  it('has MIT 1.20 defaults', () => {
    const c = Krb5Config.parse('');
    assert.equal(c.defaultRealm, undefined);
    assert.equal(c.dnsCanonicalizeHostname, true);
    assert.equal(c.rdns, true);
    assert.equal(c.dnsLookupKdc, true);
    assert.equal(c.udpPreferenceLimit, 1465);
    assert.equal(c.clockskew, 300);
    assert.equal(c.ticketLifetime(), 86400);
    assert.equal(c.renewLifetime(), 0);
    assert.equal(c.forwardable(), false);
    assert.equal(c.proxiable(), false);
    assert.equal(c.noaddresses(), true);
    assert.equal(c.ignoreAcceptorHostname, false);
    assert.equal(c.tktEnctypes, 'DEFAULT');
  });

  it('reads the libdefaults a client uses', () => {
    const c = Krb5Config.parse(`[libdefaults]
  default_realm = EXAMPLE.COM
  dns_canonicalize_hostname = fallback
  rdns = false
  dns_lookup_kdc = no
  udp_preference_limit = 1
  clockskew = 120
  ticket_lifetime = 10h
  renew_lifetime = 7d
  forwardable = yes
  proxiable = on
  noaddresses = false
  ignore_acceptor_hostname = true
  permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts
  default_tgs_enctypes = aes256-cts
  EXAMPLE.COM = {
    ticket_lifetime = 1h30m
    forwardable = false
  }
`);
    assert.equal(c.defaultRealm, 'EXAMPLE.COM');
    assert.equal(c.dnsCanonicalizeHostname, 'fallback');
    assert.equal(c.rdns, false);
    assert.equal(c.dnsLookupKdc, false);
    assert.equal(c.udpPreferenceLimit, 1);
    assert.equal(c.clockskew, 120);
    assert.equal(c.ticketLifetime(), 36000);
    assert.equal(c.ticketLifetime('EXAMPLE.COM'), 5400);
    assert.equal(c.renewLifetime('EXAMPLE.COM'), 7 * 86400);
    assert.equal(c.forwardable(), true);
    assert.equal(c.forwardable('EXAMPLE.COM'), false);
    assert.equal(c.proxiable(), true);
    assert.equal(c.noaddresses(), false);
    assert.equal(c.ignoreAcceptorHostname, true);
    assert.equal(c.tktEnctypes, 'aes256-cts-hmac-sha1-96 aes128-cts');
    assert.equal(c.tgsEnctypes, 'aes256-cts');
    assert.equal(c.permittedEnctypes, 'aes256-cts-hmac-sha1-96 aes128-cts');
  });

  it('treats bad values as MIT does', () => {
    const c = Krb5Config.parse(`[libdefaults]
  clockskew = 5m
  rdns = maybe
  forwardable = maybe
  udp_preference_limit = -5
  dns_lookup_kdc = perhaps
  ignore_acceptor_hostname = perhaps
  ticket_lifetime = ten hours
`);
    assert.equal(c.clockskew, 300); // profile_get_integer fails; init_ctx.c keeps the default
    assert.equal(c.rdns, true);
    assert.equal(c.forwardable(), false);
    assert.equal(c.udpPreferenceLimit, 1465);
    assert.equal(c.dnsLookupKdc, false);
    assert.equal(
      minorOf(() => c.ignoreAcceptorHostname),
      MINOR.PROF_BAD_BOOLEAN,
    );
    assert.equal(
      minorOf(() => c.ticketLifetime()),
      MINOR.KRB5_DELTAT_BADFORMAT,
    );
    assert.equal(Krb5Config.parse('[libdefaults]\nudp_preference_limit = 99999\n').udpPreferenceLimit, 32700);
    assert.equal(
      minorOf(() => Krb5Config.parse('[libdefaults]\nudp_preference_limit = x\n').udpPreferenceLimit),
      MINOR.PROF_BAD_INTEGER,
    );
    assert.equal(
      minorOf(
        () => Krb5Config.parse('[libdefaults]\ndns_canonicalize_hostname = x\n').dnsCanonicalizeHostname,
      ),
      22,
    );
  });

  it('reads KDCs with ports and IPv6 literals, and admin servers', () => {
    const c = Krb5Config.parse(`[realms]
  R = {
    kdc = kdc1.r
    kdc = kdc2.r:750
    kdc = [::1]:8888
    kdc = [fe80::1]
    kdc = 127.0.0.1 trailing words
    kdc = https://proxy.r/KdcProxy
    admin_server = adm.r
  }
`);
    assert.deepEqual(c.kdcs('R'), [
      { host: 'kdc1.r', port: 88 },
      { host: 'kdc2.r', port: 750 },
      { host: '::1', port: 8888 },
      { host: 'fe80::1', port: 88 },
      { host: '127.0.0.1', port: 88 },
      { host: 'proxy.r', port: 443, https: { path: 'KdcProxy' } },
    ]);
    assert.deepEqual(c.adminServers('R'), [{ host: 'adm.r', port: 749 }]);
    assert.equal(c.kdcLines('R').length, 6);
    assert.deepEqual(c.kdcs('OTHER'), []);
    assert.equal(parseHostString('h:99999', 88), undefined);
    assert.equal(parseHostString(':88', 88), undefined);
    assert.equal(parseHostString('h:x', 88), undefined);
    assert.equal(parseServerValue('750', 88), undefined);
    assert.equal(
      minorOf(() => Krb5Config.parse('[realms]\nR = {\nkdc = h:x\n}\n').kdcs('R')),
      22,
    );
  });

  it('maps hosts to realms with [domain_realm] as MIT does', () => {
    const c = Krb5Config.parse(`[libdefaults]
  default_realm = DEF.REALM
[domain_realm]
  .example.com = EXAMPLE.COM
  example.com = EXAMPLE.COM
  special.example.com = SPECIAL.COM
  sub.example.org = ORG.REALM
  .ORG = wrong-case-never-matches
`);
    assert.equal(c.domainRealm('special.example.com'), 'SPECIAL.COM');
    assert.equal(c.domainRealm('Host.Example.COM.'), 'EXAMPLE.COM');
    assert.equal(c.domainRealm('example.com'), 'EXAMPLE.COM');
    assert.equal(c.domainRealm('a.b.sub.example.org'), 'ORG.REALM');
    assert.equal(c.domainRealm('other.net'), undefined);
    assert.equal(c.domainRealm('x.org'), undefined);
    assert.equal(c.domainRealm('10.0.0.1'), undefined);
    assert.equal(c.fallbackHostRealm('host.corp.net'), 'CORP.NET');
    assert.equal(c.fallbackHostRealm('localhost'), 'DEF.REALM');
  });
});

describe("MIT's duration syntax (krb5_string_to_deltat)", () => {
  it('parses what MIT parses', () => {
    const ok: [string, number][] = [
      ['300', 300],
      ['300s', 300],
      ['5m', 300],
      ['1h', 3600],
      ['1h30m', 5400],
      ['1d', 86400],
      ['1d 2h 3m 4s', 93784],
      ['1d2h3m4s', 93784],
      ['1d3m', 86580],
      ['2:30', 9000],
      ['1:02:03', 3723],
      ['2-01:00:00', 176400],
      [' 10', 10],
      ['10h ', 36000],
      ['-5', -5],
      ['5mfoo', 300],
      ['1d 25h', 86400 + 25 * 3600],
    ];
    for (const [s, n] of ok) assert.equal(parseDuration(s), n, s);
  });
  it('rejects what MIT rejects', () => {
    for (const s of [
      '',
      'x',
      '1 d',
      '5s ',
      '300 ',
      '1:100',
      '1h 2h',
      '1m 1h',
      '1d 5',
      '99999999999',
      '1:2:3:4',
      '1-100:00:00',
    ]) {
      assert.equal(parseDuration(s), undefined, JSON.stringify(s));
    }
  });
});
