/** Accepts each AP-REQ once, `concurrency` accepts in flight at a time; the number accepted. */
import { SecurityContext } from '../src/gssapi/context/context.js';
import type { Credentials } from '../src/gssapi/creds/creds.js';

export async function acceptAll(
  tokens: readonly Uint8Array[],
  credentials: Credentials,
  concurrency: number,
): Promise<number> {
  let next = 0;
  let accepted = 0;
  const lane = async () => {
    while (next < tokens.length) {
      const t = tokens[next++];
      const acc = SecurityContext.accept({ credentials });
      await acc.step(t);
      acc.delete();
      accepted++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, lane));
  return accepted;
}
