// Builds the CommonJS bundles: dist/kubelogin.cjs (bin/kubelogin links to it) answers a hit the hit
// index knows, dist/start.cjs loads the others when it cannot; dist/main.cjs is the light path; dist/pop.cjs the PoP hit
// (signing with the cached key); dist/heavy.cjs (minified) holds MSAL, yargs and js-yaml and is
// required only on a miss (see docs/cache.md). Then a training run writes `<bundle>.cache`, the V8
// code caches dist/start.cjs (src/platform/bundles.ts) compiles them with.
// undici, needed only behind a proxy, gets its own dist/undici.cjs, so a run without one never parses
// it and a global install (which ignores package-lock.json) runs the undici we tested. Only the native
// keyring module stays an installed dependency.
import { execFileSync, execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {
  // not a git checkout (e.g. an npm tarball): the commit stays unknown
}
const define = {
  __KUBELOGIN_VERSION__: JSON.stringify(pkg.version),
  __KUBELOGIN_COMMIT__: JSON.stringify(commit),
  __KUBELOGIN_BUILD_TIME__: JSON.stringify(new Date().toISOString()),
};
// The loader uses a bundle's code cache only with the bundle it was made for.
const buildId = randomBytes(16).toString('hex');
const footer = { js: `//# kubelogin-build ${buildId}` };
// heavy.cjs's require('undici') loads the sibling bundle instead of node_modules.
const undiciBundle = { name: 'undici-bundle', setup: (b) => b.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.cjs', external: true })) };
// ASCII output: one non-ASCII character makes V8 hold the whole source as two-byte text (slower to scan).
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', legalComments: 'none', charset: 'ascii', define };
for (const b of ['main', 'heavy', 'pop']) rmSync(`dist/${b}.cjs.cache`, { force: true });
await Promise.all([
  // bin/kubelogin links here: the fast hit alone, minified (every byte of it is compiled on every run).
  build({ ...common, entryPoints: ['src/bin.ts'], outfile: 'dist/kubelogin.cjs', external: ['./start.cjs'], banner: { js: '#!/usr/bin/env node' }, minify: true }),
  // The rest of the start-up, required by kubelogin.cjs when its fast hit cannot answer.
  build({ ...common, entryPoints: ['src/start.ts'], outfile: 'dist/start.cjs', minify: true }),
  build({ ...common, entryPoints: ['src/main.ts'], outfile: 'dist/main.cjs', external: ['./heavy.cjs', './pop.cjs'], footer }),
  // The PoP hit (node:crypto, the keyring module): required by main.cjs for --pop-enabled only.
  build({ ...common, entryPoints: ['src/commands/get-token-pop-hit.ts'], outfile: 'dist/pop.cjs', external: ['@napi-rs/keyring'], footer }),
  // keepNames: error classes and MSAL's errors are told apart by their name.
  build({ ...common, entryPoints: ['src/heavy.ts'], outfile: 'dist/heavy.cjs', external: ['@napi-rs/keyring'], plugins: [undiciBundle], minify: true, keepNames: true, footer }),
  build({ ...common, entryPoints: ['undici'], outfile: 'dist/undici.cjs', minify: true }),
]);

chmodSync('dist/kubelogin.cjs', 0o755);

// The training run is bundled like the product (plain node, no loader), into a temporary file.
const trainer = '.tmp/code-cache.cjs';
await build({ ...common, entryPoints: ['scripts/code-cache.ts'], outfile: trainer });
try {
  execFileSync(process.execPath, [trainer, 'dist', buildId], { stdio: ['ignore', 'ignore', 'inherit'], env: {} });
} catch (err) {
  // Hits still work without it, only slower: say so and go on.
  console.warn(`build: no code cache for the bundles (${err.message.split('\n')[0]})`);
} finally {
  rmSync(trainer, { force: true });
}
