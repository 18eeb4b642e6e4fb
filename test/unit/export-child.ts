/**
 * The importing process of the cross-process export tests (run with `node --import tsx`). It
 * reads JSON lines on stdin and answers one JSON line each on stdout; bytes are hex. The first
 * line is {"token", "key"?}: the interprocess token, imported through the RFC 2744 facade.
 * Then: wrap, unwrap, getmic, verifymic, inquire, import-again, delete.
 */
import { createInterface } from 'node:readline';
import {
  type Box,
  GSS_C_QOP_DEFAULT,
  GSS_ERROR,
  type GssCtxId,
  type GssName,
  gss_delete_sec_context,
  gss_display_name,
  gss_get_mic,
  gss_import_sec_context,
  gss_inquire_context,
  gss_unwrap,
  gss_verify_mic,
  gss_wrap,
  gssBuffer,
  gssEmptyBuffer,
} from '../../src/gssapi/rfc2744/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

type Req = Record<string, string | boolean | undefined>;

const handle: Box<GssCtxId> = { value: null };
let token: Uint8Array = new Uint8Array(0);
let key: Uint8Array | undefined;

function nameText(n: GssName): string {
  const minor = { value: 0 };
  const buf = gssEmptyBuffer();
  gss_display_name(minor, n, buf, null);
  return new TextDecoder().decode(buf.value);
}

function status(
  major: number,
  minor: Box<number>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { major, minor: minor.value, ...extra };
}

function handleReq(req: Req): Record<string, unknown> {
  const minor = { value: 0 };
  const ctx = handle.value;
  switch (req.op) {
    case 'import': {
      token = fromHex(String(req.token));
      key = req.key ? fromHex(String(req.key)) : undefined;
      const major = gss_import_sec_context(minor, gssBuffer(token), handle, { key });
      return status(major, minor, { pid: process.pid, isNull: handle.value === null });
    }
    case 'import-again': {
      const again: Box<GssCtxId> = { value: null };
      const major = gss_import_sec_context(minor, gssBuffer(token), again, { key });
      return status(major, minor, { isNull: again.value === null });
    }
    case 'wrap': {
      const out = gssEmptyBuffer();
      const conf = { value: 0 };
      const major = gss_wrap(
        minor,
        ctx,
        req.conf !== false,
        GSS_C_QOP_DEFAULT,
        gssBuffer(fromHex(String(req.msg))),
        conf,
        out,
      );
      return status(major, minor, { token: toHex(out.value) });
    }
    case 'unwrap': {
      const out = gssEmptyBuffer();
      const conf = { value: 0 };
      const major = gss_unwrap(minor, ctx, gssBuffer(fromHex(String(req.token))), out, conf, null);
      return status(major, minor, { msg: GSS_ERROR(major) ? '' : toHex(out.value), conf: conf.value });
    }
    case 'getmic': {
      const out = gssEmptyBuffer();
      const major = gss_get_mic(minor, ctx, GSS_C_QOP_DEFAULT, gssBuffer(fromHex(String(req.msg))), out);
      return status(major, minor, { token: toHex(out.value) });
    }
    case 'verifymic': {
      const major = gss_verify_mic(
        minor,
        ctx,
        gssBuffer(fromHex(String(req.msg))),
        gssBuffer(fromHex(String(req.mic))),
      );
      return status(major, minor);
    }
    case 'inquire': {
      const src: Box<GssName> = { value: null };
      const targ: Box<GssName> = { value: null };
      const lifetime = { value: 0 };
      const flags = { value: 0 };
      const local = { value: 0 };
      const open = { value: 0 };
      const major = gss_inquire_context(minor, ctx, src, targ, lifetime, null, flags, local, open);
      return status(major, minor, {
        initiator: nameText(src.value),
        acceptor: nameText(targ.value),
        lifetime: lifetime.value,
        flags: flags.value,
        locallyInitiated: local.value,
        open: open.value,
      });
    }
    case 'delete':
      return status(gss_delete_sec_context(minor, handle, null), minor);
    default:
      return { error: `unknown op ${String(req.op)}` };
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let answer: Record<string, unknown>;
  try {
    answer = handleReq(JSON.parse(line) as Req);
  } catch (e) {
    // Anything thrown here is a defect of the facade: it must return statuses.
    answer = { escaped: String(e) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
});
