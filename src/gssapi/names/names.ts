/**
 * GSS names of the Kerberos mechanism (RFC 2743 3.2/4, RFC 1964 2.1): every Name is a mechanism
 * name holding one Kerberos principal, as MIT's krb5_gss_name_rec does.
 */
import { hostname } from 'node:os';
import {
  GSS_S_BAD_MECH,
  GSS_S_BAD_NAME,
  GSS_S_BAD_NAMETYPE,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
  GssError,
} from '../../errors/status.js';
import {
  NT_PRINCIPAL,
  NT_SRV_HST,
  type Principal,
  parseEnterprisePrincipal,
  parsePrincipal,
  principalEquals,
  unparsePrincipal,
} from '../../krb5/principal.js';
import { fromUtf8, utf8 } from '../../util/bytes.js';
import { Reader } from '../../util/reader.js';
import { KRB5_MECH_OID_BYTES, oidEqual, oidFromBytes } from '../token/oid.js';
import { hostRealm, localDefaultRealm, qualifyShortname } from './name-env.js';
import {
  GSS_C_NT_ANONYMOUS,
  GSS_C_NT_EXPORT_NAME,
  GSS_C_NT_HOSTBASED_SERVICE,
  GSS_C_NT_HOSTBASED_SERVICE_X,
  GSS_C_NT_USER_NAME,
  GSS_KRB5_NT_ENTERPRISE_NAME,
  GSS_KRB5_NT_PRINCIPAL_NAME,
} from './name-oids.js';

/** The anonymous principal of RFC 8062: WELLKNOWN/ANONYMOUS@WELLKNOWN:ANONYMOUS. */
const ANONYMOUS_REALM = 'WELLKNOWN:ANONYMOUS';

/**
 * A GSS name (RFC 2743 1.1.5; MIT's gss_name_t) of the Kerberos mechanism: always a mechanism name
 * holding one principal. Made by `Name.hostbased` (GSS_C_NT_HOSTBASED_SERVICE), `Name.user`,
 * `Name.import` (gss_import_name) and the other factories; compared with `equals`
 * (gss_compare_name).
 */
export class Name {
  /** The Kerberos principal this name stands for (realm '' means "the referral realm"). */
  readonly principal: Principal;
  /** For host-based names, the service and host as given (MIT keeps them for the acceptor). */
  readonly service: string | undefined;
  /**
   * For host-based names, the host as the caller wrote it (the principal holds it canonicalized).
   */
  readonly host: string | undefined;

  private constructor(principal: Principal, service?: string, host?: string) {
    this.principal = principal;
    this.service = service;
    this.host = host;
  }

  /**
   * GSS_C_NT_HOSTBASED_SERVICE "service@host", or "service" for the local host, as MIT's
   * import_name and krb5_sname_to_principal with dns_canonicalize_hostname=false: the host is
   * lowercased, a trailing dot dropped, a one-label host qualified with qualify_shortname, and
   * the realm taken from [domain_realm] (empty, the referral realm, when nothing matches).
   */
  static hostbased(text: string): Name {
    const at = text.indexOf('@');
    const service = at < 0 ? text : text.slice(0, at);
    const hostGiven = at < 0 || at === text.length - 1 ? undefined : text.slice(at + 1);
    const host = canonicalHost(hostGiven ?? hostname());
    // split_trailer: a ":port" or ":instance" suffix survives canonicalization untouched.
    const realm = hostRealm(stripTrailer(host));
    const principal: Principal = Object.freeze({
      nameType: NT_SRV_HST,
      components: Object.freeze([service, host]),
      realm,
    });
    return new Name(principal, service, hostGiven);
  }

  /** GSS_KRB5_NT_PRINCIPAL_NAME "a/b@REALM" (the default realm when none is given). */
  static principal(text: string): Name {
    return new Name(parseName(text));
  }

  /**
   * GSS_KRB5_NT_ENTERPRISE_NAME (RFC 6806 5): "user@suffix" as one NT-ENTERPRISE component in the
   * default realm, e.g. an Active Directory UPN; the KDC resolves it to the account.
   */
  static enterprise(text: string): Name {
    try {
      return new Name(parseEnterprisePrincipal(text, localDefaultRealm()));
    } catch (e) {
      if (e instanceof GssError) throw new GssError(GSS_S_FAILURE, e.minor, e.message, { cause: e });
      throw e;
    }
  }

