// Build step (scripts/build.mjs): writes the V8 code cache of each bundle, `<bundle>.cache` (the
// 32-character build id, then V8's data), which src/platform/bundles.ts compiles the bundles with. main.cjs's
// cache is made after one light-path hit run the way that loader runs it, and pop.cjs's after one PoP
// hit signed from a plain entry, so each holds every function its hit calls (a function left out is
// parsed and compiled on every run: ~3 ms of a PoP hit, measured); heavy.cjs's after loading it (its
// module set-up). Runs in its own process, with a temporary HOME.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { lightParse } from '../src/cli/argv';
import { resolveTokenOptions } from '../src/cli/options';
import { cacheKey, identityFor } from '../src/cache/key';
import { tokenFilePath } from '../src/cache/token-file';
import { popFilePath, sealPopEntry } from '../src/cache/pop-entry';
import { newPopKey, popKid } from '../src/login/pop-token';
import type { PopHitInput } from '../src/commands/get-token-pop-hit';

const [dist, buildId] = process.argv.slice(2);
const wrap = (module.constructor as unknown as { wrap: (s: string) => string }).wrap;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelogin-code-cache-'));
process.on('exit', () => fs.rmSync(home, { recursive: true, force: true }));

/** Compiles and runs a bundle as src/platform/bundles.ts does; its cache is saved when the process ends well. */
function run(name: string): unknown {
  const file = path.resolve(dist, name);
  const script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), { filename: file });
  const mod = { exports: {} };
  type Wrapper = (this: unknown, exports: unknown, req: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  (script.runInThisContext() as Wrapper).call(mod.exports, mod.exports, require, mod, file, path.dirname(file));
  process.on('exit', (code) => {
    if (code === 0) fs.writeFileSync(`${file}.cache`, Buffer.concat([Buffer.from(buildId, 'latin1'), script.createCachedData()]));
  });
  return mod.exports;
}

run('heavy.cjs');

// A PoP hit from a plain entry (the keyring is asked only for a sealed one), as dist/start.cjs calls it;
// then the light-path hit, which ends the process (process.exit), so it must come last.
async function popHit(): Promise<void> {
  const pop = run('pop.cjs') as { popCacheHit(input: PopHitInput): Promise<string | undefined> };
  const cacheDir = path.join(home, 'pop-cache');
  const key = 'code-cache-training';
  const jwk = await newPopKey();
  fs.mkdirSync(path.join(cacheDir, 'pop'), { recursive: true, mode: 0o700 });
  const entry = { v: 1 as const, token: 'code-cache-training', expiresOn: Date.now() + 3600_000, key: jwk, kid: popKid(jwk) };
  fs.writeFileSync(popFilePath(cacheDir, key), sealPopEntry(entry, key, undefined), { mode: 0o600 });
  const signed = await pop.popCacheHit({ cacheDir, u: 'training', key, apiVersion: 'client.authentication.k8s.io/v1beta1', env: {}, now: Date.now, verbosity: 0, stderr: () => {} });
  if (!signed) throw new Error('the PoP training hit was not served');
}

/** A hit for a typical AKS kubeconfig entry, from a warm token file. */
function lightHit(): void {
  const env = { HOME: home };
  const args = ['--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', '--client-id', '80faf920-1908-4b52-b5ef-a8e7bedfc67a', '--tenant-id', 'common', '--login', 'devicecode'];
  const options = resolveTokenOptions(lightParse(args)!.flags, env).options;
  const key = cacheKey(identityFor(options, env));
  const tokenFile = tokenFilePath(options.cacheDir, key);
  fs.mkdirSync(path.dirname(tokenFile), { recursive: true, mode: 0o700 });
  fs.writeFileSync(tokenFile, JSON.stringify({ v: 1, id: key, token: 'code-cache-training', expiresOn: Date.now() + 3600_000 }), { mode: 0o600 });
  process.env = env;
  process.argv = [process.argv[0], path.resolve(dist, 'main.cjs'), 'get-token', ...args];
  run('main.cjs');
}

popHit().then(lightHit, (err: unknown) => {
  console.error(`code cache: ${(err as Error).message}`);
  process.exitCode = 1;
});
