// The hit index, `<cache-dir>/hits/index.json`: what the light path worked out for an exact get-token
// invocation (its args, and the values of the environment variables that decide the identity and the
// output), namely the identity's cache key, the ExecCredential apiVersion and, for PoP, the claims.
// kubectl repeats the same invocation on every command, so from the second hit on, bin/kubelogin's own
// first code (src/commands/get-token-fast.ts) finds the token file with one lookup: no flag parsing,
// no option resolution, no hashing of the identity, no second bundle (issue 11: a hit must cost about
// what starting Node costs).
//
// Sound because the entry is keyed by everything the light path's answer depends on: the args and the
// variables below (a test checks that resolution reads no others but secrets). Where a mode's identity
// also reads files (az's and azd's signed-in account), the entry holds their stamps, taken before the
// identity was read, and serves only while every file still has that stamp. Secrets are never part of
// the key: a secret flag keeps the invocation out of the index, and secret variables decide no identity.
// Only the light path writes it, after it served a token itself, and the fast path trusts it as the
// light path trusts the token files beside it: both live in the private folder the fast path checks
// first. The fast path still applies every check of the token file itself (owner, mode, identity,
// freshness); whatever fails is a miss for the light path, which answers as if there were no index.
// An entry records what one build worked out: a change to how identities are keyed (src/cache/key.ts,
// a descriptor's identity()) or to what decides the output must bump INDEX_VERSION, so no old entry
// outlives it.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../cli/env';
import { V1, V1BETA1 } from '../kube/exec-credential';
import { readSmallPrivateText, writeFileAtomic } from '../platform/files';
import { defaultCacheDirUnder } from '../platform/home';

/**
 * Every variable whose value can change get-token's cache key or its output, except secrets: the flags
 * table's env names, HOME and KUBECACHEDIR (the cache folder), KUBERNETES_EXEC_INFO (the apiVersion),
 * AZURE_CONFIG_DIR and AZD_CONFIG_DIR (where az and azd keep the signed-in account).
 */
export const INVOCATION_ENV = [
  'AAD_LOGIN_METHOD', 'AAD_SERVICE_PRINCIPAL_CLIENT_ID', 'AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE', 'AAD_USER_PRINCIPAL_NAME',
  'AZURE_CLIENT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_TENANT_ID', 'AZURE_USERNAME', 'AZURE_AUTHORITY_HOST',
  'AZURE_FEDERATED_TOKEN_FILE', 'ARM_CLIENT_ID', 'ARM_CLIENT_CERTIFICATE_PATH', 'ARM_TENANT_ID',
  'AZURESUBSCRIPTION_CLIENT_ID', 'AZURESUBSCRIPTION_TENANT_ID', 'AZURESUBSCRIPTION_SERVICE_CONNECTION_ID',
  'AZURE_CLI_TIMEOUT', 'KUBELOGIN_FORCE_REFRESH', 'KUBECACHEDIR', 'HOME', 'KUBERNETES_EXEC_INFO',
  'AZURE_CONFIG_DIR', 'AZD_CONFIG_DIR',
] as const;

/** What the fast path needs to serve an invocation. */
export interface IndexedHit {
  /** The identity's cache key: its token file, or its PoP entry. */
  key: string;
  apiVersion: string;
  /** Set for a PoP identity: the cluster (the `u` of --pop-claims) each fresh PoP token is signed for. */
  popU?: string;
  /** The files the identity was read from (azurecli, azd) and their stamps (fileStamp) at that time. */
  files?: Array<[path: string, stamp: string]>;
}

export const HITS_FOLDER = 'hits';
// 2: a PoP entry holds the cluster (`popU`), no longer the raw --pop-claims.
export const INDEX_VERSION = 2;
const MAX_INDEX_BYTES = 64 * 1024;
const MAX_ENTRIES = 32;
/** A longer invocation (KUBERNETES_EXEC_INFO with cluster info and its CA, say) is not worth the space. */
const MAX_INVOCATION_CHARS = 4 * 1024;
const KEY = /^[0-9a-f]{40}$/;

export function hitIndexPath(cacheDir: string): string {
  return join(cacheDir, HITS_FOLDER, 'index.json');
}

