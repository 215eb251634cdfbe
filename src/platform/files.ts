// Private files: 0700 folders, 0600 files, written whole (temp file + fsync + rename) so a reader
// or a crash sees the old content or the new, never a torn file. A symlink or another user's file
// where a cache file belongs is refused, never followed or replaced.
import {
  chmodSync, closeSync, constants, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync,
  readdirSync, readFileSync, renameSync, unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { readBounded, UnreadableFileError } from './read-bounded';

/** A cache path that must not be used (symlink, another owner, not a regular file). */
export class RefusedFileError extends Error {}

/**
 * A name part no other live writer uses: pid + clock + randomness. Not a secret, so no node:crypto,
 * whose start-up (~3 ms) the light bundle avoids.
 */
export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}.${process.hrtime.bigint().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

const myUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** True when this process's user owns the file (always, where there are no uids). */
export function ownedByMe(st: Stats): boolean {
  const uid = myUid();
  return uid === undefined || st.uid === uid;
}

/**
 * Creates a subfolder of a prepared cache folder 0700 (not its parents: src/cache/folder.ts decides
 * whether the cache folder itself may be used), tightening an existing one of ours that is looser.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new RefusedFileError(`${dir} is a symbolic link`);
  if (!st.isDirectory()) throw new RefusedFileError(`${dir} is not a directory`);
  if (!ownedByMe(st)) throw new RefusedFileError(`${dir} is owned by another user (uid ${st.uid})`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Throws RefusedFileError when `file` exists but is not ours to replace. */
export function assertReplaceable(file: string): void {
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) throw new RefusedFileError(`${file} is a symbolic link`);
  if (!st.isFile()) throw new RefusedFileError(`${file} is not a regular file`);
  if (!ownedByMe(st)) throw new RefusedFileError(`${file} is owned by another user (uid ${st.uid})`);
}

export function writeFileAtomic(file: string, data: string | Buffer): void {
  ensurePrivateDir(dirname(file));
  assertReplaceable(file);
  const tmp = `${file}.${uniqueSuffix()}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
  } catch (err) {
    try { closeSync(fd); } catch { /* already closed */ }
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
  syncDir(dirname(file));
}

/** Makes a rename in `dir` durable; best effort (not every file system allows fsync on a folder). */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* not supported here */ }
}

export type PrivateRead =
  | { kind: 'absent' }
  | { kind: 'refused'; reason: string }
  | { kind: 'ok'; data: Buffer; mtimeMs: number };

/**
 * Reads a cache file without following symlinks; refuses another user's file and tightens a
 * looser mode than 0600 (a file written by an older tool or a careless umask), or with
 * `tighten: false` (a reader that must change nothing) refuses it.
 */
export function readPrivateFile(file: string, maxBytes: number, { tighten = true } = {}): PrivateRead {
  try {
    let mtimeMs = 0;
    const data = readBounded(file, maxBytes, {
      noFollow: true,
      inspect: (st, fd) => {
        if (!ownedByMe(st)) throw new UnreadableFileError(file, `is owned by another user (uid ${st.uid})`, 'EPERM');
        if ((st.mode & 0o077) !== 0 && !tighten) throw new UnreadableFileError(file, 'is readable by other users', 'EPERM');
        if ((st.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
        mtimeMs = st.mtimeMs;
      },
    });
    return { kind: 'ok', data, mtimeMs };
  } catch (err) {
    if (!(err instanceof UnreadableFileError)) throw err;
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return { kind: 'absent' };
    return { kind: 'refused', reason: err.message };
  }
}

/**
 * The fast hit's read of a small private file (bin/kubelogin's first code, src/commands/get-token-fast.ts):
 * lstat, then one read that follows no link and never blocks on a FIFO. Node's readFileSync has a
 * one-call native path that costs a fifth of open + fstat + read + close, which matters at this point of
 * a hit. What readPrivateFile refuses is refused here too (a link, another user's file, a mode looser than
 * 0600, more than `maxBytes`); it never tightens anything. Undefined for all of these and for absent.
 */
export function readSmallPrivateText(file: string, maxBytes: number): { text: string; mtimeMs: number } | undefined {
  try {
    const st = lstatSync(file, { throwIfNoEntry: false });
    if (!st?.isFile() || !ownedByMe(st) || (st.mode & 0o077) !== 0 || st.size > maxBytes) return undefined;
    // Node takes numeric open flags here too (its types say string).
    const flag = (constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK) as unknown as string;
    return { text: readFileSync(file, { encoding: 'utf8', flag }), mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/** Removes `*.tmp` and `*.stale` leftovers of killed processes once they are older than `maxAgeMs`. */
export function removeOrphans(dir: string, maxAgeMs: number, now: number): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.tmp') && !name.endsWith('.stale')) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (st.isFile() && now - st.mtimeMs > maxAgeMs) {
        unlinkSync(path);
        removed++;
      }
    } catch { /* raced with another cleaner */ }
  }
  return removed;
}
