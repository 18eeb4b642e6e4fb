/**
 * The `gss` option parser (src/cli/options/): GNU --long and --long=value, MIT's single-dash
 * words, getopt short letters (clustered, with attached values), operands, and its errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine, UsageError } from '../../../src/cli/options/parse.js';
import { type CommandSpec, checkTable, type OptionTable } from '../../../src/cli/options/table.js';

const OPTIONS = {
  port: { kind: 'number', long: 'port', mit: ['port'], short: 'p', value: 'P', default: 4444, help: 'port' },
  keytab: { kind: 'string', long: 'keytab', short: 'k', value: 'KT', help: 'keytab' },
  nomutual: { kind: 'flag', long: 'nomutual', mit: ['nomutual'], help: 'no mutual' },
  delegate: { kind: 'flag', long: 'delegate', short: 'd', help: 'delegate' },
  quiet: { kind: 'flag', long: 'quiet', longAliases: ['silent'], short: 'q', help: 'quiet' },
  enctype: { kind: 'string', long: 'enctype', short: 'e', value: 'E', repeatable: true, help: 'enctypes' },
  count: { kind: 'number', long: 'count', value: 'N', min: 1, max: 9, help: 'count' },
} as const satisfies OptionTable;

const SPEC: CommandSpec<typeof OPTIONS> = {
  name: 'test',
  summary: 'a test command',
  operands: 'A [B...]',
  minOperands: 0,
  maxOperands: 5,
  usageStatus: 2,
  options: OPTIONS,
};

const DEFAULTS = {
  port: 4444,
  keytab: undefined,
  nomutual: false,
  delegate: false,
  quiet: false,
  enctype: [],
  count: undefined,
};

function parse(argv: readonly string[], spec: CommandSpec = SPEC) {
  const r = parseCommandLine(spec, argv);
  assert.equal(r.help, false);
  if (r.help) throw new Error('unreachable');
  return r;
}

describe('parseCommandLine', () => {
  it('takes MIT single-dash long options as gss-client spells them', () => {
    const r = parse(['-port', '4444', '-nomutual', '-d', 'localhost', 'gsstest@localhost', 'hi']);
    assert.deepEqual(r.options, { ...DEFAULTS, port: 4444, nomutual: true, delegate: true });
    assert.deepEqual(r.operands, ['localhost', 'gsstest@localhost', 'hi']);
  });

  it('takes --long value, --long=value, long aliases and short letters', () => {
    const r = parse(['--port=88', '--keytab', '/tmp/kt', '--delegate', '--silent', 'x']);
    assert.deepEqual(r.options, { ...DEFAULTS, port: 88, keytab: '/tmp/kt', delegate: true, quiet: true });
    assert.deepEqual(parse(['-k', 'FILE:/k', '-p', '0']).options, {
      ...DEFAULTS,
      keytab: 'FILE:/k',
      port: 0,
    });
  });

  it('clusters short letters as getopt does, a value letter taking the rest or the next word', () => {
    assert.deepEqual(parse(['-dqk', 'KT']).options, {
      ...DEFAULTS,
      delegate: true,
      quiet: true,
      keytab: 'KT',
    });
    assert.deepEqual(parse(['-dkKT']).options, { ...DEFAULTS, delegate: true, keytab: 'KT' });
    assert.deepEqual(parse(['-p99']).options, { ...DEFAULTS, port: 99 });
  });

  it('reads a word that is an MIT name whole, never as short letters', () => {
    const spec: CommandSpec = {
      ...SPEC,
      options: {
        n: { kind: 'flag', long: 'n', short: 'n', help: 'n' },
        o: { kind: 'flag', long: 'o', short: 'o', help: 'o' },
        no: { kind: 'flag', long: 'no', mit: ['no'], help: 'no' },
      },
    };
    assert.deepEqual(parse(['-no'], spec).options, { n: false, o: false, no: true });
    assert.deepEqual(parse(['-on'], spec).options, { n: true, o: true, no: false });
  });

  it('keeps operands wherever they are, and everything after --', () => {
    const r = parse(['a', '--nomutual', 'b', '--', '--port', '-']);
    assert.deepEqual(r.options, { ...DEFAULTS, nomutual: true });
    assert.deepEqual(r.operands, ['a', 'b', '--port', '-']);
    assert.deepEqual(parse(['-']).operands, ['-']);
  });

  it('accumulates repeatable options in order', () => {
    assert.deepEqual(parse(['-e', 'aes256-cts', '--enctype=aes128-cts', '-ecamellia']).options.enctype, [
      'aes256-cts',
      'aes128-cts',
      'camellia',
    ]);
  });

  it('a value may start with a dash when it follows its option', () => {
    assert.equal(parse(['--keytab', '-odd-name']).options.keytab, '-odd-name');
    assert.equal(parse(['-k', '--']).options.keytab, '--');
  });

  it('the last of a repeated option wins', () => {
    assert.equal(parse(['--port', '1', '-port', '2']).options.port, 2);
  });

  it('stops at -h or --help, even before a bad option, but not after --', () => {
    assert.deepEqual(parseCommandLine(SPEC, ['--help', '--bogus']), { help: true });
    assert.deepEqual(parseCommandLine(SPEC, ['-dh']), { help: true });
    assert.deepEqual(parse(['--', '--help']).operands, ['--help']);
  });

  it('takes numbers within their bounds', () => {
    assert.equal(parse(['--count', '1']).options.count, 1);
    assert.equal(parse(['--count=9']).options.count, 9);
  });

  for (const [argv, message] of [
    [['--bogus'], /^unknown option '--bogus'$/],
    [['--bogus=1'], /^unknown option '--bogus'$/],
    [['-bogus'], /^unknown option '-bogus'$/],
    [['-dx'], /^unknown option '-x'$/],
    [['--p', '1'], /^unknown option '--p'$/],
    [['-nomutualx'], /^unknown option '-nomutualx'$/],
    [['-nomutual=yes'], /^option '-nomutual' takes no value$/],
    [['--delegate=1'], /^option '--delegate' takes no value$/],
    [['--port'], /^option '--port' needs a value$/],
    [['-port'], /^option '-port' needs a value$/],
    [['-dk'], /^option '-k' needs a value$/],
    [['--port', 'x'], /whole number, not 'x'/],
    [['--port', '-1'], /whole number/],
    [['--port=1.5'], /whole number/],
    [['--port='], /whole number/],
    [['--port', '0x10'], /whole number/],
    [['--port', '1e3'], /whole number/],
    [['--port', ' 5'], /whole number/],
    [['--port', '99999999999999999999'], /whole number/],
    [['--count', '0'], /^--count must be at least 1, not 0$/],
    [['--count=10'], /^--count must be at most 9, not 10$/],
    [['a', 'b', 'c', 'd', 'e', 'f'], /^unexpected operand 'f'$/],
  ] as const) {
    it(`refuses ${JSON.stringify(argv)} with a UsageError`, () => {
      assert.throws(
        () => parseCommandLine(SPEC, argv),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    });
  }

  it('checks the operand count and required options', () => {
    const spec: CommandSpec = {
      ...SPEC,
      operands: 'HOST SERVICE',
      minOperands: 2,
      maxOperands: 2,
      options: { realm: { kind: 'string', long: 'realm', value: 'R', required: true, help: 'realm' } },
    };
    assert.throws(() => parseCommandLine(spec, ['--realm', 'R', 'h']), /^Error: HOST SERVICE are needed$/);
    assert.throws(() => parseCommandLine(spec, ['h', 's']), /^Error: --realm is required$/);
    assert.deepEqual(parse(['--realm', 'R', 'h', 's'], spec).options, {
      realm: 'R',
    });
    const none: CommandSpec = { ...SPEC, operands: '', minOperands: 0, maxOperands: 0 };
    assert.throws(() => parseCommandLine(none, ['x']), /unexpected operand 'x'/);
  });
});

describe('checkTable', () => {
  const bad: [string, OptionTable][] = [
    [
      'a spelling declared twice',
      { a: { kind: 'flag', long: 'x', help: '' }, b: { kind: 'flag', long: 'x', help: '' } },
    ],
    [
      'a short letter declared twice',
      {
        a: { kind: 'flag', long: 'a', short: 'v', help: '' },
        b: { kind: 'flag', long: 'b', short: 'v', help: '' },
      },
    ],
    ["the help option's own spellings", { a: { kind: 'flag', long: 'help', help: '' } }],
    ['a key named help', { help: { kind: 'flag', long: 'usage', help: '' } }],
    ['a short option of two letters', { a: { kind: 'flag', long: 'a', short: 'ab', help: '' } }],
    ['a value option without a value name', { a: { kind: 'string', long: 'a', help: '' } }],
    ['a flag with a value name', { a: { kind: 'flag', long: 'a', value: 'V', help: '' } }],
    ['a flag with a default', { a: { kind: 'flag', long: 'a', default: 'x', help: '' } }],
    [
      'a number with a string default',
      { a: { kind: 'number', long: 'a', value: 'N', default: 'x', help: '' } },
    ],
    ['bounds on a string', { a: { kind: 'string', long: 'a', value: 'S', min: 1, help: '' } }],
    ['a name with a space', { a: { kind: 'flag', long: 'a b', help: '' } }],
  ];
  for (const [what, options] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => checkTable({ ...SPEC, options }), /option table/);
    });
  }
  it('refuses more operands needed than taken', () => {
    assert.throws(() => checkTable({ ...SPEC, minOperands: 2, maxOperands: 1 }), /option table/);
  });
  it('takes the test table', () => {
    checkTable(SPEC);
  });
});
