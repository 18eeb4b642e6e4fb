/**
 * Kerberos principal names (RFC 4120 5.2.2 PrincipalName plus realm) and their string form as
 * MIT's krb5_parse_name / krb5_unparse_name write it: components joined by '/', then '@REALM';
 * '\' escapes '/', '@', '\' and the control characters \n \t \b \0.
 */

import { MINOR } from '../errors/minor.js';
import { GSS_S_BAD_NAME, GssError } from '../errors/status.js';

/** RFC 4120 6.2 name types. */
export const NT_UNKNOWN = 0;
export const NT_PRINCIPAL = 1;
export const NT_SRV_INST = 2;
export const NT_SRV_HST = 3;
export const NT_SRV_XHST = 4;
export const NT_UID = 5;
export const NT_X500_PRINCIPAL = 6;
export const NT_SMTP_NAME = 7;
export const NT_ENTERPRISE = 10;
export const NT_WELLKNOWN = 11;

export interface Principal {
  readonly nameType: number;
  readonly components: readonly string[];
  readonly realm: string;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', b: '\b', '0': '\0' };

/**
 * Parses `a/b@REALM`. Without a realm, `defaultRealm` is used (an error when it is undefined too).
 * The name type defaults to NT_PRINCIPAL, as MIT's krb5_parse_name sets it.
 */
export function parsePrincipal(text: string, defaultRealm?: string, nameType = NT_PRINCIPAL): Principal {
  const components: string[] = [];
  let cur = '';
  let realm: string | undefined;
  let inRealm = false;
  for (let i = 0; i < text.length; i++) {
    let c = text[i];
    if (c === '\\') {
      i++;
      if (i >= text.length) throw badName(text, 'trailing backslash');
      c = ESCAPES[text[i]] ?? text[i];
      cur += c;
      continue;
    }
    if (!inRealm && c === '/') {
      components.push(cur);
      cur = '';
    } else if (!inRealm && c === '@') {
      components.push(cur);
      cur = '';
      inRealm = true;
    } else if (inRealm && (c === '@' || c === '/')) {
      throw badName(text, `unescaped '${c}' in realm`);
    } else {
      cur += c;
    }
  }
  if (inRealm) realm = cur;
  else components.push(cur);
  if (components.length === 0 || components.some((p, i) => p === '' && components.length === 1 && i === 0)) {
    throw badName(text, 'empty name');
  }
  realm ??= defaultRealm;
  if (realm === undefined || realm === '') throw badName(text, 'no realm');
  return Object.freeze({ nameType, components: Object.freeze(components), realm });
}

/**
 * An enterprise name (RFC 6806 5, MIT krb5_parse_name_flags with KRB5_PRINCIPAL_PARSE_ENTERPRISE):
 * the text up to a second unescaped `@` is one component, `user@suffix`; the realm is what follows
 * that second `@`, else `defaultRealm`.
 */
export function parseEnterprisePrincipal(text: string, defaultRealm?: string): Principal {
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '@') {
      first = i;
      break;
    }
  }
  const escaped = first < 0 ? text : `${text.slice(0, first)}\\@${text.slice(first + 1)}`;
  const p = parsePrincipal(escaped, defaultRealm, NT_ENTERPRISE);
  if (p.components.length !== 1) throw badName(text, 'an enterprise name has one component');
  return p;
}

function escapeComponent(s: string, inRealm: boolean): string {
  let out = '';
  for (const c of s) {
    if (c === '\\' || c === '@' || (!inRealm && c === '/')) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\0') out += '\\0';
    else out += c;
  }
  return out;
}

/** The MIT string form, `a/b@REALM`. */
export function unparsePrincipal(p: Principal, opts: { noRealm?: boolean } = {}): string {
  const name = p.components.map((c) => escapeComponent(c, false)).join('/');
  return opts.noRealm ? name : `${name}@${escapeComponent(p.realm, true)}`;
}

/** Equal names and realms; name types are ignored, as krb5_principal_compare ignores them. */
export function principalEquals(a: Principal, b: Principal): boolean {
  return (
    a.realm === b.realm &&
    a.components.length === b.components.length &&
    a.components.every((c, i) => c === b.components[i])
  );
}

function badName(text: string, why: string): GssError {
  return new GssError(
    GSS_S_BAD_NAME,
    MINOR.KRB5_PARSE_MALFORMED ?? 0,
    `malformed principal name '${text}': ${why}`,
  );
}
