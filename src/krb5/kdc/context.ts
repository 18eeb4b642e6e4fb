/** What every exchange of one KDC instance shares: its database, realm policy and clock. */
import type { Principal } from '../principal.js';
import type { PrincipalDb } from './db.js';
import type { RealmPolicy } from './policy.js';

export interface KdcContext {
  readonly realm: string;
  readonly db: PrincipalDb;
  readonly policy: RealmPolicy;
  /** Enctypes the KDC issues session keys in (MIT permitted_enctypes), strongest first. */
  readonly permitted: readonly number[];
  /** Client names held by other realms (KdcOptions.clientReferrals). */
  readonly clientReferrals: Readonly<Record<string, string>>;
  /** krbtgt/REALM@REALM. */
  readonly tgsPrincipal: Principal;
  /** The KDC's clock in whole seconds (shifted by the instance's clock offset). */
  nowSeconds(): number;
  /** Microseconds part of the KDC's clock, for KRB-ERROR susec. */
  nowMicros(): number;
}
