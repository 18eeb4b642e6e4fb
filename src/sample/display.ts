/**
 * gss-sample's diagnostics as MIT prints them (gss-misc.c display_status and print_token), so a
 * log of ours reads line for line like MIT gss-server's.
 */
import { displayStatusAll, GssError } from '../errors/status.js';

/**
 * MIT display_status: one "GSS-API error WHAT: ..." line per message of the major status, then
 * one per message of the minor status ("Unknown error" for 0). Other errors give one line.
 */
export function displayStatusLines(what: string, e: unknown): string[] {
  if (!(e instanceof GssError))
    return [`GSS-API error ${what}: ${e instanceof Error ? e.message : String(e)}`];
  return [...displayStatusAll(e.major, 'gss'), ...displayStatusAll(e.minor, 'mech')].map(
    (m) => `GSS-API error ${what}: ${m}`,
  );
}

/** MIT print_token: "%02x " per byte, a line break after every 16th, then one more. */
export function printTokenLines(token: Uint8Array): string[] {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < token.length; i++) {
    line += `${token[i].toString(16).padStart(2, '0')} `;
    if (i % 16 === 15) {
      lines.push(line);
      line = '';
    }
  }
  lines.push(line);
  return lines;
}
