// Runs a CLI (az, azd) to completion under a deadline: output captured, the whole process group killed
// on timeout or abort (az is a shell script that starts python), a typed error when it is not installed.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { ConfigError, TimeoutError } from '../errors';

export interface ProcessResult {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /** Aborting it ends the run like the timeout does (get-token's --timeout). */
  signal?: AbortSignal;
}

/** The executable is not on PATH (ENOENT). */
export class ProcessNotFoundError extends ConfigError {}

/** The process outlived the deadline and was killed. */
export class ProcessTimeoutError extends TimeoutError {}

const MAX_OUTPUT = 4 * 1024 * 1024;
const WINDOWS = process.platform === 'win32';

export function runProcess(file: string, args: string[], opts: RunOptions): Promise<ProcessResult> {
  if (opts.signal?.aborted) return Promise.reject(timeoutError(file, opts.timeoutMs));
  return new Promise((resolve, reject) => {
    const options: SpawnOptions = { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true };
    // POSIX: its own process group (detached), so a timeout can kill az's python child too. Windows: az is
    // az.cmd, which only cmd.exe can start; callers pass shell-safe arguments (ids, names with spaces).
    const child = WINDOWS
      ? spawn([file, ...args.map((a) => (/\s/.test(a) ? `"${a}"` : a))].join(' '), { ...options, shell: true })
      : spawn(file, args, { ...options, detached: true });
    const out = collect(child);
    const killOnExit = () => killGroup(child);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      process.removeListener('exit', killOnExit);
      settle();
    };
    const onAbort = () => {
      killGroup(child);
      finish(() => reject(timeoutError(file, opts.timeoutMs)));
    };
    const timer = setTimeout(onAbort, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // Our own exit (Ctrl-C, --timeout elsewhere) must not leave the CLI running on its own.
    process.once('exit', killOnExit);
    child.once('error', (err: NodeJS.ErrnoException) => {
      const error = err.code === 'ENOENT' ? new ProcessNotFoundError(`${file} not found on PATH`, { cause: err }) : new ConfigError(`cannot run ${file}: ${err.message}`, { cause: err });
      finish(() => reject(error));
    });
    child.once('close', (code) => finish(() => resolve({ code, stdout: out.stdout(), stderr: out.stderr() })));
  });
}

function timeoutError(file: string, timeoutMs: number): ProcessTimeoutError {
  return new ProcessTimeoutError(`${file} did not finish within ${timeoutMs / 1000}s`);
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  const read = (stream: NodeJS.ReadableStream | null) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream?.on('data', (chunk: Buffer) => {
      if (size < MAX_OUTPUT) chunks.push(chunk);
      size += chunk.length;
    });
    return () => Buffer.concat(chunks).toString('utf8');
  };
  return { stdout: read(child.stdout), stderr: read(child.stderr) };
}

/** Kills the group even when its leader is gone: a grandchild may still hold the pipes open. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (WINDOWS) child.kill();
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
