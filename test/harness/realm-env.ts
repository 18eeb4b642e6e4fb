/** Points this process (our library) at a test realm's files, and back again afterwards. */
const KEYS = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_KDC_PROFILE', 'KRB5RCACHEDIR'] as const;

/** Sets the realm's KRB5_* variables in process.env; returns the function that restores them. */
export function adoptRealmEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = KEYS.map((k) => [k, process.env[k]] as const);
  for (const k of KEYS) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
