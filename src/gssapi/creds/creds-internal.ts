/** What a Credentials handle holds, reachable by the context code but not by users. */
import type { AcceptorSide, InitiatorSide } from '../mech/krb5/cred-element.js';

export interface CredsRecord {
  readonly usage: 'initiate' | 'accept' | 'both';
  readonly initiator: InitiatorSide | undefined;
  readonly acceptor: AcceptorSide | undefined;
}

export const credsInternals = new WeakMap<object, CredsRecord>();
