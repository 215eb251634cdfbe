// The cache-hit fast path: no yargs, MSAL, jose, js-yaml, network or keyring. On a miss it waits for
// the identity's lock here, before dist/heavy.cjs loads, so parallel runs wait for one login in light
// processes (src/cache/early-lock.ts), and returns a Handover that main.ts passes to the full path:
// the run's one deadline, the parsed flags and how the wait ended. Anything unusual is a plain miss
// and the full path takes over (and reports errors properly).
import { lightParse, type LightArgs } from '../cli/argv';
import type { Env } from '../cli/env';
import { tokenFlag } from '../cli/flags';
import { popApplies, resolveTokenOptions, validateTokenOptions } from '../cli/options';
import { waitForIdentityLock, type LockHandover } from '../cache/early-lock';
import { cacheFolderReady, prepareCacheFolder } from '../cache/folder';
import { fileStamp, indexedCacheDir, invocationOf, rememberHit, type IndexedHit } from '../cache/hit-index';
import { cacheKey, identityFor } from '../cache/key';
import { processStartedAt, readTokenEntry, servable, type CachedToken } from '../cache/token-file';
import { formatExecCredential, readExecInfo } from '../kube/exec-credential';
import { parsePopClaims } from '../login/pop';
import { modeFor } from '../login/select';
import { createLogger } from '../platform/log';

/** What the light bundle hands the full path: an explicit value, never process-global state. */
export interface Handover {
  /** When this process started its run (epoch ms): the deadline is this + --timeout. */
  startedAt: number;
  /** get-token's flags as the light parser read them, so a miss need not load yargs. */
  quick?: LightArgs;
  /** How the light bundle's wait for the identity's lock ended, when it waited. */
  lock?: LockHandover;
}

export type HitResult = { hit: string } | { handover: Handover };

/** `beforeLock` runs when the hit misses, before the lock is taken (main.ts installs its signal handlers then). */
export async function lightGetToken(
  args: string[],
  env: Env,
  startedAt: number,
  now: () => number,
  stderr: (line: string) => void,
  beforeLock = () => {},
): Promise<HitResult> {
  const parsed = lightParse(args);
  const miss: HitResult = { handover: { startedAt, quick: parsed } };
  if (!parsed) return miss;
  try {
    const { options } = resolveTokenOptions(parsed.flags, env);
    validateTokenOptions(options);
    if (!options.serverId) return miss;
    const { apiVersion, note } = readExecInfo(env.KUBERNETES_EXEC_INFO);
    // Stamped before the identity reads them: a file changed in between fails the next stamp check.
    const files = modeFor(options.loginMethod).identityFiles?.(env).map((file): [string, string] => [file, fileStamp(file)]);
    const key = cacheKey(identityFor(options, env));
    // After this run served a token itself: the next identical invocation is answered by bin/kubelogin's
    // fast hit. Only a plain, quiet run goes in (no -v lines, no exec-info note, no forced refresh), with
    // no secret among its flags.
    const index = (hit: IndexedHit) => {
      if (parsed.verbosity > 0 || note || options.forceRefresh || parsed.flags.some(([name]) => tokenFlag(name)?.secret)) return;
      if (indexedCacheDir(args, env) !== options.cacheDir) return;
      try {
        rememberHit(options.cacheDir, invocationOf(args, env), files ? { ...hit, files } : hit);
      } catch {
        // best effort: a read-only or full disk costs the next run its fast hit, nothing else
      }
    };
    if (popApplies(options)) {
      if (options.forceRefresh) return miss;
      // Its own small bundle: node:crypto and the keyring module load only for PoP (see scripts/build.mjs).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { popCacheHit } = require('./pop.cjs') as typeof import('./get-token-pop-hit');
      const { cacheDir, loginMethod } = options;
      const { verbosity } = parsed;
      const { u } = parsePopClaims(options.popClaims);
      const credential = await popCacheHit({ cacheDir, u, loginMethod, key, apiVersion, env, now, verbosity, stderr });
      if (!credential) return miss;
      if (note && parsed.verbosity >= 1) stderr(`${note}\n`);
      index({ key, apiVersion, popU: u });
      return { hit: credential };
    }
    // --force-refresh: only a token fetched after this run began will do (one a parallel forced run got).
    const since = options.forceRefresh ? processStartedAt() : undefined;
    // A folder not yet prepared (or one kubelogin must not use) is a miss; the full path says why.
    const folderReady = cacheFolderReady(options.cacheDir, env);
    let cached: CachedToken | undefined = folderReady ? servable(readTokenEntry(options.cacheDir, key), now(), since) : undefined;
    if (!cached) {
      if (!folderReady && !prepareCacheFolder(options.cacheDir, env).ok) return miss;
      beforeLock();
      const log = createLogger(parsed.verbosity, stderr);
      const deadline = startedAt + options.timeoutMs;
      const waited = await waitForIdentityLock(options.cacheDir, key, { env, deadline, loginMethod: options.loginMethod, log, now, since });
      if (waited.state !== 'ready') return { handover: { startedAt, quick: parsed, lock: waited } };
      if (!waited.token) return miss;
      cached = waited.token;
    }
    if (note && parsed.verbosity >= 1) stderr(`${note}\n`);
    if (parsed.verbosity >= 5) stderr(`get-token: login=${options.loginMethod} served from cache${since ? ' (fetched by a parallel forced run)' : ''} (key ${key}, expires ${new Date(cached.expiresOn).toISOString()})\n`);
    index({ key, apiVersion });
    return { hit: formatExecCredential(apiVersion, cached.token, cached.expiresOn) };
  } catch {
    return miss;
  }
}