  /** GSS_C_NT_USER_NAME: parsed as a principal name, as MIT does. */
  static user(text: string): Name {
    return new Name(parseName(text));
  }

  /** A name for a principal we already hold (ticket client, keytab entry). */
  static fromPrincipal(principal: Principal): Name {
    return new Name(principal);
  }

  /**
   * gss_import_name: the name as bytes (or text) with a name-type OID in dotted form. The
   * exported-name type follows MIT's mechglue and krb5 checks, with their major codes.
   */
  static import(name: Uint8Array | string, nameType: string = GSS_KRB5_NT_PRINCIPAL_NAME): Name {
    const bytes = typeof name === 'string' ? utf8(name) : name;
    // MIT's mechglue (val_imp_name_args): an empty buffer is BAD_NAME for every type but anonymous.
    if (bytes.length === 0 && nameType !== GSS_C_NT_ANONYMOUS)
      throw new GssError(GSS_S_BAD_NAME, 0, 'empty name');
    switch (nameType) {
      case GSS_C_NT_HOSTBASED_SERVICE:
      case GSS_C_NT_HOSTBASED_SERVICE_X:
        return Name.hostbased(fromUtf8(bytes));
      case GSS_KRB5_NT_PRINCIPAL_NAME:
      case GSS_C_NT_USER_NAME:
        return new Name(parseName(fromUtf8(bytes)));
      case GSS_KRB5_NT_ENTERPRISE_NAME:
        return Name.enterprise(fromUtf8(bytes));
      case GSS_C_NT_ANONYMOUS:
        return new Name(
          Object.freeze({
            nameType: 11,
            components: Object.freeze(['WELLKNOWN', 'ANONYMOUS']),
            realm: ANONYMOUS_REALM,
          }),
        );
      case GSS_C_NT_EXPORT_NAME:
        return importExported(bytes);
      default:
        throw new GssError(GSS_S_BAD_NAMETYPE, 0, `unsupported name type ${nameType}`);
    }
  }

  /** gss_display_name: krb5_unparse_name of the principal. */
  toString(): string {
    return unparsePrincipal(this.principal);
  }

  /** The name type gss_display_name reports. */
  get displayType(): string {
    return this.isAnonymous ? GSS_C_NT_ANONYMOUS : GSS_KRB5_NT_PRINCIPAL_NAME;
  }

  /** True for the anonymous principal WELLKNOWN/ANONYMOUS@WELLKNOWN:ANONYMOUS (RFC 8062). */
  get isAnonymous(): boolean {
    const p = this.principal;
    return p.realm === ANONYMOUS_REALM && p.components.length === 2 && p.components[1] === 'ANONYMOUS';
  }

  /** gss_compare_name: krb5_principal_compare (name types ignored, realms compared). */
  equals(other: Name): boolean {
    return principalEquals(this.principal, other.principal);
  }

  /**
   * gss_export_name (RFC 2743 3.2): 04 01, 2-byte length of the DER OID, the DER OID, 4-byte name
   * length, then krb5_unparse_name's text.
   */
  export(): Uint8Array {
    const text = utf8(this.toString());
    const mech = KRB5_MECH_OID_BYTES;
    const out = new Uint8Array(2 + 2 + 2 + mech.length + 4 + text.length);
    const view = new DataView(out.buffer);
    out[0] = 0x04;
    out[1] = 0x01;
    view.setUint16(2, mech.length + 2);
    out[4] = 0x06;
    out[5] = mech.length;
    out.set(mech, 6);
    view.setUint32(6 + mech.length, text.length);
    out.set(text, 10 + mech.length);
    return out;
  }
}

/** krb5_parse_name failures are GSS_S_FAILURE in MIT's import_name, not BAD_NAME. */
function parseName(text: string): Principal {
  try {
    return parseKrb5Name(text);
  } catch (e) {
    if (e instanceof GssError) throw new GssError(GSS_S_FAILURE, e.minor, e.message, { cause: e });
    throw e;
  }
}

