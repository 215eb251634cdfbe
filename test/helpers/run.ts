// Runs bin/kubelogin and kubectl as child processes with a clean, explicit environment: PATH, a fresh HOME,
// and only what the test passes. Nothing from the caller's AZURE_*/AAD_*/ARM_*/KUBECACHEDIR leaks in.
import { spawn, type ChildProcess } from 'node:child_process';
import { kubeloginBin, repoRoot } from './paths';
import { makeTempDir } from './tmp';

export type EnvPatch = Record<string, string | undefined>;

export interface RunOptions {
  /** Added to the clean env; `undefined` deletes a key (HOME included). */
  env?: EnvPatch;
  input?: string;
  timeoutMs?: number;
  cwd?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export function cleanEnv(patch: EnvPatch = {}): Record<string, string> {
  const env: EnvPatch = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: makeTempDir('kubelogin-home-'), ...patch };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function spawnKubelogin(args: string[], opts: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [kubeloginBin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: cleanEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Collects a spawned child's output; SIGKILLs it after timeoutMs (default 30 s). */
export function collect(child: ChildProcess, opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin?.on('error', () => {}); // the child may exit before reading its input
  child.stdin?.end(opts.input ?? '');
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started, timedOut });
    });
  });
}

export function runKubelogin(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return collect(spawnKubelogin(args, opts), opts);
}

export function runKubectl(args: string[], opts: RunOptions & { kubeconfig: string }): Promise<RunResult> {
  const child = spawn('kubectl', ['--kubeconfig', opts.kubeconfig, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: cleanEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child, opts);
}
