// Which cache folder the tool may use, tighten and clean (issue 10 point 3). A folder is used only
// when it is a real directory (not a symlink) owned by the user, and either kubelogin created it
// (the marker file below says "created"), or it is the default path, or others cannot write it (then
// it is "adopted": used as it is). Only a created or default folder is ever chmod-ed to 0700; a
// symlink, another user's folder or one others can write gets no file cache for the run and is never
// changed. On the hit path: node built-ins only.
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, rmdirSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Env } from '../cli/env';
import { ensurePrivateDir, ownedByMe, RefusedFileError } from '../platform/files';
import { defaultCacheDirUnder, homeDir } from '../platform/home';

/** Written when kubelogin creates (or adopts) a cache folder: the proof that it is kubelogin's to tighten and clean. */
export const MARKER = '.kubelogin-cache';
/** Everything kubelogin writes in a cache folder, besides the marker. remove-cache-dir removes these and nothing else. */
export const TOOL_SUBFOLDERS = ['tokens', 'msal', 'locks', 'pop', 'metadata', 'hits'];

/** The marker's first word says whether kubelogin created the folder (its to tighten) or adopted an empty one (never chmod-ed). */
type Origin = 'created' | 'adopted';
const markerText = (origin: Origin) => `${origin}\nkubelogin keeps its token cache in this folder; \`kubelogin remove-cache-dir\` deletes what it wrote here.\n`;

export type FolderVerdict = { ok: true } | { ok: false; reason: string };

const mine = ownedByMe;
const lstatOrUndefined = (p: string): Stats | undefined => {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
};

/** The hit path's check (one or two lstat calls): a usable folder, safe to read a token from without repair. */
export function cacheFolderReady(dir: string, env: Env): boolean {
  const st = lstatOrUndefined(dir);
  if (!st || !st.isDirectory() || !mine(st) || (st.mode & 0o022) !== 0) return false;
  if (isDefaultCacheDir(dir, env)) return true;
  const marker = lstatOrUndefined(join(dir, MARKER));
  return !!marker && marker.isFile() && mine(marker);
}

export function isDefaultCacheDir(dir: string, env: Env): boolean {
  const defaultDir = defaultCacheDirUnder(homeDir(env));
  // The same string is the usual case (no --cache-dir): it skips path.resolve's first-call cost on the hit.
  return dir === defaultDir || resolve(dir) === resolve(defaultDir);
}

/**
 * Makes `dir` ready for the cache, or says why it must not be used. Creates it (0700, with the
 * marker) when absent; tightens it to 0700 only when kubelogin made it or it is the default path.
 */
export function prepareCacheFolder(dir: string, env: Env): FolderVerdict {
  let st = lstatOrUndefined(dir);
  if (!st) {
    try {
      create(dir);
    } catch (err) {
      // Read-only disk, no permission: the run goes on uncached; get-token reports write failures itself.
      return { ok: false, reason: `cannot create ${dir}: ${(err as Error).message}` };
    }
    st = lstatOrUndefined(dir);
    if (!st) return { ok: false, reason: `${dir} vanished while it was created` };
  }
  if (st.isSymbolicLink()) return { ok: false, reason: `${dir} is a symbolic link` };
  if (!st.isDirectory()) return { ok: false, reason: `${dir} is not a directory` };
  if (!mine(st)) return { ok: false, reason: `${dir} is owned by another user (uid ${st.uid})` };
  const origin = readMarker(dir);
  const othersCanWrite = (st.mode & 0o022) !== 0;
  if (origin === 'created' || isDefaultCacheDir(dir, env)) {
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } else if (othersCanWrite) {
    return { ok: false, reason: `${dir} is writable by other users (mode ${(st.mode & 0o7777).toString(8)})` };
  }
  if (!origin) {
    try {
      writeMarker(dir, 'adopted');
    } catch {
      // A read-only or full disk: the folder passed every check; the failed writes are reported later.
    }
  }
  return { ok: true };
}

/**
 * The miss path's decision, made once per run and said once: whether the folder may be used at all
 * (prepareCacheFolder), with kubelogin's own subfolders tightened; a symlinked or foreign subfolder
 * also means no file cache.
 */
