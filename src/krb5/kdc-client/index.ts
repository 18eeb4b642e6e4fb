/**
 * The KDC client: what the GSS layer and the CLI call. AS exchange (getInitialCredentials), TGS
 * exchange with ccache reuse (getServiceCredentials), forwarded TGTs for delegation
 * (getForwardedTgt), the krb5.conf view (loadClientConfig) and an injectable transport.
 */
export { getInitialCredentials, type InitialCredentials, type InitialCredentialsRequest } from './as.js';
export { type ClientConfig, clientConfigFromProfile, loadClientConfig } from './load.js';
export { type KdcAddress, locateKdcs, parseKdcAddress } from './locate.js';
export { type KdcClientSettings, settingsFromProfile } from './settings.js';
export { initialCacheContents, storeInitialCredentials } from './store.js';
export {
  type ForwardedTgtRequest,
  getForwardedTgt,
  getServiceCredentials,
  getTgt,
  type ServiceCredentialsRequest,
  type TgsRequest,
  tgsExchange,
} from './tgs.js';
export {
  DEFAULT_UDP_PREFERENCE_LIMIT,
  type KdcTransport,
  type NetworkSettings,
  networkTransport,
} from './transport.js';
