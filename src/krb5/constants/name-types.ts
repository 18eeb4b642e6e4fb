/** RFC 4120 6.2 name types: defined with the Principal type, re-exported here by registry. */
export {
  NT_ENTERPRISE,
  NT_PRINCIPAL,
  NT_SMTP_NAME,
  NT_SRV_HST,
  NT_SRV_INST,
  NT_SRV_XHST,
  NT_UID,
  NT_UNKNOWN,
  NT_WELLKNOWN,
  NT_X500_PRINCIPAL,
} from '../principal.js';
