// One identity's PoP cache as the miss path sees it: the sealed key + access token entry
// (./pop-entry.ts), the identity's lock, and MSAL's cache sharing one keyring read. Like the token
// store, reads are best effort (a damaged, foreign or undecryptable entry is one warning and a new
// key) and writes never fail the run.
import type { ICachePlugin } from '@azure/msal-node';
import { statSync } from 'node:fs';
import type { Env } from '../cli/env';
import { popKeySigns } from '../login/pop-token';
import { writeFileAtomic } from '../platform/files';
import type { Logger } from '../platform/log';
import { loadEncryptionKey } from './keyring';
import { waitForIdentityLock, type WaitOutcome } from './early-lock';
import { cacheFolderGate } from './folder';
import { msalCachePlugin } from './msal-plugin';
import { popFilePath, readPopEntry, sealPopEntry, type PopEntry } from './pop-entry';
import { cacheReport } from './report';
import { servable } from './token-file';

export interface PopStore {
  readonly file: string;
  /** The entry if its access token is fresh; anything unusable is a miss (reported once). */
  fresh(): Promise<PopEntry | undefined>;
  /** Waits for this identity's lock, or for another run to write a new entry, until `deadline`. */
  lock(deadline: number, loginMethod: string): Promise<WaitOutcome>;
  /** MSAL's persistent cache for this identity; undefined when the folder may not be used. */
  msalPlugin(): Promise<ICachePlugin | undefined>;
  /** Whether this run may use the cache folder at all (src/cache/folder.ts); said once when not. */
  usable(): boolean;
  save(entry: PopEntry): Promise<void>;
}

export interface PopStoreDeps {
  log: Logger;
  env: Env;
  now: () => number;
  since?: number;
  signInKey?: string;
}

export function openPopStore(cacheDir: string, key: string, deps: PopStoreDeps): PopStore {
  const { log, env, now } = deps;
  const file = popFilePath(cacheDir, key);
  const report = cacheReport(log);
  const usable = cacheFolderGate(cacheDir, env, report);
  let keyPromise: Promise<Buffer | undefined> | undefined;
  const encryptionKey = () => (keyPromise ??= loadEncryptionKey({ env, log, cacheDir }));
  const stamp = () => {
    try {
      const st = statSync(file);
      return `${st.ino}:${st.mtimeMs}`;
    } catch {
      return '';
    }
  };

  return {
    file,
    usable,
    async fresh() {
      if (!usable()) return undefined;
      const read = await readPopEntry(file, key, encryptionKey);
      if (read.kind === 'bad') return void report.problem(`not using the cached PoP key: ${read.why}; making a new one`);
      if (read.kind === 'locked') return void log.v(1, `cache: ${file} is encrypted with the OS keyring's key, which is not reachable now; making a new PoP key`);
      if (read.kind === 'absent') return undefined;
      const entry = servable(read, now(), deps.since);
      if (entry && !popKeySigns(entry.key)) return void report.problem(`not using the cached PoP key: ${file} holds a key that does not sign; making a new one`);
      return entry;
    },
    lock(deadline, loginMethod) {
      if (!usable()) return Promise.resolve({ state: 'failed-open' });
      // A peer that finishes writes a new entry (a new inode): stop waiting and read it.
      const before = stamp();
      return waitForIdentityLock(cacheDir, key, { env, deadline, loginMethod, log, now, ready: () => stamp() !== before });
    },
    msalPlugin() {
      return Promise.resolve(usable() ? msalCachePlugin(cacheDir, deps.signInKey ?? key, { log, env, report, encryptionKey }) : undefined);
    },
    async save(entry) {
      if (!usable()) return;
      try {
        writeFileAtomic(file, sealPopEntry(entry, key, await encryptionKey()));
      } catch (err) {
        report.problem(`could not save the PoP key in ${cacheDir}: ${(err as Error).message}; continuing without caching`);
      }
    },
  };
}
