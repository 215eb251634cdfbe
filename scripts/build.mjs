// Builds two CommonJS bundles: dist/main.cjs is the small cache-hit path; dist/heavy.cjs holds
// MSAL, jose, yargs and js-yaml and is required only on a miss (see docs/cache.md).
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {}
const define = {
  __KUBELOGIN_VERSION__: JSON.stringify(pkg.version),
  __KUBELOGIN_COMMIT__: JSON.stringify(commit),
  __KUBELOGIN_BUILD_TIME__: JSON.stringify(new Date().toISOString()),
};
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', legalComments: 'none', define };
await Promise.all([
  build({ ...common, entryPoints: ['src/main.ts'], outfile: 'dist/main.cjs', external: ['./heavy.cjs'] }),
  build({ ...common, entryPoints: ['src/heavy.ts'], outfile: 'dist/heavy.cjs', external: ['@napi-rs/keyring', 'undici'] }),
]);
