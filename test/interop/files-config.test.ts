/**
 * krb5.conf: our parser and lookups against MIT's own profile library (a small C program linked
 * with libkrb5, test/interop/files-profile-oracle.c) on tricky files, and MIT kinit finding its
 * KDC only through a [realms] subsection split across included files.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GssError } from '../../src/errors/status.js';
import { configPaths, Krb5Config, Profile, parseDuration } from '../../src/krb5/config/index.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';

const SOURCE = join(import.meta.dirname, 'files-profile-oracle.c');

function skip(): string | false {
  const mit = interopSkip();
  if (mit || process.env.CI) return mit;
  if (!existsSync('/usr/bin/gcc') || !existsSync('/usr/include/profile.h'))
    return 'gcc or libkrb5-dev is not installed';
  return false;
}

interface Scenario {
  readonly title: string;
  /** Files relative to the scenario's directory; `@` in their text is that directory. */
  readonly files: Record<string, string>;
  /** KRB5_CONFIG, relative paths joined with ':'. */
  readonly path: readonly string[];
  /** Queries: V (values) or S (subsection names) with a name path, or D with a duration. */
  readonly queries: readonly string[][];
}

const LOOKUPS: string[][] = [
  ['V', 'libdefaults', 'a'],
  ['V', 'libdefaults', 'b'],
  ['V', 'libdefaults', 'c'],
  ['V', 'libdefaults', 'default_realm'],
  ['V', 'realms', 'R', 'kdc'],
  ['V', 'realms', 'R', 'admin_server'],
  ['V', 'realms', 'S', 'kdc'],
  ['V', 'realms', 'R', 'sub', 'x'],
  ['V', 'sec', 'x'],
  ['V', 'sec', 'y'],
  ['V', ' spaced ', 'v'],
  ['V', 'q', 'v1'],
  ['V', 'q', 'v2'],
  ['V', 'q', 'v3'],
  ['V', 'q', 'v4'],
  ['V', 'q', 'ab'],
  ['V', 'q', 'e'],
  ['S', 'realms'],
  ['S', 'realms', 'R'],
];

