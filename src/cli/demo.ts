import { GSS_S_NO_CONTEXT, GssError } from '../gssapi/status.js';

/** `gss demo`: the seed's scenario. Until the mechanism lands it shows what exists. */
export async function demo(_args: string[]): Promise<number> {
  const e = new GssError(GSS_S_NO_CONTEXT);
  process.stdout.write(
    [
      'gssapi-ts demo',
      '',
      'The end-to-end scenario (embedded KDC, context export to worker processes) is not built yet.',
      `Status model in place: a context used after export fails with ${e.code} (0x${e.major.toString(16).padStart(8, '0')}).`,
      '',
    ].join('\n'),
  );
  return 0;
}
