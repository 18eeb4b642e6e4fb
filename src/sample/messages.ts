/**
 * The message phase of gss-sample's server (MIT sign_server after the context is established):
 * shared by the single-process server and the workers that import exported contexts.
 */
import type { SecurityContext } from '../gssapi/context/context.js';
import { fromUtf8 } from '../util/bytes.js';
import { displayStatusLines, printTokenLines } from './display.js';
import {
  type FrameStream,
  TOKEN_ENCRYPTED,
  TOKEN_MIC,
  TOKEN_NOOP,
  TOKEN_SEND_MIC,
  TOKEN_WRAPPED,
} from './protocol.js';

export interface MessageReport {
  /** Messages received, as text when printable (MIT prints them so). */
  messages: string[];
  /** How many were wrapped with confidentiality. */
  encrypted: number;
  /** How many MICs we returned. */
  mics: number;
}

const printable = (c: number | undefined) =>
  c !== undefined && ((c >= 0x20 && c < 0x7f) || (c >= 9 && c <= 13));

/**
 * As MIT: show a message as text when its first two bytes are printable or space (up to a NUL,
 * where MIT's "%.*s" stops), else as hex.
 */
export function showMessage(msg: Uint8Array): string {
  if (printable(msg[0]) && printable(msg[1])) {
    const nul = msg.indexOf(0);
    return `"${fromUtf8(nul >= 0 ? msg.subarray(0, nul) : msg)}"`;
  }
  return Buffer.from(msg).toString('hex').replace(/(..)/g, '$1 ').trim();
}

/** MIT sign_server's "Received message:" lines: the text in quotes, or print_token's hex lines. */
function receivedLines(msg: Uint8Array, shown: string): string[] {
  if (printable(msg[0]) && printable(msg[1])) return [`Received message: ${shown}`];
  return ['Received message: ', ...printTokenLines(msg)];
}

/**
 * Serves data tokens until the client's NOOP, then deletes the context. `ctx` is undefined for an
 * unauthenticated connection (MIT's -na), which may not ask for wrapped or MIC'd service.
 */
export async function serveMessages(
  stream: FrameStream,
  ctx: SecurityContext | undefined,
  log: (line: string) => void,
  verbose = false,
): Promise<MessageReport> {
  const report: MessageReport = { messages: [], encrypted: 0, mics: 0 };
  for (;;) {
    const { flags, token } = await stream.recv();
    if (flags & TOKEN_NOOP) {
      log('NOOP token');
      break;
    }
    if (verbose) for (const l of [`Message token (flags=${flags}):`, ...printTokenLines(token)]) log(l);
    if (!ctx && flags & (TOKEN_WRAPPED | TOKEN_ENCRYPTED | TOKEN_SEND_MIC)) {
      log('Unauthenticated client requested authenticated services!');
      throw new Error('unauthenticated client requested authenticated services');
    }
    let msg = token;
    if (ctx && flags & TOKEN_WRAPPED) {
      try {
        const r = ctx.unwrap(token);
        msg = r.message;
        if (r.confidential) report.encrypted++;
        else if (flags & TOKEN_ENCRYPTED) log('Warning!  Message not encrypted.');
      } catch (e) {
        for (const line of displayStatusLines('unsealing message', e)) log(line);
        throw e;
      }
    }
    const shown = showMessage(msg);
    report.messages.push(shown);
    for (const line of receivedLines(msg, shown)) log(line);
    if (ctx && flags & TOKEN_SEND_MIC) {
      stream.send(TOKEN_MIC, ctx.getMic(msg));
      report.mics++;
    } else {
      stream.send(TOKEN_NOOP);
    }
  }
  ctx?.delete();
  return report;
}
