// Rewriting a user's own file (a kubeconfig) in place: temp file next to it + fsync + rename, with
// the file's mode (and owner, when root) kept and a symlink followed to its target. Locking uses
// client-go's `<file>.lock` convention so kubectl and this plugin never write the same file at once.
// (platform/files.ts is for private 0600 files in 0700 folders; a kubeconfig folder is not ours to chmod.)
import { randomBytes } from 'node:crypto';
import {
  accessSync, closeSync, constants, fchmodSync, fchownSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface PendingWrite {
  /** Puts the new content in place (one rename). */
  commit(): void;
  /** Removes the temp file. */
  abort(): void;
}

/** Writes the new content to a temp file beside the target; nothing visible changes until commit(). */
export function prepareWrite(file: string, data: string): PendingWrite {
  const target = realpathSync(file);
  accessSync(target, constants.W_OK); // a read-only kubeconfig stays read-only, as with kubectl
  const st = statSync(target);
  // access() always says yes to root: a file nobody may write (0444) stays unwritten for root too.
  if ((st.mode & 0o222) === 0) throw new Error(`permission denied: the file is read-only (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, st.mode & 0o7777);
    if (process.getuid?.() === 0 && (st.uid !== 0 || st.gid !== 0)) fchownSync(fd, st.uid, st.gid);
    writeSync(fd, Buffer.from(data));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  return {
    commit() {
      renameSync(tmp, target);
      syncDir(dirname(target));
    },
    abort() {
      try { unlinkSync(tmp); } catch { /* already gone */ }
    },
  };
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* best effort: not every platform can fsync a folder */ }
}

const LOCK_ATTEMPTS = 5;
const LOCK_RETRY_MS = 100;

/**
 * Takes client-go's lock on every file, in the order given; returns one release for all of them, or
 * throws (having released what it took) if a lock stays taken. One 'exit' hook per call, not per file:
 * twelve kubeconfig files in KUBECONFIG used to trip Node's MaxListenersExceededWarning.
 */
export async function lockFiles(files: string[]): Promise<() => void> {
  const held: string[] = [];
  const release = () => {
    process.removeListener('exit', release);
    for (const lock of held.splice(0)) {
      try { unlinkSync(lock); } catch { /* already gone */ }
    }
  };
  process.on('exit', release);
  try {
    for (const file of files) held.push(await takeLock(`${file}.lock`));
  } catch (err) {
    release();
    throw Object.assign(err as Error, { path: files[held.length] });
  }
  return release;
}

async function takeLock(lock: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      closeSync(openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
      return lock;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= LOCK_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
    }
  }
}
