// The fast hit: bin/kubelogin's own first code (src/bin.ts), before any other bundle loads. When the hit
// index (src/cache/hit-index.ts) knows this exact invocation and the folder passes the light path's
// check, it reads the identity's token file and answers; a PoP identity signs a fresh PoP token with
// dist/pop.cjs. Anything else (no entry, a token no longer servable, an encrypted PoP entry, any
// error) leaves the run to the light path, which answers the same bytes the slow way.
import type { Env } from '../cli/env';
import { cacheFolderReady } from '../cache/folder';
import { filesUnchanged, indexedCacheDir, invocationOf, lookupHit, type IndexedHit } from '../cache/hit-index';
import { readFreshTokenFast } from '../cache/token-file';
import { formatExecCredential } from '../kube/exec-credential';

export interface FastHit {
  cacheDir: string;
  hit: IndexedHit;
}

/** This run's index entry, when the run is a get-token the index knows and the cache folder is fit to read. */
export function findIndexedHit(argv: readonly string[], env: Env): FastHit | undefined {
  if (argv[0] !== 'get-token') return undefined;
  const args = argv.slice(1);
  const cacheDir = indexedCacheDir(args, env);
  if (cacheDir === undefined || !cacheFolderReady(cacheDir, env)) return undefined;
  const hit = lookupHit(cacheDir, invocationOf(args, env));
  return hit && filesUnchanged(hit) ? { cacheDir, hit } : undefined;
}

/** The ExecCredential of a plain (not PoP) entry, or undefined when its token is not servable now. */
export function plainCredential({ cacheDir, hit }: FastHit, now: number): string | undefined {
  const entry = readFreshTokenFast(cacheDir, hit.key, now);
  return entry && formatExecCredential(hit.apiVersion, entry.token, entry.expiresOn);
}
