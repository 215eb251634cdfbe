// Many processes contend for one lock while some holders are SIGKILLed at random: the survivors go
// on (a dead holder's lock is broken at once) and no two live processes ever hold it together.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';
import { makeTempDir } from '../../helpers/tmp';

const CHILD = path.join(__dirname, 'lock-child.ts');

interface Started {
  child: ChildProcess;
  out: Promise<string>;
  holding: Promise<void>;
}

function start(dir: string, marker: string, rounds: number, role = 'worker'): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, marker, String(rounds), role], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let onHolding!: () => void;
  const holding = new Promise<void>((r) => (onHolding = r));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (out.includes('holding')) onHolding();
  });
  return { child, out: new Promise((r) => child.on('close', () => r(out))), holding };
}

it('5 processes × 30 rounds while 10 lock holders are SIGKILLed: no overlap, survivors finish', async () => {
  const dir = makeTempDir();
  const marker = path.join(dir, 'owner');
  const workers = Array.from({ length: 5 }, () => start(dir, marker, 30));
  const victims: Array<Promise<string>> = [];
  for (let k = 0; k < 10; k++) {
    const v = start(dir, marker, 1, 'victim');
    victims.push(v.out);
    await v.holding;
    await new Promise((r) => setTimeout(r, Math.random() * 30));
    v.child.kill('SIGKILL');
  }
  const outs = [...(await Promise.all(workers.map((w) => w.out))), ...(await Promise.all(victims))];
  const all = outs.join('');
  assert.equal((all.match(/overlap/g) ?? []).length, 0, all);
  assert.equal(outs.slice(5).filter((o) => o.includes('holding') && !o.includes('done')).length, 10, 'every victim died holding the lock');
  assert.equal(outs.slice(0, 5).filter((o) => o.includes('done')).length, 5, 'every surviving worker finished its rounds');
});
