/**
 * Writing initial credentials to a ccache the way MIT kinit leaves it: a version 4 header with
 * the KDC time offset, the `fast_avail` and `pa_type` config entries, then the TGT, all in one
 * atomic replacement (MIT fills a MEMORY cache and moves it into place, so readers never see a
 * half-written cache).
 */

import { utf8 } from '../../util/bytes.js';
import {
  type CcacheContents,
  type CredentialCache,
  encodeCcache,
  setConfig,
  timeOffsetTag,
} from '../ccache/index.js';
import { ioError, writeFileAtomic } from '../config/files.js';
import { unparsePrincipal } from '../principal.js';
import { trace } from '../trace.js';
import type { InitialCredentials } from './as.js';

/** The cache contents MIT kinit writes for `got`. */
export function initialCacheContents(got: InitialCredentials): CcacheContents {
  const cred = got.credential;
  let cc: CcacheContents = {
    version: 4,
    headerTags: [timeOffsetTag(got.kdcTimeOffset)],
    principal: cred.client,
    credentials: [],
  };
  if (got.fastAvail) cc = setConfig(cc, 'fast_avail', utf8('yes'), cred.server);
  if (got.paType !== undefined) cc = setConfig(cc, 'pa_type', utf8(String(got.paType)), cred.server);
  return { ...cc, credentials: [...cc.credentials, cred] };
}

/** krb5_cc_initialize + store, atomically for FILE: caches. */
export async function storeInitialCredentials(
  ccache: CredentialCache,
  got: InitialCredentials,
): Promise<void> {
  const contents = initialCacheContents(got);
  trace(
    `Storing ${unparsePrincipal(got.credential.client)} -> ${unparsePrincipal(got.credential.server)} in ${ccache.name}`,
  );
  if (ccache.type === 'FILE') {
    const path = ccache.name.slice('FILE:'.length);
    const bytes = encodeCcache(contents);
    try {
      await writeFileAtomic(path, bytes);
    } catch (e) {
      throw ioError(e, `writing credentials cache '${path}'`);
    } finally {
      bytes.fill(0);
    }
    return;
  }
  await ccache.initialize(contents.principal, { kdcTimeOffset: got.kdcTimeOffset });
  for (const c of contents.credentials) await ccache.store(c);
}
