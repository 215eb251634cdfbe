// Runs this same kubelogin again as a child with another environment, its output going straight to
// ours. whoami --context uses it to run as kubectl would run the context's exec entry: with that
// entry's env from process start-up (NODE_EXTRA_CA_CERTS, proxy and managed-identity variables are
// read when Node or MSAL starts, not per request).
import { spawn } from 'node:child_process';

export function rerunSelf(args: string[], env: Record<string, string | undefined>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
