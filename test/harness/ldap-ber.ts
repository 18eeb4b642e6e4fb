/**
 * Just enough LDAP (RFC 4511) BER for a SASL bind and the "Who am I?" extended operation
 * (RFC 4532) in tests: definite lengths, the few tags these messages use.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, content: Uint8Array | number[]): Uint8Array {
  const body = content instanceof Uint8Array ? [...content] : content;
  return new Uint8Array([tag, ...length(body.length), ...body]);
}

const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const int = (n: number): Uint8Array => tlv(0x02, n < 0x80 ? [n] : [n >> 8, n & 0xff]);
const str = (s: string | Uint8Array, tag = 0x04): Uint8Array =>
  tlv(tag, typeof s === 'string' ? enc.encode(s) : s);

/** LDAPMessage { messageID, BindRequest { 3, "", sasl { mechanism, credentials? } } }. */
export function saslBindRequest(id: number, mechanism: string, credentials?: Uint8Array): Uint8Array {
  const sasl = tlv(0xa3, cat(str(mechanism), ...(credentials ? [str(credentials)] : [])));
  return tlv(0x30, cat(int(id), tlv(0x60, cat(int(3), str(''), sasl))));
}

/** LDAPMessage { messageID, ExtendedRequest { requestName 1.3.6.1.4.1.4203.1.11.3 } }. */
export function whoAmIRequest(id: number): Uint8Array {
  return tlv(0x30, cat(int(id), tlv(0x77, str('1.3.6.1.4.1.4203.1.11.3', 0x80))));
}

interface Tlv {
  tag: number;
  value: Uint8Array;
  end: number;
}

function readTlv(b: Uint8Array, off: number): Tlv | undefined {
  if (off + 2 > b.length) return undefined;
  const tag = b[off];
  let len = b[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (p + n > b.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  if (p + len > b.length) return undefined;
  return { tag, value: b.subarray(p, p + len), end: p + len };
}

export interface LdapResult {
  messageId: number;
  /** The protocolOp tag: 0x61 BindResponse, 0x78 ExtendedResponse. */
  op: number;
  resultCode: number;
  diagnosticMessage: string;
  /** serverSaslCreds [7] of a BindResponse, responseValue [11] of an ExtendedResponse. */
  value: Uint8Array | undefined;
}

/** Splits whole LDAPMessages off `buf`; returns them and the bytes left over. */
export function readMessages(buf: Uint8Array): { messages: LdapResult[]; rest: Uint8Array } {
  const messages: LdapResult[] = [];
  let off = 0;
  for (;;) {
    const msg = readTlv(buf, off);
    if (!msg) break;
    off = msg.end;
    const id = readTlv(msg.value, 0);
    const op = id && readTlv(msg.value, id.end);
    if (!id || !op) throw new Error('malformed LDAPMessage');
    const code = readTlv(op.value, 0);
    const matched = code && readTlv(op.value, code.end);
    const diag = matched && readTlv(op.value, matched.end);
    if (!code || !diag) throw new Error('malformed LDAPResult');
    let value: Uint8Array | undefined;
    for (let p = diag.end; p < op.value.length; ) {
      const t = readTlv(op.value, p);
      if (!t) break;
      if (t.tag === 0x87 || t.tag === 0x8b) value = t.value;
      p = t.end;
    }
    messages.push({
      messageId: id.value.reduce((a, x) => a * 256 + x, 0),
      op: op.tag,
      resultCode: code.value[0],
      diagnosticMessage: dec.decode(diag.value),
      value,
    });
  }
  return { messages, rest: buf.subarray(off) };
}
