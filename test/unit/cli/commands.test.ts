/**
 * Every `gss` command's option table against its parser and its help text: `--help` lists
 * exactly the declared options, each declared option parses in every one of its spellings, and
 * unknown options and missing values are usage errors with the command's exit status.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/cli/commands.js';
import { formatHelp } from '../../../src/cli/options/help.js';
import { parseCommandLine, UsageError } from '../../../src/cli/options/parse.js';
import { type CommandSpec, type OptionSpec, spellingsOf } from '../../../src/cli/options/table.js';

/** The spellings the help text's options section shows, read back from the text alone. */
function spellingsInHelp(text: string): string[] {
  const section = text.slice(text.indexOf('\noptions:\n') + '\noptions:\n'.length);
  const out: string[] = [];
  for (const line of section.split('\n')) {
    // An option line starts with two spaces and a dash (after the short-letter column); a help
    // line of its own starts far to the right, in the help column.
    const m = /^ {2}( {4})?(-\S.*?)(?: {2,}|$)/.exec(line);
    if (!m) continue;
    for (const part of m[2].split(', ')) out.push(part.split(/[= ]/)[0]);
  }
  return out;
}

function declared(spec: CommandSpec): [string, OptionSpec][] {
  return Object.entries(spec.options);
}

/** A value the option takes: its lower bound for numbers, a word with a dash inside for strings. */
function sample(o: OptionSpec): { text: string; value: string | number } {
  if (o.kind === 'number') {
    const n = o.min ?? (o.max !== undefined ? o.max : 7);
    return { text: String(n), value: n };
  }
  return { text: 'some-value', value: 'some-value' };
}

/** The command line a command needs besides the option under test: required options, operands. */
function needed(spec: CommandSpec, except: string): string[] {
  const out: string[] = [];
  for (const [key, o] of declared(spec)) if (o.required && key !== except) out.push(`--${o.long}`, 'R');
  for (let i = 0; i < spec.minOperands; i++) out.push(`operand${i}`);
  return out;
}

/** Every way of writing option `o` with value `text`, per the conventions in docs/cli.md. */
function forms(o: OptionSpec, text: string): string[][] {
  if (o.kind === 'flag') return spellingsOf(o).map((s) => [s]);
  const out: string[][] = [];
  if (o.short !== undefined) out.push([`-${o.short}`, text], [`-${o.short}${text}`]);
  for (const l of [o.long, ...(o.longAliases ?? [])]) out.push([`--${l}`, text], [`--${l}=${text}`]);
  for (const m of o.mit ?? []) out.push([`-${m}`, text]);
  return out;
}

describe('gss commands: tables, parser and help agree', () => {
  it('every command is listed once, each spelling of an option belongs to one option only', () => {
    const names = COMMANDS.map((c) => c.spec.name);
    assert.deepEqual(names.sort(), ['client', 'demo', 'help', 'kdc', 'kinit', 'klist', 'server', 'worker']);
  });

  for (const { spec } of COMMANDS) {
    describe(`gss ${spec.name}`, () => {
      it('--help lists exactly the declared options (and -h/--help), each once', () => {
        const help = formatHelp(spec);
        const listed = spellingsInHelp(help);
        const want = [...declared(spec).flatMap(([, o]) => spellingsOf(o)), '-h', '--help'];
        assert.deepEqual([...listed].sort(), [...want].sort(), help);
        assert.equal(new Set(listed).size, listed.length, 'no spelling listed twice');
        assert.match(help, new RegExp(`^usage: gss ${spec.name} \\[options\\]`));
        for (const line of help.split('\n')) assert.ok(line.length <= 100, `help line too long: ${line}`);
        for (const [, o] of declared(spec)) assert.ok(help.includes(o.help), `help of --${o.long}`);
      });

      it('every declared option parses in each of its spellings', () => {
        for (const [key, o] of declared(spec)) {
          const { text, value } = sample(o);
          for (const form of forms(o, text)) {
            const r = parseCommandLine(spec, [...form, ...needed(spec, key)]);
            assert.equal(r.help, false);
            if (r.help) continue;
            const got = (r.options as Record<string, unknown>)[key];
            const want = o.kind === 'flag' ? true : o.repeatable ? [value] : value;
            assert.deepEqual(got, want, `${form.join(' ')} sets ${key}`);
            assert.deepEqual(
              r.operands,
              needed(spec, key).slice(needed(spec, key).length - spec.minOperands),
            );
          }
        }
      });

      it('-h and --help ask for the help text', () => {
        assert.deepEqual(parseCommandLine(spec, ['-h']), { help: true });
        assert.deepEqual(parseCommandLine(spec, ['--help']), { help: true });
      });

      it('an unknown option, a missing value and a flag given a value are usage errors', () => {
        const isUsage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);
        const rest = needed(spec, '');
        assert.throws(() => parseCommandLine(spec, ['--no-such-option', ...rest]), isUsage(/unknown option/));
        assert.throws(() => parseCommandLine(spec, ['-Z', ...rest]), isUsage(/unknown option '-Z'/));
        for (const [, o] of declared(spec)) {
          for (const s of spellingsOf(o)) {
            if (o.kind === 'flag') {
              if (s.startsWith('--'))
                assert.throws(() => parseCommandLine(spec, [...rest, `${s}=1`]), isUsage(/takes no value/));
            } else {
              assert.throws(() => parseCommandLine(spec, [...rest, s]), isUsage(/needs a value/), s);
            }
          }
        }
      });
    });
  }
});

