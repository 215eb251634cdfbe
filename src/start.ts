// dist/start.cjs: what bin/kubelogin (src/bin.ts) requires when its fast hit cannot answer, so the fast
// hit never parses it: an indexed PoP identity whose entry the fast hit left (sealed, as it needs the
// keyring; or not servable, which dist/pop.cjs then finds too) is signed through dist/pop.cjs;
// everything else goes on in dist/main.cjs (the light path, then the full one). Both load through the
// code-cache loader.
import type { FastHit } from './commands/get-token-fast';
import type { PopHitInput } from './commands/get-token-pop-hit';
import { loadBundle, NotBuiltError } from './platform/bundles';
import { writeStdout } from './platform/stdout';

const dist = __dirname;

function mainBundle(): void {
  try {
    loadBundle(dist, 'main.cjs');
  } catch (err) {
    if (!(err instanceof NotBuiltError)) throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    process.exitCode = 1;
  }
}

/** A PoP entry: dist/pop.cjs signs a fresh PoP token with the cached key (or says it cannot). */
function popCredential({ cacheDir, hit }: FastHit, u: string): Promise<string | undefined> {
  const pop = loadBundle(dist, 'pop.cjs') as { popCacheHit(input: PopHitInput): Promise<string | undefined> };
  const stderr = (text: string) => process.stderr.write(text);
  const { key, apiVersion } = hit;
  return pop.popCacheHit({ cacheDir, u, key, apiVersion, env: process.env, now: Date.now, verbosity: 0, stderr });
}

/** Goes on from where the fast hit stopped: `found` is the run's hit-index entry, when it has one. */
export function start(found: FastHit | undefined): void {
  const popU = found?.hit.popU;
  if (found && popU !== undefined) {
    const answer = (credential: string | undefined) => {
      if (credential === undefined) mainBundle();
      else if (writeStdout(credential)) process.exit(0); // as src/bin.ts: no teardown once it is written
    };
    let signed: Promise<string | undefined>;
    try {
      signed = popCredential(found, popU);
    } catch {
      return mainBundle(); // dist/pop.cjs missing or broken: the light path says what is wrong
    }
    void signed.then(answer, mainBundle);
  } else mainBundle();
}
