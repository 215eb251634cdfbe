// The one way this tool reads a file (certificate, federated token, kubeconfig, az profile, cache and
// lock files): only a regular file, never more than a bound suited to what it holds (issue 10, point 2:
// /dev/zero grew the process to 16 GB, a FIFO blocked for ever). Node built-ins only: the hit path uses it.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Why a file could not be read, in words fit for an error line ("is not a regular file"). */
export class UnreadableFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    /** The errno code (ENOENT, EACCES...) or ENOTREG / EFBIG for our own refusals. */
    readonly code: string,
  ) {
    super(reason.startsWith('is ') ? `${path} ${reason}` : `${path}: ${reason}`);
  }

  /** The reason with the errno code in front where the system gave one ("ENOENT: no such file"). */
  get detail(): string {
    return OUR_CODES.has(this.code) ? this.reason : `${this.code}: ${this.reason}`;
  }
}

export interface ReadBoundedOptions {
  /** Refuse a symbolic link instead of following it (cache files). */
  noFollow?: boolean;
  /** Sees the open file's stats before reading; throws to refuse it (owner, mode checks). */
  inspect?: (st: Stats, fd: number) => void;
}

/** Refusals of our own, not the system's. */
const OUR_CODES = new Set(['ENOTREG', 'EFBIG', 'EILSEQ']);

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is not a regular file (a directory)',
  ELOOP: 'is a symbolic link',
  ENXIO: 'is not a regular file (a socket or a device with no driver)',
  EMLINK: 'is a symbolic link',
};

export const KIB = 1024;
export const MIB = 1024 * 1024;

export function describeSize(bytes: number): string {
  if (bytes % MIB === 0) return `${bytes / MIB} MiB`;
  return bytes % KIB === 0 ? `${bytes / KIB} KiB` : `${bytes} bytes`;
}

/**
 * The file's bytes. Opened non-blocking (so a FIFO without a writer cannot stall the open), refused
 * unless fstat says regular file, and read to EOF but never past maxBytes: a file that grows while
 * being read, or a /proc-style file reporting size 0, is bounded all the same.
 */
export function readBounded(path: string, maxBytes: number, opts: ReadBoundedOptions = {}): Buffer {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0);
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new UnreadableFileError(path, REASONS[code] ?? (err as Error).message, code);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnreadableFileError(path, `is not a regular file (${kindOf(st)})`, st.isDirectory() ? 'EISDIR' : 'ENOTREG');
    opts.inspect?.(st, fd);
    if (st.size > maxBytes) throw tooBig(path, maxBytes);
    return readAll(fd, path, maxBytes, st.size);
  } finally {
    closeSync(fd);
  }
}

/** The same, as UTF-8 text; `strict` refuses bytes that are not UTF-8 instead of turning them into U+FFFD. */
export function readBoundedText(path: string, maxBytes: number, opts: ReadBoundedOptions & { strict?: boolean } = {}): string {
  const data = readBounded(path, maxBytes, opts);
  if (!opts.strict) return data.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new UnreadableFileError(path, 'is not UTF-8 text (Latin-1 or another encoding?)', 'EILSEQ');
  }
}

function readAll(fd: number, path: string, maxBytes: number, size: number): Buffer {
  // One spare byte tells "exactly maxBytes" from "more than maxBytes".
  // Sized for what fstat says (plus the spare byte); a size-0 file (/proc) starts at 64 KiB and grows.
  let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, size > 0 ? size + 1 : 64 * KIB));
  let off = 0;
  for (;;) {
    if (off === buf.length) {
      if (buf.length > maxBytes) throw tooBig(path, maxBytes);
      const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 2));
      buf.copy(bigger, 0, 0, off);
      buf = bigger;
    }
    const n = readSync(fd, buf, off, buf.length - off, null);
    if (n === 0) return buf.subarray(0, off);
    off += n;
  }
}

function tooBig(path: string, maxBytes: number): UnreadableFileError {
  return new UnreadableFileError(path, `is larger than ${describeSize(maxBytes)}`, 'EFBIG');
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}
