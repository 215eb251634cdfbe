// bin/kubelogin is a link to dist/kubelogin.cjs, this file built: the process's first code and, like
// src/main.ts, a process boundary. A cache hit the hit index knows is answered here
// (src/commands/get-token-fast.ts) with nothing else loaded or parsed (a PoP hit loads node:crypto to
// sign), as cheap as starting Node gets: every byte here is compiled on every run. Anything else
// requires dist/start.cjs (src/start.ts), which goes on with a sealed PoP entry or dist/main.cjs.
import { findIndexedHit, plainCredential, popCredential, type FastHit } from './commands/get-token-fast';
import { writeStdout } from './platform/stdout';

let found: FastHit | undefined;
let credential: string | undefined;
try {
  found = findIndexedHit(process.argv.slice(2), process.env);
  const popU = found?.hit.popU;
  if (found) credential = popU === undefined ? plainCredential(found, Date.now()) : popCredential(found, popU, Date.now());
} catch {
  // A fault here must never fail a run: the light path serves it, or reports it properly.
  found = undefined;
}
if (credential !== undefined) {
  // Written whole: leave at once. process.exit skips Node's teardown of a heap nobody needs any more
  // (~0.2 ms of a 22 ms run, measured); with the rest still queued on process.stdout, Node exits when it drains.
  if (writeStdout(credential)) process.exit(0);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
else (require('./start.cjs') as typeof import('./start')).start(found);
