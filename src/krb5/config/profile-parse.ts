/**
 * MIT's profile syntax, parsed as src/util/profile/prof_parse.c does, line by line:
 * `[section]` headers (optionally followed by `*`), `tag = value` relations, `tag = {` ... `}`
 * subsections (the `{` may stand alone on the next line), `*` after a tag or `}` for "final",
 * `#` and `;` comment lines, `"quoted"` values with \n \t \b escapes, and `include FILE` /
 * `includedir DIR` at the start of a line. Text before the first `[` at column 0 is ignored. An
 * error is a GssError with MIT's PROF_* code; no other exception escapes.
 */
import { MINOR, minorMessage } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
import { addNode, createRoot, type ProfileNode } from './profile-tree.js';

/** File access for `include` and `includedir`; tests substitute their own. */
export interface ProfileIo {
  /** The file's bytes, or undefined when it cannot be read. */
  readFile(path: string): Uint8Array | undefined;
  /** The names in a directory, or undefined when it cannot be read. */
  readDir(path: string): string[] | undefined;
}

enum State {
  InitComment = 1,
  StdLine = 2,
  GetObrace = 3,
}

interface ParseState {
  state: State;
  /** Subsection depth: 0 directly in a [section], 1 inside `tag = {`, ... */
  groupLevel: number;
  readonly root: ProfileNode;
  current: ProfileNode | undefined;
  readonly io: ProfileIo;
  readonly file: string;
  line: number;
}

export function profError(name: keyof typeof MINOR & `PROF_${string}`, where: string): GssError {
  const extra = name === 'PROF_MODULE' ? ' (profile modules are not supported)' : '';
  return new GssError(GSS_S_FAILURE, MINOR[name], `${where}: ${minorMessage(MINOR[name])}${extra}`);
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

function skipBlanks(s: string, i: number): number {
  while (i < s.length && isSpace(s[i])) i++;
  return i;
}

/** strip_line: drop trailing CR and LF only. */
const stripLine = (s: string): string => s.replace(/[\r\n]+$/, '');

/**
 * The lines as fgets with MIT's 2048-byte buffer returns them: split after each LF, and a line
 * longer than 2047 bytes split into pieces of at most 2047 bytes.
 */
function fgetsLines(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const dec = new TextDecoder('utf-8', { fatal: false });
  let start = 0;
  while (start < bytes.length) {
    let end = start;
    while (end < bytes.length && end - start < 2047 && bytes[end] !== 0x0a) end++;
    if (end < bytes.length && bytes[end] === 0x0a && end - start < 2047) end++;
    out.push(dec.decode(bytes.subarray(start, end)));
    start = end;
  }
  return out;
}

/** parse_quoted_string: up to the next unescaped `"`; \n \t \b are escapes, `\x` is x. */
function parseQuoted(s: string): string {
  let out = '';
  for (let i = 0; i < s.length && s[i] !== '"'; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      i++;
      out += s[i] === 'n' ? '\n' : s[i] === 't' ? '\t' : s[i] === 'b' ? '\b' : s[i];
      continue;
    }
    out += s[i];
  }
  return out;
}

function where(st: ParseState): string {
  return `${st.file}:${st.line}`;
}

