// kubelogin's heavy path run in this process (no spawn, no build): the same parsers, options, use
// case and login functions the binary runs after a cache miss, against the emulator, with a clock the
// test controls. A spawned run trusts the emulator through NODE_EXTRA_CA_CERTS, which Node reads only
// at start-up; in-process, every TLS context made while trusted gets the emulator's CA added.
import tls from 'node:tls';
import { failureOf } from '../../src/platform/log';
import { run } from '../../src/heavy';
import type { Emulator } from '../emulator';
import type { Finished } from './assert';
import { cleanEnv, type EnvPatch } from './run';

/** Trusts the emulator's CA for this process's TLS connections (node:https, fetch); returns the undo, for after(). */
export function trustEmulator(emu: Pick<Emulator, 'caPem'>): () => void {
  const original = tls.createSecureContext;
  const patched: typeof tls.createSecureContext = (options) => {
    const secure = original(options);
    // The native context's addCACert is what `ca` uses; added to the default roots, as the extra-certs file is.
    (secure.context as { addCACert(pem: string): void }).addCACert(emu.caPem);
    return secure;
  };
  tls.createSecureContext = patched;
  return () => {
    tls.createSecureContext = original;
  };
}

/** A clock that moves only when the test says so. */
export interface FakeClock {
  now: () => number;
  advance: (ms: number) => void;
}

export function fakeClock(start = Date.now()): FakeClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export interface InProcessOptions {
  /** Added to a clean env with a fresh HOME, as for a spawned run (test/helpers/run.ts). */
  env?: EnvPatch;
  clock?: FakeClock;
  stdinIsTTY?: boolean;
}

/** Runs `kubelogin <argv>` in this process; stdout, stderr and the exit code as main.ts would give them. */
export async function kubeloginInProcess(argv: string[], opts: InProcessOptions = {}): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (t: string) => void (stdout += t),
    stderr: (t: string) => void (stderr += t),
    stdinIsTTY: opts.stdinIsTTY ?? false,
    stderrIsTTY: false,
    now: opts.clock?.now,
  };
  try {
    const code = await run(argv, cleanEnv(opts.env), io);
    return { code, stdout, stderr };
  } catch (err) {
    const failure = failureOf(err);
    return { code: failure.exitCode, stdout, stderr: stderr + failure.line };
  }
}
