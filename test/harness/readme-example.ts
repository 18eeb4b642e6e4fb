/**
 * The README's API example as a runnable ES module: the ```ts block that imports 'gssapi-ts',
 * taken as written, followed by checks of what it must have done (the message came back through
 * the exported and imported context; the exporter's handle is dead). Run it where 'gssapi-ts'
 * resolves to the package under test, with a realm's KRB5CCNAME and KRB5_KTNAME.
 */
import { readFileSync } from 'node:fs';

export const README_EXAMPLE_OK = 'README example OK';

export function readmeExampleScript(readmePath = 'README.md'): string {
  const readme = readFileSync(readmePath, 'utf8');
  const block = /```ts\n(import \{[^\n]*\} from 'gssapi-ts';[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error(`${readmePath} has no ts example importing gssapi-ts`);
  return `${block[1]}
if (new TextDecoder().decode(message) !== 'hello' || confidential !== true || supplementary !== 0) {
  throw new Error('unexpected unwrap result');
}
try { server.wrap(new Uint8Array(1)); throw new Error('exported handle still usable'); }
catch (e) { if (e.code !== 'GSS_S_NO_CONTEXT') throw e; }
console.log(${JSON.stringify(README_EXAMPLE_OK)});
`;
}
