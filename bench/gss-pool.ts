/**
 * The tickets of bench/gss.ts, made once by the parent before any measuring process starts, and
 * read by both sides: per enctype, `reuse.ccache` (alice's TGT and one service ticket, the "same
 * ticket reused" regime) and `t-0.ccache` ... `t-(N-1).ccache`, one distinct service ticket each
 * (the "every ticket new" regime: N is above our decrypted-ticket cache's 256 entries per key,
 * so every accept decrypts its ticket, as MIT's always does). Ours and MIT's initiators make
 * their AP-REQs from these same tickets.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SecurityContext } from '../src/gssapi/context/context.js';
import { Credentials } from '../src/gssapi/creds/creds.js';
import { Name } from '../src/gssapi/names/names.js';
import { resolveCcache } from '../src/krb5/ccache/index.js';
import type { Config } from './gss-cells.js';
import type { Side } from './gss-ours.js';
import { TARGET_SERVICE } from './mit-harness.js';

/** Where one enctype's tickets are. */
export interface Pool {
  readonly dir: string;
  readonly count: number;
  /** FILE: name of the reused ticket's ccache. */
  readonly reuse: string;
}

/** A TGS exchange by our initiator puts the service ticket into the ccache file `path`. */
async function fetchTicket(tgtCcache: string, path: string): Promise<void> {
  copyFileSync(tgtCcache, path);
  const creds = await Credentials.acquire({ usage: 'initiate', ccache: `FILE:${path}` });
  const init = SecurityContext.initiate({ target: Name.hostbased(TARGET_SERVICE), credentials: creds });
  await init.step();
  init.delete();
}

/**
 * Makes `count` + 1 ccaches under `dir` from alice's TGT ccache (a path), each with its own
 * service ticket, with the krb5.conf in force (its default_tgs_enctypes chooses the session key).
 */
export async function makePool(tgtCcache: string, dir: string, count: number): Promise<Pool> {
  mkdirSync(dir, { recursive: true });
  const reuse = join(dir, 'reuse.ccache');
  await fetchTicket(tgtCcache, reuse);
  // Eight TGS exchanges in flight: the KDC answers each in a few ms.
  for (let i = 0; i < count; i += 8) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(count, i + 8); j++)
      batch.push(fetchTicket(tgtCcache, join(dir, `t-${j}.ccache`)));
    await Promise.all(batch);
  }
  return { dir, count, reuse: `FILE:${reuse}` };
}

/** A FILE ccache copied into a MEMORY one of this process; the MEMORY name. */
async function toMemory(file: string, name: string): Promise<string> {
  const cc = await resolveCcache(file).read();
  const mem = resolveCcache(`MEMORY:${name}`);
  await mem.initialize(cc.principal);
  for (const c of cc.credentials) await mem.store(c);
  return mem.name;
}

/**
 * Our credentials in one configuration: "defaults" reads the FILE ccaches (and the FILE keytab),
 * "memory" copies the ccaches into MEMORY ones first. We have no MEMORY keytab type: the keytab
 * is the FILE one in both (parsed once and kept while the file is unchanged, one stat per use).
 * The replay cache is our default in both: the process-wide in-memory one.
 */
export async function sideOf(pool: Pool, keytab: string, config: Config, e: number): Promise<Side> {
  const ccacheOf = async (file: string, label: string) =>
    config === 'memory' ? toMemory(file, `bench-${e}-${label}`) : file;
  const initiator = await Credentials.acquire({
    usage: 'initiate',
    ccache: await ccacheOf(pool.reuse, 'reuse'),
  });
  const creds: Credentials[] = [];
  for (let i = 0; i < pool.count; i++) {
    const name = await ccacheOf(`FILE:${join(pool.dir, `t-${i}.ccache`)}`, `t-${i}`);
    creds.push(await Credentials.acquire({ usage: 'initiate', ccache: name }));
  }
  return {
    initiator,
    pool: creds,
    acceptor: await Credentials.acquire({ usage: 'accept', keytab }),
    target: Name.hostbased(TARGET_SERVICE),
    next: 0,
  };
}
