/**
 * Sending a request to the KDCs of a realm (RFC 4120 7.2.1 UDP, 7.2.2 TCP with a 4-byte length),
 * as MIT's sendto_kdc.c does: each KDC in krb5.conf order, UDP first unless the request is larger
 * than udp_preference_limit, TCP when a UDP reply is KRB_ERR_RESPONSE_TOO_BIG, up to three passes
 * with per-try waits of 1 s, 2 s, 4 s, and a bound on the total time.
 *
 * The transport is a plain function so tests and embedders can put an in-memory KDC behind it.
 */
import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import { trace } from '../trace.js';
import { krb5Error } from './errors.js';
import {
  formatAddress,
  type KdcAddress,
  type LocateSettings,
  locateKdcs,
  type TransportKind,
} from './locate.js';

/** Sends one encoded KDC-REQ to a KDC of `realm` and resolves with the reply bytes. */
export type KdcTransport = (realm: string, request: Uint8Array) => Promise<Uint8Array>;

export interface NetworkSettings extends LocateSettings {
  /** libdefaults udp_preference_limit (MIT's default 1465). */
  readonly udpPreferenceLimit: number;
  /** First per-try wait; doubles each pass (MIT: 1 s). */
  readonly firstWaitMs?: number;
  /** Passes over the KDC list (MIT's MAX_PASS: 3). */
  readonly passes?: number;
  /** Upper bound on the whole exchange, whatever the number of KDCs. */
  readonly maxTotalMs?: number;
}

export const DEFAULT_UDP_PREFERENCE_LIMIT = 1465;
/** MIT's HARD_UDP_LIMIT: above it a request never goes over UDP. */
const HARD_UDP_LIMIT = 32700;
/** Replies larger than this over TCP are refused rather than buffered. */
const MAX_TCP_REPLY = 16 * 1024 * 1024;
/** RFC 4120 7.5.9 KRB_ERR_RESPONSE_TOO_BIG. */
const KRB_ERR_RESPONSE_TOO_BIG = 52;

type Failure = 'timeout' | 'refused' | 'unresolved' | 'error';
type TryResult = { reply: Uint8Array } | { failed: Failure; detail: string };

/** Name lookup failures (getaddrinfo), which MIT reports as KRB5_REALM_CANT_RESOLVE. */
const UNRESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

function failureOf(e: NodeJS.ErrnoException): Failure {
  if (e.code === 'ECONNREFUSED') return 'refused';
  return e.code !== undefined && UNRESOLVED.has(e.code) ? 'unresolved' : 'error';
}

/** A transport over the network to the KDCs that krb5.conf names. */
export function networkTransport(settings: NetworkSettings): KdcTransport {
  return async (realm, request) => {
    const kdcs = locateKdcs(realm, settings);
    const limit = Math.min(settings.udpPreferenceLimit, HARD_UDP_LIMIT);
    trace(`Sending request (${request.length} bytes) to ${realm}`);
    const preferTcp = request.length > limit;
    const firstWait = settings.firstWaitMs ?? 1000;
    const passes = settings.passes ?? 3;
    const deadline = Date.now() + (settings.maxTotalMs ?? 30_000);
    const dead = new Set<string>();
    let resolvedAny = false;
    const tcpTried = new Set<string>();
    const tried: string[] = [];
    const note = (where: string) => {
      if (!tried.includes(where)) tried.push(where);
    };
    for (let pass = 0; pass < passes; pass++) {
      for (const kdc of kdcs) {
        let kinds: TransportKind[] = preferTcp ? ['tcp'] : ['udp', 'tcp'];
        if (kdc.only)
          kinds = kinds.includes(kdc.only) ? [kdc.only] : preferTcp && kdc.only === 'udp' ? [] : [kdc.only];
        for (const kind of kinds) {
          const where = formatAddress(kind, kdc);
          if (dead.has(where)) continue;
          if (kind === 'tcp' && tcpTried.has(where)) continue;
          const left = deadline - Date.now();
          if (left <= 0) throw unreachable(realm, tried, 'timed out');
          const wait = Math.min(firstWait * 2 ** pass, left);
          note(where);
          let result: TryResult;
          if (kind === 'udp') {
            trace(`Sending ${pass === 0 ? 'initial' : 'retry'} UDP request to ${where}`);
            result = await tryUdp(kdc, request, wait);
          } else {
            tcpTried.add(where);
            trace(`Initiating TCP connection to ${where}`);
            result = await tryTcp(kdc, request, Math.max(wait, firstWait * 2), where);
          }
          if ('reply' in result) {
            trace(`Received answer (${result.reply.length} bytes) from ${where}`);
            if (kind === 'udp' && isResponseTooBig(result.reply)) {
              // RFC 4120 7.2.1: retry the same KDC over TCP.
              trace('Request or response is too big for UDP; retrying with TCP');
              continue;
            }
            return result.reply;
          }
          if (kind === 'tcp') trace(`Terminating TCP connection to ${where}`);
          if (result.failed !== 'timeout') dead.add(where);
          if (result.failed !== 'unresolved') resolvedAny = true;
        }
      }
    }
    if (!resolvedAny && tried.length > 0) {
      throw krb5Error(
        'KRB5_REALM_CANT_RESOLVE',
        `Cannot resolve network address for KDC in realm '${realm}' (tried ${triedList(tried)})`,
      );
    }
    throw unreachable(realm, tried, 'no reply');
  };
}

