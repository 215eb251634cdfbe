// Time: what the cache lock reads and waits on, as one seam (tests pass a virtual clock, so they count
// polls and virtual milliseconds instead of racing the wall clock), and the one sleep that an
// AbortSignal (--timeout, Ctrl-C) cuts short.

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves true after `ms`, or false as soon as `signal` aborts (at once if it already has). */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
}

export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = { now: () => Date.now(), sleep };