function parseStdLine(raw: string, st: ParseState): void {
  if (raw === '') return;
  let cp = skipBlanks(raw, 0);
  if (raw[cp] === ';' || raw[cp] === '#') return;
  const line = stripLine(raw.slice(cp));
  cp = 0;
  if (line === '') return;
  const ch = line[0];
  if (ch === '[') {
    if (st.groupLevel > 0) throw profError('PROF_SECTION_NOTOP', where(st));
    const close = line.indexOf(']', 1);
    if (close < 0) throw profError('PROF_SECTION_SYNTAX', where(st));
    const section = addNode(st.root, line.slice(1, close), undefined);
    st.current = section;
    let rest = close + 1;
    if (line[rest] === '*') {
      section.final = true;
      rest++;
    }
    if (skipBlanks(line, rest) < line.length) throw profError('PROF_SECTION_SYNTAX', where(st));
    return;
  }
  if (ch === '}') {
    if (st.groupLevel === 0) throw profError('PROF_EXTRA_CBRACE', where(st));
    if (line[1] === '*' && st.current) st.current.final = true;
    st.current = st.current?.parent;
    st.groupLevel--;
    return;
  }
  const eq = line.indexOf('=');
  if (eq <= 0) throw profError('PROF_RELATION_SYNTAX', where(st));
  let tagEnd = 0;
  while (tagEnd < eq && !isSpace(line[tagEnd])) tagEnd++;
  for (let i = tagEnd; i < eq; i++) if (!isSpace(line[i])) throw profError('PROF_RELATION_SYNTAX', where(st));
  let tag = line.slice(0, tagEnd);
  let value = line.slice(skipBlanks(line, eq + 1));
  let subsection = false;
  if (value.startsWith('"')) {
    value = parseQuoted(value.slice(1));
  } else if (value === '') {
    subsection = true;
    st.state = State.GetObrace;
  } else if (value[0] === '{' && skipBlanks(value, 1) === value.length) {
    subsection = true;
  } else {
    let end = value.length;
    while (end > 1 && isSpace(value[end - 1])) end--;
    value = value.slice(0, end);
  }
  const star = tag.indexOf('*');
  if (star >= 0) tag = tag.slice(0, star);
  if (!st.current) return;
  const node = addNode(st.current, tag, subsection ? undefined : value);
  if (star >= 0) node.final = true;
  if (subsection) {
    st.current = node;
    st.groupLevel++;
  }
}

/** MIT's includedir rule (valid_name): no dotfiles; names ending in .conf, or of [A-Za-z0-9_-]. */
export function validIncludeName(name: string): boolean {
  if (name.startsWith('.')) return false;
  if (name.length >= 5 && name.endsWith('.conf')) return true;
  return /^[A-Za-z0-9_-]*$/.test(name);
}

function parseInclude(path: string, root: ProfileNode, io: ProfileIo, where: string): void {
  const bytes = io.readFile(path);
  if (bytes === undefined) throw profError('PROF_FAIL_INCLUDE_FILE', `${where}: include ${path}`);
  // A fresh state: an included file is syntactically independent but shares the root.
  parseInto(bytes, root, io, path);
}

function parseIncludeDir(dir: string, root: ProfileNode, io: ProfileIo, where: string): void {
  const names = io.readDir(dir);
  if (names === undefined) throw profError('PROF_FAIL_INCLUDE_DIR', `${where}: includedir ${dir}`);
  for (const name of [...names].sort()) {
    if (validIncludeName(name)) parseInclude(`${dir}/${name}`, root, io, where);
  }
}

function parseLine(line: string, st: ParseState): void {
  if (line.startsWith('include') && isSpace(line[7])) {
    parseInclude(stripLine(line.slice(skipBlanks(line, 7))), st.root, st.io, where(st));
  } else if (line.startsWith('includedir') && isSpace(line[10])) {
    parseIncludeDir(stripLine(line.slice(skipBlanks(line, 10))), st.root, st.io, where(st));
  } else if (st.state === State.InitComment) {
    if (line.startsWith('module') && isSpace(line[6])) throw profError('PROF_MODULE', where(st));
    if (line[0] !== '[') return;
    st.state = State.StdLine;
    parseStdLine(line, st);
  } else if (st.state === State.StdLine) {
    parseStdLine(line, st);
  } else {
    if (line[skipBlanks(line, 0)] !== '{') throw profError('PROF_MISSING_OBRACE', where(st));
    st.state = State.StdLine;
  }
}

function parseInto(bytes: Uint8Array, root: ProfileNode, io: ProfileIo, file: string): void {
  const st: ParseState = {
    state: State.InitComment,
    groupLevel: 0,
    root,
    current: undefined,
    io,
    file,
    line: 0,
  };
  for (const line of fgetsLines(bytes)) {
    st.line++;
    parseLine(line, st);
  }
}

const NO_IO: ProfileIo = { readFile: () => undefined, readDir: () => undefined };

/** Parses one profile file (and what it includes) into a new tree. */
export function parseProfile(
  text: string | Uint8Array,
  opts: { file?: string; io?: ProfileIo } = {},
): ProfileNode {
  const root = createRoot();
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  parseInto(bytes, root, opts.io ?? NO_IO, opts.file ?? '(profile)');
  return root;
}

/** profile_process_directory: a directory named in KRB5_CONFIG, read as `includedir` reads it. */
export function parseProfileDir(dir: string, io: ProfileIo): ProfileNode {
  const root = createRoot();
  parseIncludeDir(dir, root, io, dir);
  return root;
}
