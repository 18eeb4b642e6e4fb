/**
 * The `gss` option parser (src/cli/options/parse.ts) is the one parser of a user's command line:
 * driven with random command lines made of each command's spellings, values, `=`, `--`, lone
 * dashes, clusters and junk (seeded, reproducible), it returns a result or throws UsageError,
 * never anything else, and a result holds only declared options with values of their kind.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/cli/commands.js';
import { parseCommandLine, UsageError } from '../../../src/cli/options/parse.js';
import { spellingsOf } from '../../../src/cli/options/table.js';
import { rng } from './fuzz-lib.js';

const JUNK = [
  '',
  '-',
  '--',
  '=',
  '-=',
  '--=',
  '---',
  '-=x',
  '0',
  '-1',
  '65536',
  '1e3',
  '0x10',
  ' 5',
  'é',
  '\u0000',
];
const LINES_PER_COMMAND = 3000;

describe('gss option parser under random command lines', () => {
  for (const { spec } of COMMANDS) {
    it(`gss ${spec.name}: a result of the declared kinds, or a UsageError`, () => {
      const next = rng(0x5eed + spec.name.length * 7919 + spec.name.charCodeAt(0));
      const words = [
        ...Object.values(spec.options).flatMap((o) => spellingsOf(o)),
        ...Object.values(spec.options).flatMap((o) => spellingsOf(o).map((s) => `${s}=v`)),
        ...Object.values(spec.options).flatMap((o) =>
          o.short ? [`-${o.short}x`, `-${o.short}${o.short}7`] : [],
        ),
        ...JUNK,
        'operand',
      ];
      let results = 0;
      for (let n = 0; n < LINES_PER_COMMAND; n++) {
        const argv = Array.from({ length: next() % 8 }, () => words[next() % words.length]);
        let r: ReturnType<typeof parseCommandLine>;
        try {
          r = parseCommandLine(spec, argv);
        } catch (e) {
          assert.ok(e instanceof UsageError, `${JSON.stringify(argv)}: ${e}`);
          assert.ok(e.message.length > 0 && !e.message.includes('\n'), JSON.stringify(argv));
          continue;
        }
        results++;
        if (r.help) continue;
        const values = r.options as Record<string, unknown>;
        assert.deepEqual(Object.keys(values).sort(), Object.keys(spec.options).sort(), JSON.stringify(argv));
        for (const [key, o] of Object.entries(spec.options)) {
          const v = values[key];
          const one = (x: unknown) =>
            o.kind === 'flag'
              ? typeof x === 'boolean'
              : o.kind === 'number'
                ? Number.isSafeInteger(x) &&
                  (x as number) >= (o.min ?? 0) &&
                  (x as number) <= (o.max ?? Infinity)
                : typeof x === 'string';
          const ok = o.repeatable ? Array.isArray(v) && v.every(one) : v === undefined ? !o.required : one(v);
          assert.ok(ok, `${JSON.stringify(argv)}: ${key} = ${JSON.stringify(v)}`);
        }
        assert.ok(r.operands.length >= spec.minOperands && r.operands.length <= spec.maxOperands);
      }
      assert.ok(results > 0, 'some random lines parse');
    });
  }
});
