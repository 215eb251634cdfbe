// The cache-hit fast path: no yargs, MSAL, jose, js-yaml, network or keyring. On a miss it takes the
// identity's lock here, before dist/heavy.cjs loads, so parallel runs wait for one login in light
// processes (src/cache/early-lock.ts). Anything unusual returns undefined and the full path takes
// over (and reports errors properly).
import { quickParse } from '../cli/argv';
import type { Env } from '../cli/env';
import { popApplies, resolveTokenOptions, validateTokenOptions } from '../cli/options';
import { lockBeforeLogin } from '../cache/early-lock';
import { cacheKey, identityFor } from '../cache/key';
import { isFresh, readTokenFile, tokenFilePath } from '../cache/token-file';
import { formatExecCredential, readExecInfo } from '../kube/exec-credential';

export async function tryCacheHit(args: string[], env: Env, now: () => number, stderr: (line: string) => void): Promise<string | undefined> {
  const parsed = quickParse(args);
  if (!parsed) return undefined;
  try {
    const { options } = resolveTokenOptions(parsed.flags, env);
    validateTokenOptions(options);
    if (!options.serverId || popApplies(options)) return undefined;
    const { apiVersion } = readExecInfo(env.KUBERNETES_EXEC_INFO);
    const key = cacheKey(identityFor(options, env));
    let cached = readTokenFile(tokenFilePath(options.cacheDir, key));
    if (!isFresh(cached, now())) {
      const { cacheDir, timeoutMs, loginMethod } = options;
      cached = await lockBeforeLogin(cacheDir, key, { env, timeoutMs, loginMethod, verbosity: parsed.verbosity, stderr, now });
    }
    if (!isFresh(cached, now())) return undefined;
    if (parsed.verbosity >= 5) stderr(`get-token: login=${options.loginMethod} served from cache (key ${key}, expires ${new Date(cached.expiresOn).toISOString()})\n`);
    return formatExecCredential(apiVersion, cached.token, cached.expiresOn);
  } catch {
    return undefined;
  }
}
