/**
 * MIT's server_establish_context (gss-sample/gss-server.c): a NOOP (with CONTEXT_NEXT unless the
 * client is unauthenticated), then context tokens until the context is established.
 */
import { SecurityContext } from '../gssapi/context/context.js';
import type { Credentials } from '../gssapi/creds/creds.js';
import { displayStatusLines, printTokenLines } from './display.js';
import { displayContextFlags } from './flags.js';
import { type FrameStream, TOKEN_CONTEXT, TOKEN_CONTEXT_NEXT, TOKEN_NOOP } from './protocol.js';

/** What establishment learnt about the client. */
export interface Established {
  client?: string;
  flags: number;
}

/** The established context, or undefined for an unauthenticated client (MIT's -na). */
export async function establish(
  stream: FrameStream,
  credentials: Credentials,
  log: (line: string) => void,
  verbose: boolean,
  event: Established,
): Promise<SecurityContext | undefined> {
  const first = await stream.recv();
  if (!(first.flags & TOKEN_NOOP)) {
    log(`Expected NOOP token, got ${first.flags} token instead`);
    throw new Error('expected a NOOP token');
  }
  if (!(first.flags & TOKEN_CONTEXT_NEXT)) {
    log('Accepted unauthenticated connection.');
    return undefined;
  }
  const ctx = SecurityContext.accept({ credentials });
  while (!ctx.isEstablished) {
    const { token } = await stream.recv();
    if (verbose)
      for (const l of [`Received token (size=${token.length}): `, ...printTokenLines(token)]) log(l);
    const reply = (out: Uint8Array) => {
      if (verbose) {
        for (const l of [`Sending accept_sec_context token (size=${out.length}):`, ...printTokenLines(out)])
          log(l);
      }
      stream.send(TOKEN_CONTEXT, out);
    };
    let out: Uint8Array | undefined;
    try {
      out = await ctx.step(token);
    } catch (e) {
      const errToken = ctx.errorToken;
      if (errToken?.length) reply(errToken);
      for (const line of displayStatusLines('accepting context', e)) log(line);
      throw e;
    }
    if (out?.length) reply(out);
    if (verbose) log(ctx.isEstablished ? '' : 'continue needed...');
  }
  event.flags = ctx.flags;
  for (const line of displayContextFlags(ctx.flags)) log(line);
  if (verbose) log('Accepted connection using mechanism OID { 1 2 840 113554 1 2 2 }.');
  event.client = ctx.initiatorName.toString();
  return ctx;
}