function triedList(tried: readonly string[]): string {
  return tried.length
    ? tried.map((t) => t.replace(/^dgram /, 'udp/').replace(/^stream /, 'tcp/')).join(', ')
    : 'none';
}

function unreachable(realm: string, tried: readonly string[], why: string) {
  const list = triedList(tried);
  return krb5Error('KRB5_KDC_UNREACH', `Cannot contact any KDC for realm '${realm}' (${why}; tried ${list})`);
}

function udpFamily(host: string): 'udp4' | 'udp6' {
  return isIP(host) === 6 ? 'udp6' : 'udp4';
}

function tryUdp(kdc: KdcAddress, request: Uint8Array, waitMs: number): Promise<TryResult> {
  return new Promise((resolve) => {
    const sock = createSocket(udpFamily(kdc.host));
    let done = false;
    const finish = (r: TryResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ failed: 'timeout', detail: `no answer in ${waitMs} ms` }),
      waitMs,
    );
    sock.on('error', (e: NodeJS.ErrnoException) => finish({ failed: failureOf(e), detail: e.message }));
    sock.on('message', (msg) => finish({ reply: new Uint8Array(msg) }));
    // Node also calls this back, with the error, when the name lookup fails.
    sock.connect(kdc.port, kdc.host, (...args: unknown[]) => {
      const err = args[0] as NodeJS.ErrnoException | undefined;
      if (err) return finish({ failed: failureOf(err), detail: err.message });
      if (done) return;
      sock.send(request, (e) => {
        if (e) finish({ failed: 'error', detail: e.message });
      });
    });
  });
}

function tryTcp(kdc: KdcAddress, request: Uint8Array, waitMs: number, where: string): Promise<TryResult> {
  return new Promise((resolve) => {
    const sock = connect({ host: kdc.host, port: kdc.port });
    let done = false;
    const chunks: Buffer[] = [];
    let have = 0;
    const finish = (r: TryResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ failed: 'timeout', detail: `no answer in ${waitMs} ms` }),
      waitMs,
    );
    sock.on('error', (e: NodeJS.ErrnoException) => finish({ failed: failureOf(e), detail: e.message }));
    sock.on('connect', () => {
      trace(`Sending TCP request to ${where}`);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(request.length);
      sock.write(Buffer.concat([len, request]));
    });
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      have += d.length;
      if (have < 4) return;
      const all = Buffer.concat(chunks);
      const n = all.readUInt32BE(0);
      // RFC 4120 7.2.2: the high bit is reserved; MIT treats it as an error.
      if (n & 0x80000000 || n > MAX_TCP_REPLY) return finish({ failed: 'error', detail: 'bad TCP length' });
      if (all.length >= 4 + n) finish({ reply: new Uint8Array(all.subarray(4, 4 + n)) });
    });
    sock.on('end', () => finish({ failed: 'error', detail: 'connection closed' }));
  });
}

/**
 * True when `reply` is a KRB-ERROR (APPLICATION 30) whose error-code [6] is RESPONSE_TOO_BIG.
 * A small DER walk, so the transport does not depend on the message codec.
 */
export function isResponseTooBig(reply: Uint8Array): boolean {
  let pos = 0;
  const header = (): { tag: number; len: number } | undefined => {
    if (pos + 2 > reply.length) return undefined;
    const tag = reply[pos++];
    let len = reply[pos++];
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || pos + n > reply.length) return undefined;
      len = 0;
      for (let i = 0; i < n; i++) len = (len << 8) | reply[pos++];
    }
    return pos + len <= reply.length ? { tag, len } : undefined;
  };
  if (header()?.tag !== 0x7e) return false;
  const seq = header();
  if (seq?.tag !== 0x30) return false;
  const end = pos + seq.len;
  while (pos < end) {
    const field = header();
    if (!field) return false;
    if (field.tag === 0xa6) {
      const int = header();
      if (int?.tag !== 0x02 || int.len < 1 || int.len > 4) return false;
      let v = 0;
      for (let i = 0; i < int.len; i++) v = v * 256 + reply[pos + i];
      return v === KRB_ERR_RESPONSE_TOO_BIG;
    }
    pos += field.len;
  }
  return false;
}