export function cacheFolderGate(dir: string, env: Env, report: { problem(message: string): void }): () => boolean {
  let usable: boolean | undefined;
  return () => {
    if (usable !== undefined) return usable;
    const verdict = prepareCacheFolder(dir, env);
    if (!verdict.ok) {
      report.problem(refusedFolderMessage(verdict.reason));
      return (usable = false);
    }
    usable = true;
    for (const name of TOOL_SUBFOLDERS) {
      if (!lstatOrUndefined(join(dir, name))) continue;
      try {
        ensurePrivateDir(join(dir, name));
      } catch (err) {
        // A read-only disk is reported when a write fails; a symlinked or foreign subfolder right away.
        if (!(err instanceof RefusedFileError)) continue;
        report.problem(refusedFolderMessage(err.message));
        return (usable = false);
      }
    }
    return usable;
  };
}

/** The one line get-token prints when it cannot use the folder. */
export function refusedFolderMessage(reason: string): string {
  return `not using the token cache: ${reason}; point --cache-dir (or KUBECACHEDIR) at a new path for kubelogin to create, or at a folder of your own that others cannot write`;
}

function create(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    // Another run created it a moment ago: judge it like any existing folder.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return;
  }
  writeMarker(dir, 'created');
  // A run that fails before it caches anything (bad input) leaves no file behind.
  process.once('exit', () => removeIfUnused(dir));
}

/** Removes a folder this run created when it still holds nothing but the marker and empty subfolders. */
function removeIfUnused(dir: string): void {
  try {
    const names = readdirSync(dir);
    const emptySub = (name: string) => TOOL_SUBFOLDERS.includes(name) && readdirSync(join(dir, name)).length === 0;
    if (!names.every((name) => name === MARKER || emptySub(name))) return;
    for (const name of names) if (name !== MARKER) rmdirSync(join(dir, name));
    unlinkSync(join(dir, MARKER));
    rmdirSync(dir);
  } catch { /* another run is using it */ }
}

/** The marker's origin, when it is a regular file of ours. */
function readMarker(dir: string): Origin | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, MARKER), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || !mine(st)) return undefined;
    const buf = Buffer.alloc(16);
    const word = buf.toString('utf8', 0, readSync(fd, buf, 0, 16, 0)).split('\n')[0];
    // A marker of ours with other content (e.g. an empty one a user made) still marks the folder as kubelogin's, but not as created by it.
    return word === 'created' ? 'created' : 'adopted';
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function writeMarker(dir: string, origin: Origin): void {
  let fd: number;
  try {
    fd = openSync(join(dir, MARKER), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    writeSync(fd, markerText(origin));
  } finally {
    closeSync(fd);
  }
}

/**
 * remove-cache-dir: deletes what kubelogin writes in `dir` (the marker and the files in its
 * subfolders), then the folder itself if nothing else is left. Returns false when the folder stays
 * because it holds other files. Throws for a folder it must not touch (a symlink, another owner's).
 */
export function removeCacheFolder(dir: string): boolean {
  const st = lstatOrUndefined(dir);
  if (!st) return true;
  const refused = removableFolder(dir);
  if (refused) throw new Error(refused);
  for (const name of TOOL_SUBFOLDERS) {
    const sub = join(dir, name);
    const sst = lstatOrUndefined(sub);
    if (!sst?.isDirectory()) continue;
    for (const entry of readdirSync(sub, { withFileTypes: true })) {
      // Files and stray links (unlink never follows them); a nested folder is not ours.
      if (!entry.isDirectory()) unlinkSync(join(sub, entry.name));
    }
    rmdirIfEmpty(sub);
  }
  const marker = lstatOrUndefined(join(dir, MARKER));
  if (marker?.isFile()) unlinkSync(join(dir, MARKER));
  return rmdirIfEmpty(dir);
}

/** Why remove-cache-dir must not touch `dir` (a symlink, another owner's, not a folder), or undefined. */
export function removableFolder(dir: string): string | undefined {
  const st = lstatOrUndefined(dir);
  if (!st) return undefined;
  if (st.isSymbolicLink()) return `${dir} is a symbolic link; kubelogin does not follow it: remove the link itself if that is what you meant`;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  if (!mine(st)) return `${dir} is owned by another user (uid ${st.uid}); kubelogin removes only its own cache`;
  return undefined;
}

function rmdirIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
}
