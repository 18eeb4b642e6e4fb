/**
 * The client's view of krb5.conf: the files KRB5_CONFIG names (colon-separated, earlier files
 * win; default /etc/krb5.conf, as MIT's krb5_init_context), read into KdcClientSettings and the
 * cache and keytab defaults the CLI needs.
 */
import type { CcacheDefaults } from '../ccache/index.js';
import { Profile } from '../config/profile.js';
import type { KeytabDefaults } from '../keytab/index.js';
import { type KdcClientSettings, settingsFromProfile } from './settings.js';

export interface ClientConfig {
  readonly profile: Profile;
  readonly settings: KdcClientSettings;
  readonly ccacheDefaults: CcacheDefaults;
  readonly keytabDefaults: KeytabDefaults;
}

export const DEFAULT_PROFILE_PATH = '/etc/krb5.conf';

/** The settings of a profile already loaded (the GSS layer may hold one). */
export function clientConfigFromProfile(profile: Profile): ClientConfig {
  const lib = (name: string) => profile.getString('libdefaults', name);
  return Object.freeze({
    profile,
    settings: settingsFromProfile(
      (...names) => profile.getValues(...names),
      () => profile.subsectionNames('realms'),
    ),
    ccacheDefaults: { defaultCcacheName: lib('default_ccache_name') },
    keytabDefaults: {
      defaultKeytabName: lib('default_keytab_name'),
      defaultClientKeytabName: lib('default_client_keytab_name'),
    },
  });
}

/** Loads KRB5_CONFIG (or /etc/krb5.conf) now. */
export function loadClientConfig(env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const paths = (env.KRB5_CONFIG ?? DEFAULT_PROFILE_PATH).split(':').filter((p) => p !== '');
  return clientConfigFromProfile(Profile.load(paths, env));
}