interface Run {
  argv: string[];
  status: number;
  stdout: string;
  stderr: string;
}

describe('gss main: help text and usage errors as a user sees them', () => {
  const lines = [
    [],
    ['--help'],
    ['help'],
    ['nosuch'],
    ...COMMANDS.flatMap(({ spec }) => [
      ['help', spec.name],
      [spec.name, '--help'],
      [spec.name, '-h'],
    ]),
    ['client', '--bogus', 'h', 's@h', 'm'],
    ['client', '-port'],
    ['client', '--ccount', '0', 'h', 's@h', 'm'],
    ['client', 'h', 's@h'],
    ['server', '--port', 'x', 's@h'],
    ['server', '-keytab'],
    ['kinit', '-t'],
    ['kinit', '-Z'],
    ['kinit', 'a', 'b'],
    ['klist', '-Z'],
    ['klist', '--cache=x'],
    ['kdc'],
    ['kdc', '--realm', 'R', '--keytab-principal', 'p'],
    ['kdc', '--realm', 'R', '--port', '65536'],
    ['demo', 'x'],
    ['help', 'nosuch'],
  ];
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'test/unit/cli/main-driver.ts', JSON.stringify(lines)],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const runs = new Map<string, Run>();
  if (r.status === 0) for (const run of JSON.parse(r.stdout) as Run[]) runs.set(run.argv.join(' '), run);
  const get = (line: string): Run => {
    assert.equal(r.status, 0, r.stderr);
    const run = runs.get(line);
    assert.ok(run, line);
    return run;
  };

  it('gss, gss --help and gss help list the commands, not the hidden worker', () => {
    for (const line of ['', '--help', 'help']) {
      const run = get(line);
      assert.equal(run.status, 0);
      assert.equal(run.stderr, '');
      for (const { spec } of COMMANDS) {
        const shown = new RegExp(`^  ${spec.name} +${spec.summary.replace(/[()]/g, '\\$&')}$`, 'm');
        if (spec.hidden) assert.doesNotMatch(run.stdout, new RegExp(`^  ${spec.name} `, 'm'));
        else assert.match(run.stdout, shown);
      }
    }
    const bad = get('nosuch');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^gss: unknown command 'nosuch'\n/);
  });

  it('gss help CMD, gss CMD --help and gss CMD -h print the same text, made from the table', () => {
    for (const { spec } of COMMANDS) {
      const text = formatHelp(spec);
      for (const line of [`help ${spec.name}`, `${spec.name} --help`, `${spec.name} -h`]) {
        const run = get(line);
        assert.equal(run.status, 0, line);
        assert.equal(run.stdout, text, line);
        assert.equal(run.stderr, '', line);
      }
    }
  });

  for (const [line, status, message] of [
    ['client --bogus h s@h m', 2, "unknown option '--bogus'"],
    ['client -port', 2, "option '-port' needs a value"],
    ['client --ccount 0 h s@h m', 2, '--ccount must be at least 1, not 0'],
    ['client h s@h', 2, 'HOST SERVICE@HOST MSG are needed'],
    ['server --port x s@h', 2, "option '--port' needs a whole number, not 'x'"],
    ['server -keytab', 2, "option '-keytab' needs a value"],
    ['kinit -t', 2, "option '-t' needs a value"],
    ['kinit -Z', 2, "unknown option '-Z'"],
    ['kinit a b', 2, "unexpected operand 'b'"],
    ['klist -Z', 1, "unknown option '-Z'"],
    ['klist --cache=x', 1, "option '--cache' takes no value"],
    ['kdc', 2, '--realm is required'],
    ['kdc --realm R --keytab-principal p', 2, '--keytab-principal needs --keytab'],
    ['kdc --realm R --port 65536', 2, '--port must be at most 65535, not 65536'],
    ['demo x', 2, "unexpected operand 'x'"],
    ['help nosuch', 2, "unknown command 'nosuch'"],
  ] as const) {
    it(`gss ${line}: one error line, exit ${status}`, () => {
      const run = get(line);
      const name = line.split(' ')[0];
      assert.equal(run.status, status);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, `gss ${name}: ${message} (see 'gss ${name} --help')\n`);
    });
  }
});
