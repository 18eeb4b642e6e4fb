/**
 * A credential cache private to one Credentials object (MIT: the MEMORY cache it makes with
 * krb5_cc_new_unique for password and delegated credentials, destroyed with the credential). Not
 * in the process-wide MEMORY: registry, so it is freed with its Credentials and nobody else can
 * open it by name.
 */

import { MINOR } from '../../../errors/minor.js';
import { GSS_S_NO_CRED, GssError } from '../../../errors/status.js';
import {
  type CachedCredential,
  type CcacheContents,
  type CredentialCache,
  getConfig,
  isRemoved,
  type RetrieveOptions,
  selectCredential,
  setConfig,
} from '../../../krb5/ccache/index.js';
import type { Principal } from '../../../krb5/principal.js';

export class PrivateCcache implements CredentialCache {
  readonly type = 'MEMORY';
  readonly name: string;
  #contents: CcacheContents | undefined;

  constructor(label: string) {
    this.name = `MEMORY:${label}`;
  }

  async initialize(principal: Principal): Promise<void> {
    this.#contents = { version: 4, headerTags: [], principal, credentials: [] };
  }
  async read(): Promise<CcacheContents> {
    if (!this.#contents)
      throw new GssError(GSS_S_NO_CRED, MINOR.KRB5_FCC_NOFILE, `No credentials cache found (${this.name})`);
    return this.#contents;
  }
  async getPrincipal(): Promise<Principal> {
    return (await this.read()).principal;
  }
  async store(cred: CachedCredential): Promise<void> {
    const cc = await this.read();
    this.#contents = { ...cc, credentials: [...cc.credentials, cred] };
  }
  async list(): Promise<CachedCredential[]> {
    return (await this.read()).credentials.filter((c) => !isRemoved(c));
  }
  async retrieve(server: Principal, opts?: RetrieveOptions): Promise<CachedCredential> {
    return selectCredential((await this.read()).credentials, server, opts);
  }
  async getConfig(key: string, principal?: Principal): Promise<Uint8Array | undefined> {
    return getConfig(await this.read(), key, principal);
  }
  async setConfig(key: string, value: Uint8Array | undefined, principal?: Principal): Promise<void> {
    this.#contents = setConfig(await this.read(), key, value, principal);
  }
  async destroy(): Promise<void> {
    await this.read();
    this.#contents = undefined;
  }
}
