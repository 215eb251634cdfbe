// Cache problems never fail a run; the first one per run is a warning, the rest are -v 1 detail, so a
// read-only or full disk costs the user one line, not one per file.
import type { Logger } from '../platform/log';

export interface CacheReport {
  problem(message: string): void;
}

export function cacheReport(log: Logger): CacheReport {
  let warned = false;
  return {
    problem(message) {
      if (warned) return log.v(1, `cache: ${message}`);
      warned = true;
      log.warn(message);
    },
  };
}