const SCENARIOS: Scenario[] = [
  {
    title: 'final markers across files; earlier files first for single and multi-valued relations',
    files: {
      f1: '[libdefaults]\n a* = 1\n a = 2\n b = x\n[realms]\n R = {\n  kdc = k1\n  kdc = k2\n }\n[sec]*\n x = 1\n',
      f2: '[libdefaults]\n a = 3\n b = y\n c = z\n[realms]\n R = {\n  kdc* = k3\n }\n S = {\n  kdc = s1\n }\n[sec]\n x = 2\n y = 3\n',
      f3: '[realms]\n R = {\n  kdc = k4\n }\n S = {\n  kdc = s2\n }\n',
    },
    path: ['f1', 'missing', 'f2', 'f3'],
    queries: LOOKUPS,
  },
  {
    title: 'include and includedir: name rules, order, nesting, split subsections',
    files: {
      main: '[realms]\n R = {\n  admin_server = adm\n }\ninclude @/inc/one\nincludedir @/dir\n[libdefaults]\n a = main\n',
      'inc/one':
        'a = before any section: ignored\n[realms]\n R = {\n  kdc = from-one\n  sub = {\n   x = 1\n  }\n }\ninclude @/inc/two\n',
      'inc/two': '[libdefaults]\n b = from-two\n',
      'dir/10-a.conf': '[realms]\n R = {\n  kdc = dir-a\n  sub = {\n   x = 2\n  }\n }\n',
      'dir/20_b': '[realms]\n S = {\n  kdc = dir-b\n }\n',
      'dir/.hidden.conf': '[realms]\n R = {\n  kdc = hidden\n }\n',
      'dir/x.bak': '[realms]\n R = {\n  kdc = bak\n }\n',
      'dir/y~': '[realms]\n R = {\n  kdc = tilde\n }\n',
      'dir/Z9': '[libdefaults]\n c = Z9\n',
    },
    path: ['main'],
    queries: LOOKUPS,
  },
  {
    title: 'syntax corners: quoting, braces, stars in tags, spaces, comments, CRLF',
    files: {
      f: [
        'text before the first section',
        ' [notasection]',
        '[q]  ',
        '  # comment',
        ';comment',
        'v1 = "a \\"quoted\\" \\t \\\\ \\q value" ignored',
        'v2 =    spaced value   ',
        'v3 = { not a brace',
        'v4 = "',
        'ab*cd = star in the middle',
        'e =',
        '   {   junk after brace',
        '  inner = 1',
        '}*',
        'e = {',
        '  inner = 2',
        '}',
        '[ spaced ]',
        'v = yes',
        '[realms]',
        'R = {',
        ' kdc = a',
        ' sub = {',
        '  x = deep',
        ' }',
        '}',
        '',
      ].join('\r\n'),
    },
    path: ['f'],
    queries: [...LOOKUPS, ['V', 'q', 'e', 'inner'], ['S', 'q']],
  },
  {
    title: 'dropped values after a final section or subsection seen earlier in the same tree',
    files: {
      f: '[sec]*\n x = 1\n[sec]\n x = 2\n y = 2\n[realms]\n R = {\n  kdc = k1\n }*\n R = {\n  kdc = k2\n  sub = {\n   x = 3\n  }*\n }\n S = {\n  kdc = s1\n }\n',
      g: '[sec]\n y = 9\n[realms]\n R = {\n  kdc = k9\n }\n',
    },
    path: ['f', 'g'],
    queries: LOOKUPS,
  },
  {
    title: 'a directory in KRB5_CONFIG, and an empty entry that ends the list',
    files: {
      'd/a.conf': '[libdefaults]\n a = from-dir\n',
      'd/.b.conf': '[libdefaults]\n a = hidden\n',
      f: '[libdefaults]\n a = from-file\n b = f\n',
    },
    path: ['d', 'missing', 'f', '', 'd'],
    queries: LOOKUPS,
  },
  {
    title: 'an empty first entry in KRB5_CONFIG: no files at all',
    files: { f: '[libdefaults]\n a = x\n' },
    path: ['', 'f'],
    queries: LOOKUPS,
  },
  ...[
    '[s\n',
    '[s]junk\n',
    '[s]\na = {\n[t]\n',
    '[s]\nno equals\n',
    '[s]\n = v\n',
    '[s]\ntwo words = v\n',
    '[s]\n}\n',
    '[s]\na =\n\nb = 1\n',
    'module x.so:y\n[s]\n',
    '[s]\nmodule = fine as a relation\n',
    '[s]\ninclude @/none\n',
    '[s]\nincludedir @/none\n',
    '[s]\na = {\nb = 1\n',
  ].map(
    (text, i): Scenario => ({
      title: `error case ${i}: ${JSON.stringify(text)}`,
      files: { f: text },
      path: ['f'],
      queries: [['V', 's', 'a', 'b']],
    }),
  ),
  {
    title: 'durations (krb5_string_to_deltat)',
    files: { f: '[s]\n' },
    path: ['f'],
    queries: [
      '300',
      '300s',
      '5m',
      '1h30m',
      '1d',
      '1d 2h 3m 4s',
      '1d3m',
      '2:30',
      '1:02:03',
      '2-01:00:00',
      ' 10',
      '10h ',
      '-5',
      '5mfoo',
      '1d 25h',
      '',
      'x',
      '1 d',
      '5s ',
      '1:100',
      '1h 2h',
      '1m 1h',
      '1d 5',
      '99999999999',
      '2147483647',
      '24855d',
      '24856d',
      '1:2:3:4',
      '-1d',
      '1h-5m',
    ].map((d) => ['D', d]),
  },
];

/** Our answers in the oracle's output format. */
function ours(paths: string[], queries: readonly string[][]): string[] {
  let profile: Profile;
  try {
    profile = Profile.load(paths);
  } catch (e) {
    assert.ok(e instanceof GssError, String(e));
    return [`INIT\t${e.minor | 0}`];
  }
  const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
  const out = ['INIT\t0'];
  for (const [kind, ...names] of queries) {
    if (kind === 'D') {
      const d = parseDuration(names[0] ?? '');
      out.push(d === undefined ? 'ERR\t-1765328136' : `OK\t${d}`);
      continue;
    }
    const vals = kind === 'V' ? profile.getValues(...names) : profile.subsectionNames(...names);
    out.push(vals.length ? `OK${vals.map((v) => `\t${esc(v)}`).join('')}` : 'NONE');
  }
  return out;
}

