// The cache-hit fast path: no yargs, MSAL, jose, js-yaml, network or keyring. On a miss it takes the
// identity's lock here, before dist/heavy.cjs loads, so parallel runs wait for one login in light
// processes (src/cache/early-lock.ts). Anything unusual returns undefined and the full path takes
// over (and reports errors properly).
import { quickParse } from '../cli/argv';
import type { Env } from '../cli/env';
import { popApplies, resolveTokenOptions, validateTokenOptions } from '../cli/options';
import { lockBeforeLogin } from '../cache/early-lock';
import { cacheKey, identityFor } from '../cache/key';
import { processStartedAt, readTokenFileAt, servable, tokenFilePath } from '../cache/token-file';
import { formatExecCredential, readExecInfo } from '../kube/exec-credential';

/** `beforeLock` runs when the hit misses, before the lock is taken (main.ts installs its signal handlers then). */
export async function tryCacheHit(args: string[], env: Env, now: () => number, stderr: (line: string) => void, beforeLock = () => {}): Promise<string | undefined> {
  const parsed = quickParse(args);
  if (!parsed) return undefined;
  try {
    const { options } = resolveTokenOptions(parsed.flags, env);
    validateTokenOptions(options);
    if (!options.serverId) return undefined;
    const { apiVersion, note } = readExecInfo(env.KUBERNETES_EXEC_INFO);
    const key = cacheKey(identityFor(options, env));
    if (popApplies(options)) {
      if (options.forceRefresh) return undefined;
      // Its own small bundle: node:crypto and the keyring module load only for PoP (see scripts/build.mjs).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { popCacheHit } = require('./pop.cjs') as typeof import('./get-token-pop-hit');
      const credential = await popCacheHit({ options, key, apiVersion, env, now, verbosity: parsed.verbosity, stderr });
      if (credential && note && parsed.verbosity >= 1) stderr(`${note}\n`);
      return credential;
    }
    // --force-refresh: only a token fetched after this run began will do (one a parallel forced run got).
    const since = options.forceRefresh ? processStartedAt() : undefined;
    let cached = servable(readTokenFileAt(tokenFilePath(options.cacheDir, key)), now(), since);
    if (!cached) {
      const { cacheDir, timeoutMs, loginMethod } = options;
      beforeLock();
      cached = await lockBeforeLogin(cacheDir, key, { env, timeoutMs, loginMethod, verbosity: parsed.verbosity, stderr, now, since });
    }
    if (!cached) return undefined;
    if (note && parsed.verbosity >= 1) stderr(`${note}\n`);
    if (parsed.verbosity >= 5) stderr(`get-token: login=${options.loginMethod} served from cache${since ? ' (fetched by a parallel forced run)' : ''} (key ${key}, expires ${new Date(cached.expiresOn).toISOString()})\n`);
    return formatExecCredential(apiVersion, cached.token, cached.expiresOn);
  } catch {
    return undefined;
  }
}