/**
 * What changes when a file is rewritten or replaced: device, inode, size, mtime and ctime (az rewrites
 * azureProfile.json in place, azd its config.json). "none" for a file that is absent or unreadable.
 */
export function fileStamp(path: string): string {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : 'none';
  } catch {
    return 'none';
  }
}

/** Whether every file an entry's identity was read from is as it was then. */
export function filesUnchanged(hit: IndexedHit): boolean {
  return !hit.files || hit.files.every(([path, stamp]) => fileStamp(path) === stamp);
}

/** The index key: get-token's args and the INVOCATION_ENV values (null for an unset one: unset and empty differ). */
export function invocationOf(args: readonly string[], env: Env): string {
  return JSON.stringify([args, INVOCATION_ENV.map((name) => env[name] ?? null)]);
}

/**
 * The cache folder as the args and environment name it, read without resolving options: the last
 * --cache-dir / --token-cache-dir, else KUBECACHEDIR, else $HOME/.kube/cache/kubelogin. Undefined
 * without HOME (the passwd lookup needs node:os). The light path indexes an invocation only when this
 * is the folder it resolved.
 */
export function indexedCacheDir(args: readonly string[], env: Env): string | undefined {
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--cache-dir' || arg === '--token-cache-dir') dir = args[++i];
    else if (arg.startsWith('--cache-dir=')) dir = arg.slice(12);
    else if (arg.startsWith('--token-cache-dir=')) dir = arg.slice(18);
  }
  if (dir !== undefined) return dir;
  return env.KUBECACHEDIR || (env.HOME ? defaultCacheDirUnder(env.HOME) : undefined);
}

function readEntries(cacheDir: string): Record<string, unknown> | undefined {
  const read = readSmallPrivateText(hitIndexPath(cacheDir), MAX_INDEX_BYTES);
  if (!read) return undefined;
  try {
    const index = JSON.parse(read.text) as { v?: unknown; hits?: unknown } | null;
    return index?.v === INDEX_VERSION && typeof index.hits === 'object' && index.hits !== null && !Array.isArray(index.hits) ? (index.hits as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function asHit(v: unknown): IndexedHit | undefined {
  const e = v as Partial<IndexedHit> | null | undefined;
  if (typeof e !== 'object' || e === null || typeof e.key !== 'string' || !KEY.test(e.key)) return undefined;
  if (e.apiVersion !== V1 && e.apiVersion !== V1BETA1) return undefined;
  if (e.popU !== undefined && (typeof e.popU !== 'string' || !e.popU)) return undefined;
  const stamped = (f: unknown) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && typeof f[1] === 'string';
  if (e.files !== undefined && (!Array.isArray(e.files) || !e.files.every(stamped))) return undefined;
  const { key, apiVersion, popU, files } = e;
  return { key, apiVersion, ...(popU !== undefined && { popU }), ...(files && { files }) };
}

/** The entry for this invocation, or undefined (none, or an index that is damaged or not ours). */
export function lookupHit(cacheDir: string, invocation: string): IndexedHit | undefined {
  const entries = readEntries(cacheDir);
  return entries && Object.hasOwn(entries, invocation) ? asHit(entries[invocation]) : undefined;
}

/**
 * Adds or updates the invocation's entry (the newest last; the oldest go beyond MAX_ENTRIES or MAX_INDEX_BYTES). Writes
 * only when something changed. Throws what the write throws: the caller treats the index as best effort.
 */
export function rememberHit(cacheDir: string, invocation: string, hit: IndexedHit): void {
  if (invocation.length > MAX_INVOCATION_CHARS) return;
  const entries = readEntries(cacheDir) ?? {};
  const old = Object.hasOwn(entries, invocation) ? asHit(entries[invocation]) : undefined;
  if (old && JSON.stringify(old) === JSON.stringify(hit)) return;
  delete entries[invocation];
  entries[invocation] = hit;
  const names = Object.keys(entries);
  let text: string;
  for (let oldest = Math.max(0, names.length - MAX_ENTRIES); ; oldest++) {
    text = JSON.stringify({ v: INDEX_VERSION, hits: Object.fromEntries(names.slice(oldest).map((name) => [name, entries[name]])) });
    if (Buffer.byteLength(text) <= MAX_INDEX_BYTES) break;
  }
  writeFileAtomic(hitIndexPath(cacheDir), text);
}
