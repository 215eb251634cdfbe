// A preload, given through NODE_OPTIONS (no part of the invocation, and passed on by kubectl to its exec
// plugin), that records which dist/ bundles the last kubelogin run loaded: the fast hit is kubelogin.cjs alone.
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir } from './tmp';

export function bundleRecorder(): { env: { NODE_OPTIONS: string }; bundles: () => string[] } {
  const out = path.join(makeTempDir(), 'modules.json');
  const hook = path.join(path.dirname(out), 'hook.cjs');
  fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache))));`);
  const bundles = () => (JSON.parse(fs.readFileSync(out, 'utf8')) as string[])
    .filter((f) => f.includes(`${path.sep}dist${path.sep}`)).map((f) => path.basename(f)).sort();
  return { env: { NODE_OPTIONS: `--require ${hook}` }, bundles };
}
