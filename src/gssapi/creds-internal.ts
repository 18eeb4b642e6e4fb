/** What a Credentials handle holds, reachable by the context code but not by users. */
import type { CredentialCache } from '../krb5/ccache/index.js';
import type { Name } from './names.js';
import type { ReplayCache } from './replay-cache.js';

export interface InitiatorSide {
  readonly ccache: CredentialCache;
  /** The client principal (the ccache's principal). */
  readonly name: Name;
  /** End time of the TGT (or of the first credential), seconds since the epoch. */
  expire: number;
  /** Where a TGT can be had again when the cache has none (KRB5_CLIENT_KTNAME). */
  readonly clientKeytabName?: string;
  /** True for private caches (password, delegated): MIT destroys them with the credential. */
  readonly ownsCcache?: boolean;
}

export interface AcceptorSide {
  readonly keytabName: string;
  /** The acceptor name; undefined accepts any principal in the keytab (MIT GSS_C_NO_NAME). */
  readonly name: Name | undefined;
  readonly replayCache: ReplayCache | undefined;
}

export interface CredsRecord {
  readonly usage: 'initiate' | 'accept' | 'both';
  readonly initiator: InitiatorSide | undefined;
  readonly acceptor: AcceptorSide | undefined;
}

export const credsInternals = new WeakMap<object, CredsRecord>();
