// Child process for lock-stress.test.ts: takes the lock `rounds` times; while holding, claims an
// owner marker and reports an overlap if a live process already claims it.
import fs from 'node:fs';
import { acquireLock } from '../../../src/cache/lock';
import { createLogger } from '../../../src/platform/log';

const [dir, marker, rounds, role] = process.argv.slice(2);
const log = createLogger(0, () => {});
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

void (async () => {
  for (let i = 0; i < Number(rounds); i++) {
    const lock = await acquireLock(dir, 'stress', { signal: AbortSignal.timeout(20_000), log, ready: () => false, timeoutMs: 15_000 });
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(marker, 'utf8'));
    } catch { /* free */ }
    if (owner && owner !== process.pid && alive(owner)) process.stdout.write(`overlap ${owner} ${process.pid}\n`);
    fs.writeFileSync(marker, String(process.pid));
    // A victim announces that it holds the lock and lingers, so the test SIGKILLs a real holder.
    if (role === 'victim') process.stdout.write('holding\n');
    await new Promise((r) => setTimeout(r, role === 'victim' ? 5000 : 5 + Math.random() * 15));
    fs.writeFileSync(marker, '');
    lock.release();
  }
  process.stdout.write('done\n');
})();
