// The key that encrypts MSAL's cache (refresh tokens, accounts) on disk, held in the OS secret store
// (Secret Service on Linux, Keychain, Credential Manager). Only the miss path asks for it: reading it
// costs a D-Bus connection (8–10 ms), most of a cache hit's budget. Where no store is usable the
// caller falls back to a plain 0600 file, and says so once at -v 1.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Env } from '../cli/env';
import type { Logger } from '../platform/log';
import { probeSecretService } from './dbus-probe';
import { acquireLock } from './lock';

export const KEYRING_SERVICE = 'kubelogin';
const KEY_BYTES = 32;
const PROBE_TIMEOUT_MS = 1_000;
const CALL_TIMEOUT_MS = 3_000;

interface KeyringEntry {
  getSecret(signal?: AbortSignal): Promise<number[] | null>;
  setSecret(secret: Uint8Array, signal?: AbortSignal): Promise<void>;
  deleteCredential(signal?: AbortSignal): Promise<boolean>;
}

export interface KeyringDeps {
  env: Env;
  log: Logger;
  cacheDir: string;
}

/** One key per cache folder, so removing the folder can remove its key and tests stay apart. */
export function keyringAccount(cacheDir: string): string {
  return `cache-key:${resolve(cacheDir)}`;
}

/** Opens the entry, or says why the OS secret store cannot be used here. */
export async function openKeyringEntry(env: Env, cacheDir: string): Promise<KeyringEntry | string> {
  const platform = process.platform;
  if (platform !== 'darwin' && platform !== 'win32') {
    const why = await probeSecretService(env.DBUS_SESSION_BUS_ADDRESS, PROBE_TIMEOUT_MS);
    if (why) return why;
  }
  try {
    // Loaded lazily and kept out of the bundles (a native module; see scripts/build.mjs).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AsyncEntry } = require('@napi-rs/keyring') as typeof import('@napi-rs/keyring');
    // Pinned to the Secret Service: the kernel keyring fallback is refused in containers and lost at reboot.
    return new AsyncEntry(KEYRING_SERVICE, keyringAccount(cacheDir), { linux: { store: 'secret-service' } });
  } catch (err) {
    return `the OS keyring is unavailable: ${(err as Error).message}`;
  }
}

/** The encryption key of the MSAL cache (created on first use), or undefined when no OS secret store is usable. */
export async function loadEncryptionKey(deps: KeyringDeps): Promise<Buffer | undefined> {
  const entry = await openKeyringEntry(deps.env, deps.cacheDir);
  if (typeof entry === 'string') return unusable(deps.log, entry);
  try {
    const found = await read(entry);
    if (found !== null) return found.length === KEY_BYTES ? found : unusable(deps.log, `the keyring entry ${KEYRING_SERVICE}/${keyringAccount(deps.cacheDir)} is not a ${KEY_BYTES}-byte key`);
    return await createKey(entry, deps);
  } catch (err) {
    return unusable(deps.log, `the OS keyring failed: ${(err as Error).message}`);
  }
}

/** Two first runs of different identities must not each store their own key: one wins, under a lock. */
async function createKey(entry: KeyringEntry, deps: KeyringDeps): Promise<Buffer | undefined> {
  const signal = AbortSignal.timeout(CALL_TIMEOUT_MS * 3);
  const lock = await acquireLock(deps.cacheDir, 'keyring-key', { signal, log: deps.log, ready: () => false, timeoutMs: CALL_TIMEOUT_MS * 2 });
  try {
    const raced = await read(entry);
    if (raced !== null) return raced.length === KEY_BYTES ? raced : undefined;
    await withTimeout((s) => entry.setSecret(randomBytes(KEY_BYTES), s));
    deps.log.v(2, `cache: created the cache encryption key in the OS keyring (${KEYRING_SERVICE}/${keyringAccount(deps.cacheDir)})`);
    const stored = await read(entry);
    return stored?.length === KEY_BYTES ? stored : unusable(deps.log, 'the OS keyring did not keep the new key');
  } finally {
    lock.release();
  }
}

async function read(entry: KeyringEntry): Promise<Buffer | null> {
  const secret = await withTimeout((s) => entry.getSecret(s));
  return secret === null ? null : Buffer.from(secret);
}

/** The native call takes a signal, but a wedged store must not stall a kubectl command either way. */
async function withTimeout<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS + 100);
    timer.unref();
  });
  try {
    return await Promise.race([call(signal), late]);
  } finally {
    clearTimeout(timer);
  }
}

function unusable(log: Logger, why: string): undefined {
  log.v(1, `cache: no usable OS keyring (${why}); keeping MSAL's cache (refresh tokens) in a plain 0600 file`);
  return undefined;
}


/** For remove-cache-dir: forget the folder's key too. Best effort: false when there was none or no keyring. */
export async function deleteEncryptionKey(env: Env, cacheDir: string): Promise<boolean> {
  const entry = await openKeyringEntry(env, cacheDir);
  if (typeof entry === 'string') return false;
  try {
    return await withTimeout((s) => entry.deleteCredential(s));
  } catch {
    return false;
  }
}
