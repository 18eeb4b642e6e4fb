/**
 * An X display of its own for a headed browser (Debian's `xvfb`): Xvfb picks a free display
 * number itself (-displayfd) and tells it on a pipe, listens on no TCP port (-nolisten tcp), and
 * is stopped by its pid.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { track } from './realm.js';

export const XVFB = '/usr/bin/Xvfb';
export const CHROMIUM = '/usr/bin/chromium';

export interface Xvfb {
  /** The DISPLAY value, e.g. `:99`. */
  readonly display: string;
  stop(): Promise<void>;
}

/** Starts Xvfb on a display number it chooses; resolves once the server is ready for clients. */
export async function startXvfb(): Promise<Xvfb> {
  const child = track(
    spawn(XVFB, ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const fd3 = child.stdio[3] as Readable;
    fd3.on('data', (d) => {
      out += String(d);
      // Xvfb writes the number and a newline once it accepts connections.
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`Xvfb did not start in 20 s: ${stderr}`)), 20_000).unref();
  });
  return {
    display,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
