/**
 * bench/gss.ts's table: the slices of every measuring process combined per cell. The ratio is
 * the median of all per-slice ratios (ours/MIT, each slice of ours beside the MIT slice just
 * before it); "processes" is the range of the per-process medians (the spread between V8
 * processes); "slices" is the range of the single slices (the spread within processes, which
 * includes the machine's own drift).
 */
import { CELLS, type Cell } from './gss-cells.js';
import type { ChildResult, EnctypeResult } from './gss-child.js';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const n = s.length;
  return n === 0 ? Number.NaN : n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

const range = (xs: readonly number[]) => [Math.min(...xs), Math.max(...xs)] as const;

function rate(v: number, bytes: number): string {
  if (!Number.isFinite(v)) return '-';
  if (bytes >= 65536) return `${((v * bytes) / 1e6).toFixed(0)} MB/s`;
  return v >= 1e4 ? `${(v / 1e3).toFixed(0)}k/s` : `${v.toFixed(0)}/s`;
}

const r2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const span = (xs: readonly number[]) => (xs.length ? `${r2(range(xs)[0])}-${r2(range(xs)[1])}` : '-');

interface Row {
  readonly cells: string[];
}

/** One table row per cell: the combined slices of all processes. */
function cellRow(c: Cell, results: readonly EnctypeResult[], e: number): Row | undefined {
  const runs = results.map((r) => r.cells[c.key]).filter((x) => x !== undefined);
  if (runs.length === 0) return undefined;
  const ours = runs.flatMap((r) => r.ours);
  const mit = runs.flatMap((r) => r.mit);
  const ratios = runs.flatMap((r) => r.mit.map((m, i) => r.ours[i] / m));
  const perProcess = runs.filter((r) => r.mit.length).map((r) => median(r.mit.map((m, i) => r.ours[i] / m)));
  const ratio = median(ratios);
  const target = c.target !== undefined && e === 18 ? c.target : undefined;
  const mark = target === undefined || !ratios.length ? '' : ratio >= target ? ' met' : ' MISSED';
  const label =
    c.measure.startsWith('wrap') || c.measure === 'mic' || c.measure.startsWith('export') ? '' : c.config;
  return {
    cells: [
      c.label,
      label,
      rate(median(ours), c.bytes),
      rate(median(mit), c.bytes),
      r2(ratio),
      span(perProcess),
      span(ratios),
      target === undefined ? '' : `>= ${target}${mark}`,
      runs.map((r) => r.warmup).join(','),
    ],
  };
}

const HEAD = ['measure', 'config', 'ours', 'MIT', 'ours/MIT', 'processes', 'slices', 'target', 'warm-up'];

function kb(x: number): string {
  return `${(x / 1000).toFixed(1)} KB`;
}

/** Memory per context and export token sizes: the lines under each table. */
function notes(results: readonly EnctypeResult[]): string[] {
  const out: string[] = [];
  const mem = results.map((r) => r.memory).filter((m) => m !== undefined);
  for (const which of ['fresh', 'traffic'] as const) {
    const ours = mem.flatMap((m) => (m.ours ? [m.ours[which]] : []));
    const mit = mem.flatMap((m) => (m.mit ? [m.mit[which]] : []));
    if (!ours.length && !mit.length) continue;
    const n = mem[0]?.contexts ?? 0;
    const what = which === 'fresh' ? 'established' : 'after 5 wraps + 5 MICs';
    const o = ours.length ? `ours ${kb(median(ours))} (${ours.map(kb).join(', ')})` : 'ours -';
    const m = mit.length ? `MIT ${kb(median(mit))} (${mit.map(kb).join(', ')})` : 'MIT -';
    const q = median(ours) / median(mit);
    // Issue 16: memory per used context at most MIT's.
    const goal = which === 'traffic' ? ` (target <= 1${q <= 1 ? ' met' : ' MISSED'})` : '';
    const ratio = ours.length && mit.length ? `, ours/MIT ${r2(q)}${goal}` : '';
    out.push(`memory per acceptor context, ${what}, ${n} contexts: ${o}; ${m}${ratio}`);
  }
  for (const key of ['export 0 defaults', 'export-sealed 0 defaults']) {
    const s = results.map((r) => r.cells[key]?.size).find((x) => x !== undefined);
    if (s) out.push(`${key.split(' ')[0]} token: ours ${s.ours} bytes, MIT ${s.mit ?? '-'} bytes`);
  }
  return out;
}

/** The combined table of one enctype, as text or as a Markdown table. */
export function enctypeTable(runs: readonly ChildResult[], e: number, markdown: boolean): string {
  const results = runs.flatMap((r) => r.enctypes.filter((x) => x.enctype === e));
  if (results.length === 0) return '';
  const first = results[0];
  const ctx = `context enctype ours ${first.context.ours}, MIT ${first.context.mit ?? '-'}`;
  const rows = CELLS.map((c) => cellRow(c, results, e)).filter((r) => r !== undefined);
  const lines: string[] = [];
  if (markdown) {
    lines.push(`**${first.name}** (${e}; ${ctx}; ${results.length} processes)`, '');
    lines.push(
      `| ${HEAD.join(' | ')} |`,
      `|${HEAD.map((_, i) => (i > 1 && i < 7 ? '---:' : '---')).join('|')}|`,
    );
    for (const r of rows) lines.push(`| ${r.cells.join(' | ')} |`);
    lines.push('', ...notes(results).map((n) => `- ${n}`));
  } else {
    const w = [40, 9, 10, 10, 9, 12, 12, 16, 10];
    const pad = (xs: string[]) => xs.map((x, i) => (i < 2 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('');
    lines.push(`\n${first.name} (${e}): ${ctx}; ${results.length} processes`, pad(HEAD));
    for (const r of rows) lines.push(pad(r.cells));
    lines.push(...notes(results));
  }
  return lines.join('\n');
}

/** Every slice of every process, for --raw. */
export function rawLines(runs: readonly ChildResult[]): string[] {
  const out: string[] = [];
  for (const run of runs)
    for (const r of run.enctypes)
      for (const [key, s] of Object.entries(r.cells))
        out.push(
          `raw pid ${run.pid} ${r.enctype} ${key} warm-up ${s.warmup} ours ${s.ours.map((v) => v.toFixed(0)).join(' ')}` +
            ` mit ${s.mit.map((v) => v.toFixed(0)).join(' ')}`,
        );
  return out;
}
