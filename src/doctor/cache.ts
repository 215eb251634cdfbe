// The cache folder (0700, ours, a real folder) and what it holds for this user: a fresh or expired
// token, none, or a file get-token would refuse. Read-only: nothing is created, repaired or removed.
import { lstatSync, type Stats } from 'node:fs';
import { cacheKey, identityFor } from '../cache/key';
import { expiryProblem, isFresh, MAX_TOKEN_FILE_BYTES, parseTokenFile, tokenFilePath } from '../cache/token-file';
import { popApplies } from '../cli/options';
import { readBoundedText, UnreadableFileError } from '../platform/read-bounded';
import { contextHint, fail, pass, type CheckResult, type Subject } from './check';

const myUid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** Why a cache path is unsafe, or '' when it is fine. */
function unsafe(st: Stats, kind: 'folder' | 'file'): string {
  if (st.isSymbolicLink()) return 'is a symbolic link';
  if (kind === 'folder' ? !st.isDirectory() : !st.isFile()) return `is not a ${kind === 'folder' ? 'directory' : 'regular file'}`;
  const uid = myUid();
  if (uid !== undefined && st.uid !== uid) return `is owned by another user (uid ${st.uid})`;
  if (st.mode & 0o077) return `has mode 0${(st.mode & 0o777).toString(8)}, open to other users`;
  return '';
}

export function checkCacheFolder(s: Subject): CheckResult {
  const dir = s.options!.cacheDir;
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return pass('cache-folder', `cache folder ${dir} does not exist yet (get-token creates it, 0700)`);
    return fail('cache-folder', `cache folder ${dir}: ${(err as Error).message}`, `make ${dir} a folder you own, or pass another --cache-dir`);
  }
  const why = unsafe(st, 'folder');
  if (!why) return pass('cache-folder', `cache folder ${dir}: 0700, yours`);
  const fix = why.startsWith('has mode') ? `chmod 700 ${dir}`
    : why.includes('another user') ? `use a folder of your own: pass --cache-dir (or set KUBECACHEDIR), or chown it to yourself`
    : `replace it with a real folder: rm ${dir} && mkdir -m 700 ${dir}`;
  return fail('cache-folder', `cache folder ${dir} ${why}`, fix);
}

export function checkCachedToken(s: Subject, now: number): CheckResult {
  const o = s.options!;
  if (popApplies(o)) return pass('cached-token', 'cached token: none kept (PoP tokens are made for each run)');
  const key = cacheKey(identityFor(o, s.env));
  const file = tokenFilePath(o.cacheDir, key);
  const remove = `kubelogin remove-tokens ${contextHint(s)}`;
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch {
    return pass('cached-token', 'cached token: none (the next kubectl command gets one)');
  }
  const why = unsafe(st, 'file');
  if (why) return fail('cached-token', `cached token file ${file} ${why}; get-token ignores it`, remove);
  let entry;
  try {
    entry = parseTokenFile(readBoundedText(file, MAX_TOKEN_FILE_BYTES, { noFollow: true }));
  } catch (err) {
    return fail('cached-token', err instanceof UnreadableFileError ? `cached token file ${err.message}` : `cached token file ${file}: ${(err as Error).message}`, remove);
  }
  if (!entry) return fail('cached-token', `cached token file ${file} is damaged or of an unknown version; get-token ignores it`, remove);
  if (entry.id !== key) return fail('cached-token', `cached token file ${file} was written for another identity; get-token ignores it`, remove);
  if (expiryProblem(entry.expiresOn, now) === 'invalid') return fail('cached-token', `cached token file ${file} has an expiry that is not a valid time; get-token ignores it`, remove);
  const at = new Date(entry.expiresOn).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (isFresh(entry, now)) return pass('cached-token', `cached token: fresh, expires ${at} (in ${Math.round((entry.expiresOn - now) / 60_000)}m)`);
  return pass('cached-token', `cached token: expired (or within 5 minutes of it) at ${at}; the next kubectl command refreshes it`);
}
