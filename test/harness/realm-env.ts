/** Points this process (our library) at a test realm's files, and back again afterwards. */
const KEYS = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_KDC_PROFILE', 'KRB5RCACHEDIR'] as const;

/** Every variable a test may change: the realm's, plus those tests set for one case. */
const ALL_KEYS = [...KEYS, 'KRB5_CLIENT_KTNAME', 'KRB5RCACHETYPE', 'KRB5RCACHENAME', 'KRB5_TRACE'];

/** Saves the KRB5_* variables of process.env; returns the function that puts them back. */
export function preserveEnv(): () => void {
  const saved = ALL_KEYS.map((k) => [k, process.env[k]] as const);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Sets the realm's KRB5_* variables in process.env; returns the function that restores them. */
export function adoptRealmEnv(env: NodeJS.ProcessEnv): () => void {
  const restore = preserveEnv();
  for (const k of KEYS) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  return restore;
}