describe("krb5.conf against MIT's profile library", { skip: skip() }, () => {
  let dir: string;
  let oracle: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-conf-'));
    oracle = join(dir, 'oracle');
    execFileSync('gcc', ['-Wall', '-o', oracle, SOURCE, '-lkrb5', '-lcom_err'], { stdio: 'pipe' });
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  SCENARIOS.forEach((sc, n) => {
    it(sc.title, () => {
      const base = join(dir, `s${n}`);
      mkdirSync(base);
      for (const [name, text] of Object.entries(sc.files)) {
        mkdirSync(dirname(join(base, name)), { recursive: true });
        writeFileSync(join(base, name), text.replaceAll('@', base));
      }
      const paths = sc.path.map((p) => (p === '' ? '' : join(base, p)));
      const input = sc.queries.map((q) => `${q.join('\t')}\n`).join('');
      const mit = execFileSync(oracle, [paths.join(':')], { input, encoding: 'utf8' })
        .split('\n')
        .filter((l) => l !== '')
        // MIT says PROF_NO_RELATION/PROF_NO_SECTION (or OK with nothing) where we return nothing.
        .map((l) => (/^ERR\t-14295777(25|26)$/.test(l) || l === 'OK' ? 'NONE' : l));
      assert.deepEqual(ours(paths, sc.queries), mit);
    });
  });
});

describe('MIT kinit and our parser agree on a krb5.conf split across included files', {
  skip: interopSkip(),
}, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  it('finds the one KDC MIT finds: through includedir, skipping dotfiles and backups, and a final subsection', () => {
    const d = join(realm.dir, 'conf.d');
    mkdirSync(d);
    const dead = (port: number) => `[realms]\n  TEST.GSS = {\n    kdc = 127.0.0.1:${port}\n  }\n`;
    // Files MIT must not read (by their names; they sort before the one it must read), and a
    // later KRB5_CONFIG file whose values the final (`}*`) subsection shuts out.
    writeFileSync(join(d, '.00-hidden.conf'), dead(9));
    writeFileSync(join(d, '00-old.conf~'), dead(9));
    writeFileSync(join(d, '00-x.rpmnew'), dead(9));
    writeFileSync(
      join(d, '10-kdc.conf'),
      `[realms]\n  TEST.GSS = {\n    kdc = 127.0.0.1:${realm.port}\n  }*\n`,
    );
    const main = join(realm.dir, 'split.conf');
    writeFileSync(
      main,
      `[libdefaults]\n  default_realm = TEST.GSS\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n  rdns = false\n  dns_canonicalize_hostname = false\n[realms]\n  TEST.GSS = {\n    admin_server = 127.0.0.1:9\n  }\nincludedir ${d}\n`,
    );
    const second = join(realm.dir, 'second.conf');
    writeFileSync(second, dead(9));
    const env = {
      ...realm.env,
      KRB5_CONFIG: `${main}:${second}`,
      KRB5CCNAME: `FILE:${join(realm.dir, 'split.cc')}`,
    };
    const ours = Krb5Config.load(env);
    assert.deepEqual(configPaths(env), [main, second]);
    assert.deepEqual(ours.kdcs('TEST.GSS'), [{ host: '127.0.0.1', port: realm.port }]);
    assert.deepEqual(ours.adminServers('TEST.GSS'), [{ host: '127.0.0.1', port: 9 }]);
    const trace = join(realm.dir, 'split.trace');
    realm.run(MIT_BIN.kinit, ['alice'], {
      input: `${realm.alicePassword}\n`,
      env: { ...env, KRB5_TRACE: trace },
    });
    const contacted = [
      ...readFileSync(trace, 'utf8').matchAll(/Sending initial UDP request to dgram ([0-9.]+):(\d+)/g),
    ];
    assert.ok(contacted.length > 0);
    for (const m of contacted) assert.deepEqual({ host: m[1], port: Number(m[2]) }, ours.kdcs('TEST.GSS')[0]);
    assert.match(realm.run(MIT_BIN.klist, [], { env }), /krbtgt\/TEST\.GSS@TEST\.GSS/);
  });
});
