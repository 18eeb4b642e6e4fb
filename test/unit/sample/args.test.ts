/** The `gss` option parser (src/cli/args.ts): GNU --long, --long=value, and MIT's -long forms. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type OptionSpec, parseArgs, UsageError } from '../../../src/cli/args.js';

const SPEC: Record<string, OptionSpec> = {
  port: { names: ['port', 'p'], kind: 'number' },
  keytab: { names: ['keytab', 'k'], kind: 'string' },
  nomutual: { names: ['nomutual'], kind: 'flag' },
  delegate: { names: ['delegate', 'd'], kind: 'flag' },
  enctype: { names: ['enctype', 'e'], kind: 'list' },
};

describe('parseArgs', () => {
  it('takes MIT single-dash long options as gss-client spells them', () => {
    const r = parseArgs(['-port', '4444', '-nomutual', '-d', 'localhost', 'gsstest@localhost', 'hi'], SPEC);
    assert.deepEqual(r.options, { port: 4444, nomutual: true, delegate: true });
    assert.deepEqual(r.positionals, ['localhost', 'gsstest@localhost', 'hi']);
  });

  it('takes --long value, --long=value and aliases', () => {
    const r = parseArgs(['--port=88', '--keytab', '/tmp/kt', '--delegate', 'x'], SPEC);
    assert.deepEqual(r.options, { port: 88, keytab: '/tmp/kt', delegate: true });
    assert.deepEqual(parseArgs(['-k', 'FILE:/k', '-p', '0'], SPEC).options, { keytab: 'FILE:/k', port: 0 });
  });

  it('keeps positionals wherever they are, and everything after --', () => {
    const r = parseArgs(['a', '--nomutual', 'b', '--', '--port', '-'], SPEC);
    assert.deepEqual(r.options, { nomutual: true });
    assert.deepEqual(r.positionals, ['a', 'b', '--port', '-']);
    assert.deepEqual(parseArgs(['-'], SPEC).positionals, ['-']);
  });

  it('accumulates list options in order', () => {
    const r = parseArgs(['-e', 'aes256-cts', '--enctype=aes128-cts'], SPEC);
    assert.deepEqual(r.options.enctype, ['aes256-cts', 'aes128-cts']);
  });

  it('a value may start with a dash when it follows its option', () => {
    assert.deepEqual(parseArgs(['--keytab', '-odd-name'], SPEC).options, { keytab: '-odd-name' });
  });

  it('the last of a repeated option wins', () => {
    assert.deepEqual(parseArgs(['--port', '1', '-port', '2'], SPEC).options, { port: 2 });
  });

  for (const [argv, message] of [
    [['--bogus'], /unknown option '--bogus'/],
    [['-nomutual=yes'], /takes no value/],
    [['--port'], /needs a value/],
    [['--port', 'x'], /whole number/],
    [['--port', '-1'], /whole number/],
    [['--port=1.5'], /whole number/],
    [['--port='], /whole number/],
    [['--port', '0x10'], /whole number/],
    [['--port', '1e3'], /whole number/],
    [['--port', ' 5'], /whole number/],
  ] as const) {
    it(`refuses ${JSON.stringify(argv)} with a UsageError`, () => {
      assert.throws(
        () => parseArgs(argv, SPEC),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    });
  }
});
