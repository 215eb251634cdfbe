// The benches import the TypeScript emulator and test helpers: run the calling script once more under
// tsx (the parent only waits and passes the exit code on).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function reexecUnderTsx(scriptUrl) {
  if (process.env.KUBELOGIN_BENCH_TSX) return;
  const args = ['--import', 'tsx', fileURLToPath(scriptUrl), ...process.argv.slice(2)];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, KUBELOGIN_BENCH_TSX: '1' } });
  process.exit(r.status ?? 1);
}
