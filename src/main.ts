// The process boundary: argv/env/stdio in, exit code out. The cache-hit path runs from this small
// CommonJS bundle; everything else is required from dist/heavy.cjs only on a miss.
import { lightGetToken, type Handover } from './commands/get-token-light';
import { failureOf } from './platform/log';
import { writeStdout } from './platform/stdout';

const stderr = (text: string) => process.stderr.write(text);
let heavyLoaded = false;

async function main(argv: string[]): Promise<number> {
  // One --timeout deadline for the whole run: the full path continues the light path's clock.
  let handover: Handover = { startedAt: Date.now() };
  if (argv[0] === 'get-token') {
    const result = await lightGetToken(argv.slice(1), process.env, handover.startedAt, Date.now, stderr, exitOnSignals);
    if ('hit' in result) {
      // Written whole: leave without Node's teardown, as src/bin.ts does (nothing else is running).
      if (writeStdout(result.hit)) process.exit(0);
      return 0;
    }
    handover = result.handover;
  }
  exitOnSignals();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const heavy = require('./heavy.cjs') as typeof import('./heavy');
  heavyLoaded = true;
  try {
    const tty = { stdinIsTTY: !!process.stdin.isTTY, stderrIsTTY: !!process.stderr.isTTY };
    return await heavy.run(argv, process.env, { stdout: (t: string) => process.stdout.write(t), stderr, ...tty }, handover);
  } catch (err) {
    const failure = failureOf(err);
    stderr(failure.line);
    return failure.exitCode;
  }
}

let signalsHandled = false;
/** Installed only once a run may hold a lock or temp files: a handler loads signal_wrap, which a hit does not need. */
function exitOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // Azure/kubelogin exits 1 on Ctrl-C too; 'exit' handlers (lock, temp files) still run.
      process.exit(1);
    });
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Off the hit path, a library handle (a browser listener, a keep-alive socket) must not keep kubectl
  // waiting: once stdout has drained, leave. ('exit' handlers still release locks and temp files.)
  if (heavyLoaded) {
    process.stdout.write('', () => process.exit(code));
  }
});
