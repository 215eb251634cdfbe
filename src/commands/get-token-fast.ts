// The fast hit: bin/kubelogin's own first code (src/bin.ts), before any other bundle loads. When the hit
// index (src/cache/hit-index.ts) knows this exact invocation and the folder passes the light path's
// check, it reads the identity's token file and answers; a PoP identity's plain entry signs a fresh PoP
// token here (node:crypto is loaded for that alone). Anything else (no entry, a token no longer
// servable, a sealed PoP entry, which needs the keyring, any error) leaves the run to dist/start.cjs,
// which answers the same bytes the slow way.
import type { Env } from '../cli/env';
import { cacheFolderReady } from '../cache/folder';
import { filesUnchanged, indexedCacheDir, invocationOf, lookupHit, type IndexedHit } from '../cache/hit-index';
import { MAX_POP_FILE_BYTES, plainPopEntry, popFilePath, type PopEntry } from '../cache/pop-entry';
import { isFresh, readFreshTokenFast } from '../cache/token-file';
import { formatExecCredential } from '../kube/exec-credential';
import { popKid, signPopToken } from '../login/pop-token';
import { readSmallPrivateText } from '../platform/files';

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

/** The ExecCredential of a plain PoP entry: a fresh PoP token signed with its cached key. */
export function popCredential({ cacheDir, hit }: FastHit, u: string, now: number): string | undefined {
  const read = readSmallPrivateText(popFilePath(cacheDir, hit.key), MAX_POP_FILE_BYTES);
  const entry = read && plainPopEntry(read.text, hit.key);
  return entry && isFresh(entry, now) ? signedPopCredential(entry, u, hit.apiVersion, now) : undefined;
}

/** A PoP token for the cluster `u`, signed now with the entry's key, as an ExecCredential. */
export function signedPopCredential(entry: PopEntry, u: string, apiVersion: string, now: number): string {
  const kid = entry.kid ?? popKid(entry.key);
  return formatExecCredential(apiVersion, signPopToken(entry.key, entry.token, u, now, kid), entry.expiresOn);
}
