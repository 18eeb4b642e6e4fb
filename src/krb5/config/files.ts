/**
 * File helpers shared by the keytab, ccache and krb5.conf code: MIT's path tokens (%{uid}, ...)
 * and atomic writes (temp file with mode 0600 in the same directory, then rename).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';

function uid(): string {
  return String(process.getuid?.() ?? 0);
}

/** The tokens of MIT's k5_expand_path_tokens (os/expand_path.c) that mean something here. */
const TOKENS: Record<string, (env: NodeJS.ProcessEnv) => string> = {
  uid,
  USERID: uid,
  euid: () => String(process.geteuid?.() ?? 0),
  username: () => userInfo().username,
  TEMP: (env) => env.TMPDIR ?? '/tmp',
  null: () => '',
};

/** Expands `%{token}` as MIT does; an unknown token or a missing `}` is an error (EINVAL in MIT). */
export function expandPathTokens(path: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = '';
  let rest = path;
  for (;;) {
    const begin = rest.indexOf('%{');
    if (begin < 0) return out + rest;
    out += rest.slice(0, begin);
    const end = rest.indexOf('}', begin);
    if (end < 0) throw new GssError(GSS_S_FAILURE, 22, `path '${path}': variable missing }`);
    const name = rest.slice(begin + 2, end);
    const expand = Object.hasOwn(TOKENS, name) ? TOKENS[name] : undefined;
    if (!expand) throw new GssError(GSS_S_FAILURE, 22, `path '${path}': unknown token %{${name}}`);
    out += expand(env);
    rest = rest.slice(end + 1);
  }
}

/**
 * Writes `bytes` to `path` atomically: a temp file created with mode 0600 next to it, flushed to
 * disk, then renamed over `path`, so readers see the old file or the new one, never a part.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(bytes);
    await fh.chmod(mode);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** A Node I/O error as a GssError whose minor code is the errno value, as MIT reports it. */
export function ioError(e: unknown, what: string, major = GSS_S_FAILURE): GssError {
  if (e instanceof GssError) return e;
  const err = e as NodeJS.ErrnoException;
  const errno = typeof err?.errno === 'number' ? Math.abs(err.errno) : 0;
  return new GssError(major, errno, `${what}: ${err?.code ?? ''} ${err?.message ?? String(e)}`.trim(), {
    cause: e,
  });
}
