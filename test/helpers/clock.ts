// A virtual clock for code that takes a Clock (src/platform/clock.ts): sleeping advances it at once,
// so tests count polls and virtual milliseconds instead of racing the wall clock on a busy machine.
import type { Clock } from '../../src/platform/clock';

export interface VirtualClock extends Clock {
  /** Virtual milliseconds since the clock was made. */
  elapsed(): number;
  /** How many times the code under test has slept. */
  readonly sleeps: number;
}

/** `onSleep` runs after each sleep has advanced the clock (e.g. to abort a signal at a virtual time). */
export function virtualClock(onSleep?: (clock: VirtualClock) => void): VirtualClock {
  const start = Date.now();
  let t = start;
  let sleeps = 0;
  const clock: VirtualClock = {
    now: () => t,
    elapsed: () => t - start,
    get sleeps() {
      return sleeps;
    },
    async sleep(ms, signal) {
      if (signal.aborted) return false;
      t += ms;
      sleeps++;
      onSleep?.(clock);
      // Let other tasks (a releasing holder, a child's exit) run, as a real sleep would.
      await new Promise((resolve) => setImmediate(resolve));
      return !signal.aborted;
    },
  };
  return clock;
}

/** Resolves once `cond` holds, checking after each turn of the event loop (no wall-clock bound). */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((resolve) => setImmediate(resolve));
}
