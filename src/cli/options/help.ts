/**
 * `gss CMD --help` and `gss help CMD`: the text is made from the command's option table, so
 * every option it lists is one the parser reads, with the same spellings, and no other.
 */
import { type CommandSpec, type OptionSpec, optionsWithHelp } from './table.js';

/** Where the help lines start; options whose spellings reach it get a line of their own. */
const COLUMN = 32;

/** `-p, --port=P, -port P`: GNU forms with `=`, MIT's single-dash forms with a space. */
function spellingColumn(o: OptionSpec): string {
  const v = o.value === undefined ? '' : o.value;
  const parts: string[] = [];
  if (o.short !== undefined) parts.push(`-${o.short}`);
  for (const l of [o.long, ...(o.longAliases ?? [])]) parts.push(v ? `--${l}=${v}` : `--${l}`);
  for (const m of o.mit ?? []) parts.push(v ? `-${m} ${v}` : `-${m}`);
  // The long names line up whether or not there is a short letter, as GNU's help does.
  return `${o.short === undefined ? '    ' : ''}${parts.join(', ')}`;
}

function helpLine(o: OptionSpec): string {
  const notes: string[] = [];
  if (o.required) notes.push('required');
  if (o.default !== undefined) notes.push(`default ${o.default}`);
  if (o.repeatable) notes.push('repeatable');
  return notes.length ? `${o.help} (${notes.join('; ')})` : o.help;
}

function usageLine(spec: CommandSpec): string {
  return `usage: gss ${spec.name} [options]${spec.operands ? ` ${spec.operands}` : ''}`;
}

export function formatHelp(spec: CommandSpec): string {
  let out = `${usageLine(spec)}\n\n`;
  if (spec.description) out += `${spec.description.trimEnd()}\n\n`;
  out += 'options:\n';
  for (const [, o] of optionsWithHelp(spec)) {
    const left = `  ${spellingColumn(o)}`;
    out +=
      left.length + 2 <= COLUMN
        ? `${left.padEnd(COLUMN)}${helpLine(o)}\n`
        : `${left}\n${' '.repeat(COLUMN)}${helpLine(o)}\n`;
  }
  return out;
}
