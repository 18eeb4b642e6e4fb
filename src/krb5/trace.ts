/**
 * KRB5_TRACE: one human line per protocol step, in the words of MIT krb5's k5-trace.h, written to
 * the file KRB5_TRACE names (or /dev/stderr). Lines look like MIT's:
 * `[pid] seconds.microseconds: message`. Never pass key bytes here: callers log enctypes, names,
 * sizes and error codes only.
 */
import { appendFileSync, openSync, writeSync } from 'node:fs';

export type TraceSink = (line: string) => void;

let override: TraceSink | null | undefined;
let cachedPath: string | undefined;
let cachedFd: number | undefined;

/** For tests and embedders: send trace lines to `sink` (null: off; undefined: back to KRB5_TRACE). */
export function setTraceSink(sink: TraceSink | null | undefined): void {
  override = sink;
}

function fileSink(path: string): TraceSink {
  if (path === '/dev/stderr') return (line) => process.stderr.write(line);
  if (path === '/dev/stdout') return (line) => process.stdout.write(line);
  return (line) => {
    try {
      if (cachedPath !== path || cachedFd === undefined) {
        cachedFd = openSync(path, 'a', 0o600);
        cachedPath = path;
      }
      writeSync(cachedFd, line);
    } catch {
      // A trace that cannot be written must never break the protocol (MIT ignores it too).
      try {
        appendFileSync(path, line);
      } catch {
        // ignored
      }
    }
  };
}

function currentSink(): TraceSink | null {
  if (override !== undefined) return override;
  const path = process.env.KRB5_TRACE;
  return path ? fileSink(path) : null;
}

/** True when tracing is on: lets callers skip building expensive messages. */
export function traceEnabled(): boolean {
  return currentSink() !== null;
}

// Wall-clock microseconds at load, advanced by the monotonic clock, so lines never go backwards.
const baseMicros = BigInt(Date.now()) * 1000n;
const baseHr = process.hrtime.bigint();

function stamp(): string {
  const micros = baseMicros + (process.hrtime.bigint() - baseHr) / 1000n;
  return `${micros / 1000000n}.${String(micros % 1000000n).padStart(6, '0')}`;
}

/** Writes one trace line (no newline needed) when KRB5_TRACE is set. */
export function trace(message: string): void {
  const sink = currentSink();
  if (!sink) return;
  sink(`[${process.pid}] ${stamp()}: ${message}\n`);
}
