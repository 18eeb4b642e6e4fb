/**
 * bench/gss.ts's options and its table of cells, shared by the parent (which starts the realm,
 * makes the ticket pool and runs the measuring processes) and each measuring process.
 */

/** The measuring configuration of accept and establishment cells (docs/performance.md). */
export type Config = 'defaults' | 'memory';

/** One row of the table: what both sides measure, as the harness's command names it. */
export interface Cell {
  /** "measure size config": measure and size as bench/mit-gss.c's commands, then the config. */
  readonly key: string;
  readonly measure: string;
  readonly size: number;
  readonly config: Config;
  readonly label: string;
  /** Issue 16's target ratio (aes256-sha1 only), when it has one. */
  readonly target?: number;
  /** Bytes of message per operation (MB/s above 64 KiB), 0 for context operations. */
  readonly bytes: number;
}

const SIZES = [16, 1024, 65536, 1048576];

export function sizeName(n: number): string {
  return n >= 1048576 ? `${n / 1048576} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`;
}

function cell(measure: string, size: number, config: Config, label: string, target?: number): Cell {
  const bytes = measure.startsWith('wrap') || measure === 'mic' ? size : 0;
  return { key: `${measure} ${size} ${config}`, measure, size, config, label, target, bytes };
}

const WRAP_TARGET: Record<string, number | undefined> = {
  'wrap-conf 16': 0.5,
  'wrap-integ 16': 0.5,
  'wrap-conf 1024': 1.3,
  'wrap-integ 65536': 2,
  'wrap-integ 1048576': 2,
  'wrap-conf 65536': 3,
  'wrap-conf 1048576': 3,
};

/** Every cell, in table order. Per-message cells run on the "defaults" credentials' context. */
export const CELLS: readonly Cell[] = [
  ...SIZES.flatMap((s) => [
    cell('wrap-conf', s, 'defaults', `wrap+unwrap conf ${sizeName(s)}`, WRAP_TARGET[`wrap-conf ${s}`]),
    cell('wrap-integ', s, 'defaults', `wrap+unwrap integ ${sizeName(s)}`, WRAP_TARGET[`wrap-integ ${s}`]),
  ]),
  cell('mic', 16, 'defaults', 'getMIC+verifyMIC 16 B', 0.5),
  cell('accept-reuse', 0, 'defaults', 'accept alone, same ticket reused', 1.5),
  cell('accept-reuse', 0, 'memory', 'accept alone, same ticket reused'),
  cell('accept-new', 0, 'defaults', 'accept alone, every ticket new', 1),
  cell('accept-new', 0, 'memory', 'accept alone, every ticket new'),
  cell('establish-reuse', 0, 'defaults', 'establish, same ticket reused'),
  cell('establish-reuse', 0, 'memory', 'establish, same ticket reused'),
  cell('establish-new', 0, 'defaults', 'establish, every ticket new'),
  cell('establish-new', 0, 'memory', 'establish, every ticket new', 1),
  cell('export', 0, 'defaults', 'export+import plain (MIT: its export)'),
  cell('export-sealed', 0, 'defaults', 'export+import sealed (MIT: its export)', 1),
];

/** The cells of `--quick`: issue 16's targets, aes256-sha1. */
const QUICK_CELLS = [
  'wrap-conf 16',
  'wrap-conf 1024',
  'wrap-integ 65536',
  'mic 16',
  'accept-reuse 0 defaults',
  'accept-new 0 defaults',
  'establish-new 0 memory',
  'export-sealed',
  'mem',
];

/** The options both the parent and a measuring process read. */
export interface Options {
  /** CPU seconds per slice and side. */
  readonly seconds: number;
  /** Timed slices per side and cell. */
  readonly rounds: number;
  /** Most untimed slices of ours before a cell (it stops earlier once two agree). */
  readonly warmupCap: number;
  /** Measuring processes, one after the other. */
  readonly runs: number;
  readonly enctypes: readonly number[];
  /** Prefixes of cell keys ("accept-new", "wrap-conf 1024", "mem"); empty: every cell. */
  readonly cells: readonly string[];
  /** Tickets in the "every ticket new" rotation (more than our ticket cache's 256 per key). */
  readonly tickets: number;
  /** Contexts of the memory cell. */
  readonly contexts: number;
  readonly noMit: boolean;
  readonly raw: boolean;
  readonly markdown: boolean;
  readonly quick: boolean;
  /** Extra node options of the measuring processes (space-separated), e.g. --cpu-prof. */
  readonly nodeFlags: readonly string[];
}

export function parseOptions(args: readonly string[]): Options {
  const opt = (name: string, dflt: string) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
  };
  const quick = args.includes('--quick');
  return {
    seconds: Number(opt('--seconds', quick ? '0.1' : '0.2')),
    rounds: Number(opt('--rounds', quick ? '5' : '7')),
    warmupCap: Number(opt('--warmup', quick ? '10' : '16')),
    runs: Number(opt('--runs', '3')),
    enctypes: opt('--enctypes', quick ? '18' : '18,19,20')
      .split(',')
      .map(Number),
    cells: opt('--cells', quick ? QUICK_CELLS.join(',') : '')
      .split(',')
      .filter(Boolean),
    tickets: Number(opt('--tickets', quick ? '600' : '1000')),
    contexts: Number(opt('--contexts', quick ? '3000' : '10000')),
    noMit: args.includes('--no-mit'),
    raw: args.includes('--raw'),
    markdown: args.includes('--markdown'),
    quick,
    nodeFlags: opt('--node-flags', '').split(' ').filter(Boolean),
  };
}

/**
 * The cells the options select: a filter entry is "measure", "measure size" or the whole key, or a
 * measure family ("accept" for accept-reuse and accept-new); "mem" is the memory cell.
 */
export function selectedCells(o: Options): Cell[] {
  if (o.cells.length === 0) return [...CELLS];
  return CELLS.filter((c) =>
    o.cells.some((f) => c.key === f || c.key.startsWith(`${f} `) || c.key.startsWith(`${f}-`)),
  );
}

/** Whether the memory cell (contexts held at once) runs. */
export function memorySelected(o: Options): boolean {
  return o.cells.length === 0 || o.cells.includes('mem');
}
