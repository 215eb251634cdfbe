// One identity's cache as the miss path sees it: the access-token file (read with repair and one
// warning for damage; written strictly: atomic, 0600, in a 0700 folder), the lock, and MSAL's
// persistent cache. Reads are best effort and writes never fail the run: a kubectl command with a
// token beats one that stops because the cache folder is read-only or full.
import type { ICachePlugin } from '@azure/msal-node';
import { join } from 'node:path';
import type { Env } from '../cli/env';
import { removeOrphans, writeFileAtomic } from '../platform/files';
import type { Logger } from '../platform/log';
import { waitForIdentityLock, type WaitOutcome } from './early-lock';
import { cacheFolderGate, TOOL_SUBFOLDERS } from './folder';
import { msalCachePlugin } from './msal-plugin';
import { cacheReport } from './report';
import { readToken, servable, tokenFilePath, type CachedToken, type TokenFileEntry } from './token-file';

/** Leftover temp files of killed writers are removed once this old (no live writer takes that long). */
const ORPHAN_AGE_MS = 10 * 60_000;

export interface TokenStore {
  readonly tokenFile: string;
  /** The cached token if it is fresh. A damaged or refused file is a miss, reported once. */
  fresh(): CachedToken | undefined;
  /** Waits for this identity's lock (or for another run to fill the cache) until `deadline`; see early-lock.ts. */
  lock(deadline: number, loginMethod: string): Promise<WaitOutcome>;
  /** MSAL's persistent cache for this identity; undefined when the folder may not be used. */
  msalPlugin(): Promise<ICachePlugin | undefined>;
  /** Whether this run may use the cache folder at all (src/cache/folder.ts); said once when not. */
  usable(): boolean;
  /** Saves the token; reports a failure once and carries on. */
  save(entry: TokenFileEntry): void;
}

export interface StoreDeps {
  log: Logger;
  env: Env;
  now: () => number;
  /** --force-refresh: serve only a token written at or after this moment (epoch ms), never an older one. */
  since?: number;
  /** The MSAL cache's key (src/cache/key.ts signInKey); default: the identity's own key. */
  signInKey?: string;
}

export function openTokenStore(cacheDir: string, key: string, deps: StoreDeps): TokenStore {
  const { log, env, now } = deps;
  const signInKey = deps.signInKey ?? key;
  const tokenFile = tokenFilePath(cacheDir, key);
  const report = cacheReport(log);
  const usable = cacheFolderGate(cacheDir, env, report);

  return {
    tokenFile,
    usable,
    fresh() {
      if (!usable()) return undefined;
      const read = readToken(tokenFile, { tighten: true });
      if (read.kind === 'absent') return undefined;
      if (read.kind === 'refused') return void report.problem(`not using the token cache: ${read.reason}`);
      if (read.kind === 'damaged') {
        return void report.problem(`the token cache file ${tokenFile} is damaged or of an unknown version; ignoring it (it will be replaced)`);
      }
      // Written for another identity (copied or planted under this name): never served, replaced on save.
      if (read.entry.id !== key) return void log.v(1, `cache: ${tokenFile} was written for another identity; ignoring it`);
      return servable(read, now(), deps.since);
    },
    lock(deadline, loginMethod) {
      if (!usable()) return Promise.resolve({ state: 'failed-open' });
      return waitForIdentityLock(cacheDir, key, { env, deadline, loginMethod, log, now, since: deps.since });
    },
    msalPlugin() {
      return Promise.resolve(usable() ? msalCachePlugin(cacheDir, signInKey, { log, env, report }) : undefined);
    },
    save(entry) {
      if (!usable()) return;
      try {
        writeFileAtomic(tokenFile, JSON.stringify(entry));
      } catch (err) {
        report.problem(`could not save the token cache in ${cacheDir}: ${(err as Error).message}; continuing without caching`);
        return;
      }
      for (const dir of TOOL_SUBFOLDERS) removeOrphans(join(cacheDir, dir), ORPHAN_AGE_MS, now());
    },
  };
}


