/**
 * The realms a client crosses to reach a service in another realm (RFC 4120 1.2, 3.3.1), as MIT's
 * k5_client_realm_path computes them: `[capaths] CLIENT = { SERVER = X }` when krb5.conf has it
 * (the intermediate realms in order; `.` means direct), else the hierarchy of the realm names:
 * up from the client's realm to the longest common dot-suffix, then down to the server's.
 */

/** The path, client realm first and server realm last. */
export function realmPath(
  client: string,
  server: string,
  capaths: (client: string, server: string) => readonly string[],
): string[] {
  if (client === server) return [client];
  const configured = capaths(client, server);
  if (configured.length > 0) {
    const between = configured.flatMap((v) => v.split(/\s+/)).filter((r) => r !== '' && r !== '.');
    return [client, ...between, server];
  }
  return hierarchicalPath(client, server);
}

/** A.B.C to D.B.C: A.B.C, B.C, D.B.C (MIT's hierarchical walk, one realm per label). */
function hierarchicalPath(client: string, server: string): string[] {
  const c = client.split('.');
  const s = server.split('.');
  let common = 0;
  while (common < c.length && common < s.length && c[c.length - 1 - common] === s[s.length - 1 - common])
    common++;
  // With no common suffix MIT goes straight from the client realm to the server realm.
  if (common === 0) return [client, server];
  const up: string[] = [];
  for (let i = 0; i <= c.length - common; i++) up.push(c.slice(i).join('.'));
  const down: string[] = [];
  for (let i = s.length - common - 1; i >= 0; i--) down.push(s.slice(i).join('.'));
  return [...up, ...down];
}
