/**
 * Constrained delegation (MS-SFU): S4U2Self, a service's ticket to itself on behalf of a user
 * (PA-FOR-USER, 3.1.5.1.1), and S4U2Proxy, a ticket for that user to another service with the
 * first ticket as evidence (cname-in-addl-tkt, 3.1.5.2.1). Both are TGS exchanges made with the
 * service's own TGT, as MIT's krb5_get_credentials_for_user / _for_proxy make them. A KDC that
 * does not allow the delegation answers KDC_ERR_BADOPTION (or another KRB-ERROR): a GssError.
 */
import { CKSUMTYPE_HMAC_MD5_ARCFOUR, hmacMd5Checksum } from '../../crypto/index.js';
import { GssError } from '../../errors/status.js';
import { nowSeconds } from '../../util/clock.js';
import type { CachedCredential, CredentialCache } from '../ccache/index.js';
import { KDC_OPT_CNAME_IN_ADDL_TKT, KDC_OPT_FORWARDABLE } from '../constants/flags.js';
import { KU_APP_DATA_CKSUM } from '../constants/key-usages.js';
import { PA_FOR_USER } from '../constants/padata-types.js';
import { encodePaForUser, paForUserChecksumInput, S4U_AUTH_PACKAGE } from '../messages/s4u.js';
import { type Principal, unparsePrincipal } from '../principal.js';
import { trace } from '../trace.js';
import { kdcErrorMinor } from './errors.js';
import type { KdcClientSettings } from './settings.js';
import { getTgt, tgsExchange } from './tgs.js';
import type { KdcTransport } from './transport.js';

/** RFC 4120 7.5.9: what MIT's and AD's KDCs answer a delegation they do not allow. */
const KDC_ERR_BADOPTION = 13;

export interface S4uRequest {
  /** The service's ccache: its TGT (from its keytab or password). */
  readonly ccache: CredentialCache;
  readonly settings: KdcClientSettings;
  readonly transport?: KdcTransport;
}

/** S4U2Self: a ticket from `user` to the service itself (the TGT's client), for `user`. */
export async function getS4U2SelfTicket(
  req: S4uRequest & { readonly user: Principal },
): Promise<CachedCredential> {
  const tgt = await getTgt(req.ccache, nowSeconds());
  const service = tgt.client;
  const user = req.user;
  trace(`S4U2Self ${unparsePrincipal(user)} -> ${unparsePrincipal(service)}`);
  return tgsExchange({
    tgt,
    server: service,
    settings: req.settings,
    transport: req.transport,
    forClient: user,
    kdcOptions: KDC_OPT_FORWARDABLE,
    extraPadata: (sessionKey) => {
      const userName = { nameType: user.nameType, components: user.components };
      const input = paForUserChecksumInput(userName, user.realm, S4U_AUTH_PACKAGE);
      const cksum = {
        cksumtype: CKSUMTYPE_HMAC_MD5_ARCFOUR,
        checksum: hmacMd5Checksum(sessionKey, KU_APP_DATA_CKSUM, input),
      };
      return [
        {
          padataType: PA_FOR_USER,
          padataValue: encodePaForUser({
            userName,
            userRealm: user.realm,
            cksum,
            authPackage: S4U_AUTH_PACKAGE,
          }),
        },
      ];
    },
  });
}

/** S4U2Proxy: with the evidence ticket (user -> service), a ticket from the user to `target`. */
export async function getS4U2ProxyTicket(
  req: S4uRequest & { readonly evidence: CachedCredential; readonly target: Principal },
): Promise<CachedCredential> {
  const tgt = await getTgt(req.ccache, nowSeconds());
  const who = `${unparsePrincipal(tgt.client)} for ${unparsePrincipal(req.evidence.client)} to ${unparsePrincipal(req.target)}`;
  trace(`S4U2Proxy ${who}`);
  try {
    return await tgsExchange({
      tgt,
      server: req.target,
      settings: req.settings,
      transport: req.transport,
      forClient: req.evidence.client,
      kdcOptions: (KDC_OPT_CNAME_IN_ADDL_TKT | KDC_OPT_FORWARDABLE) >>> 0,
      additionalTickets: [req.evidence.ticket],
    });
  } catch (e) {
    if (e instanceof GssError && e.minor === kdcErrorMinor(KDC_ERR_BADOPTION)) {
      throw new GssError(
        e.major,
        e.minor,
        `KDC refused constrained delegation (S4U2Proxy) of ${who}: ${e.message}`,
        {
          cause: e,
        },
      );
    }
    throw e;
  }
}
