/**
 * `gss client`: MIT gss-client's call_server over its wire protocol: establish a context (unless
 * unauthenticated), send the message `mcount` times (wrapped, encrypted, asking for a MIC as the
 * flags say), verify each MIC, then NOOP and delete.
 */
import { connect, type Socket } from 'node:net';
import { SecurityContext } from '../gssapi/context/context.js';
import type { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import { utf8 } from '../util/bytes.js';
import { displayStatusLines } from './display.js';
import { displayContextFlags } from './flags.js';
import {
  FrameStream,
  TOKEN_CONTEXT,
  TOKEN_CONTEXT_NEXT,
  TOKEN_DATA,
  TOKEN_ENCRYPTED,
  TOKEN_NOOP,
  TOKEN_SEND_MIC,
  TOKEN_WRAPPED,
} from './protocol.js';

export interface SampleClientOptions {
  host: string;
  port: number;
  /** Host-based service name, e.g. `gsstest@localhost`. */
  service: string;
  message: Uint8Array | string;
  credentials?: Credentials;
  mutual?: boolean;
  replay?: boolean;
  sequence?: boolean;
  delegate?: boolean;
  /** MIT's -spnego: wrap the Kerberos tokens in SPNEGO (RFC 4178). */
  spnego?: boolean;
  /** false: MIT's -na, no authentication at all. */
  auth?: boolean;
  wrap?: boolean;
  encrypt?: boolean;
  mic?: boolean;
  mcount?: number;
  verbose?: boolean;
  log?: (line: string) => void;
  /** TCP_NODELAY on the socket (MIT gss-client leaves Nagle on). */
  noDelay?: boolean;
}

export interface ClientResult {
  flags: number;
  initiator?: string;
  acceptor?: string;
  micsVerified: number;
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

export async function callServer(opts: SampleClientOptions): Promise<ClientResult> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const socket = await open(opts.host, opts.port);
  if (opts.noDelay) socket.setNoDelay(true);
  const stream = new FrameStream(socket);
  const result: ClientResult = { flags: 0, micsVerified: 0 };
  let ctx: SecurityContext | undefined;
  try {
    const auth = opts.auth ?? true;
    if (auth) {
      ctx = SecurityContext.initiate({
        target: Name.hostbased(opts.service),
        mech: opts.spnego ? 'spnego' : 'krb5',
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
        mutual: opts.mutual ?? true,
        replayDetection: opts.replay ?? true,
        sequence: opts.sequence ?? false,
        delegate: opts.delegate ?? false,
        confidentiality: true,
        integrity: true,
      });
      stream.send(TOKEN_NOOP | TOKEN_CONTEXT_NEXT);
      let input: Uint8Array | undefined;
      for (;;) {
        const out = await mitStatus('initializing context', log, () => ctx?.step(input));
        // One line per step, as MIT prints it: "Sending ... (size=N)...continue needed..." and
        // an empty line for the step that only read the AP-REP.
        let line = '';
        if (out?.length) {
          line += `Sending init_sec_context token (size=${out.length})...`;
          stream.send(TOKEN_CONTEXT, out);
        }
        if (!ctx.isEstablished) line += 'continue needed...';
        if (opts.verbose) log(line);
        if (ctx.isEstablished) break;
        input = (await stream.recv()).token;
      }
      result.flags = ctx.flags;
      result.initiator = ctx.initiatorName.toString();
      result.acceptor = ctx.acceptorName.toString();
      if (opts.verbose) {
        for (const line of displayContextFlags(ctx.flags)) log(line);
        log(
          `"${result.initiator}" to "${result.acceptor}", lifetime ${ctx.contextTime()}, flags ${ctx.flags.toString(16)}, locally initiated, open`,
        );
      }
    } else {
      stream.send(TOKEN_NOOP);
    }
    const msg = typeof opts.message === 'string' ? utf8(opts.message) : opts.message;
    const wrap = auth && (opts.wrap ?? true);
    const encrypt = auth && (opts.encrypt ?? true);
    const mic = auth && (opts.mic ?? true);
    for (let i = 0; i < (opts.mcount ?? 1); i++) {
      const c = ctx;
      const out =
        wrap && c
          ? await mitStatus('wrapping message', log, () => c.wrap(msg, { confidential: encrypt }))
          : msg;
      stream.send(
        TOKEN_DATA |
          (wrap ? TOKEN_WRAPPED : 0) |
          (encrypt ? TOKEN_ENCRYPTED : 0) |
          (mic ? TOKEN_SEND_MIC : 0),
        out,
      );
      const reply = await stream.recv();
      if (mic && c) {
        await mitStatus('verifying signature', log, () => c.verifyMic(msg, reply.token));
        result.micsVerified++;
        if (opts.verbose) log('Signature verified.');
      } else if (opts.verbose) {
        log('Response received.');
      }
    }
    stream.send(TOKEN_NOOP);
    ctx?.delete();
    return result;
  } finally {
    stream.close();
  }
}

/** Runs a GSS call; on failure prints MIT's display_status lines (gss-client prints them always). */
async function mitStatus<T>(
  what: string,
  log: (line: string) => void,
  call: () => T | Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (e) {
    for (const line of displayStatusLines(what, e)) log(line);
    throw e;
  }
}