/**
 * krb5_parse_name: as parsePrincipal, but a name ending in an unescaped '@' has the empty realm
 * (MIT's unparse of a referral-realm name, e.g. "svc/otherhost@").
 */
function parseKrb5Name(text: string): Principal {
  if (text.length > 1 && text.endsWith('@') && !hasUnescapedAt(text.slice(0, -1))) {
    const p = parsePrincipal(text.slice(0, -1), 'X', NT_PRINCIPAL);
    return Object.freeze({ nameType: p.nameType, components: p.components, realm: '' });
  }
  return parsePrincipal(text, localDefaultRealm(), NT_PRINCIPAL);
}

function hasUnescapedAt(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '@') return true;
  }
  return false;
}

/** sn2princ.c expand_hostname without DNS. */
function canonicalHost(host: string): string {
  let h = host;
  if (!h.includes('.')) {
    const domain = qualifyShortname();
    if (domain) h = `${h}.${domain}`;
  }
  h = h.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function stripTrailer(host: string): string {
  const i = host.indexOf(':');
  if (i < 0 || i === host.length - 1 || host.indexOf(':', i + 1) >= 0) return host;
  return host.slice(0, i);
}

/**
 * RFC 2743 3.2 exported name, checked as MIT 1.20 does: the mechglue's framing checks give
 * DEFECTIVE_TOKEN (BAD_MECH for a well-formed other mechanism), the krb5 mechanism's own checks
 * BAD_NAME, a malformed principal text FAILURE with the krb5_parse_name code.
 */
function importExported(bytes: Uint8Array): Name {
  const defective = (what: string) => new GssError(GSS_S_DEFECTIVE_TOKEN, 0, `bad exported name: ${what}`);
  const r = new Reader(bytes, defective);
  if (bytes.length < 4) throw defective('too short');
  if (r.u8('token id') !== 0x04) throw defective('token id');
  const b2 = r.u8('token id');
  if (b2 !== 0x01 && b2 !== 0x02) throw defective('token id');
  const mechOidLen = r.u16('mech OID length');
  if (bytes.length < 4 + mechOidLen) throw defective('mech OID length');
  if (r.u8('OID tag') !== 0x06) throw defective('OID tag');
  // g_imp_name.c reads the DER length with a budget one byte short (it counts the tag twice):
  // an exported name that ends right after its OID is DEFECTIVE_TOKEN, as in MIT 1.20.
  if (bytes.length - (4 + mechOidLen) < 1) throw defective('mech OID length');
  const oidLen = readDerLength(r);
  if (mechOidLen !== oidLen + 1 + derLengthSize(oidLen)) throw defective('mech OID length');
  const oid = r.bytes(oidLen, 'mech OID');
  if (!oidEqual(oid, KRB5_MECH_OID_BYTES)) {
    oidFromBytes(oid, defective);
    throw new GssError(GSS_S_BAD_MECH, 0, 'exported name of another mechanism');
  }
  // Composite names (04 02) carry authorization data we do not keep: we take the name and skip
  // the attributes.
  const badName = (what: string) => new GssError(GSS_S_BAD_NAME, 0, `bad exported name: ${what}`);
  const k = new Reader(r.rest(), badName);
  const nameLen = k.u32('name length');
  const text = fromUtf8(k.bytes(nameLen, 'name'));
  if (b2 === 0x02) k.bytes(k.u32('attributes length'), 'attributes');
  k.end('trailing bytes');
  try {
    return Name.fromPrincipal(parseKrb5Name(text));
  } catch (e) {
    // MIT 1.20 answers a malformed principal inside an exported name with BAD_NAME.
    if (e instanceof GssError) throw badName(e.message);
    throw e;
  }
}

function readDerLength(r: Reader): number {
  const first = r.u8('OID length');
  if (first < 0x80) return first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) r.fail('OID length');
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + r.u8('OID length');
  return len;
}

function derLengthSize(len: number): number {
  if (len < 0x80) return 1;
  let n = 1;
  for (let v = len; v > 0; v = Math.floor(v / 256)) n++;
  return n;
}
