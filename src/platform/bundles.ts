// How bin/kubelogin (dist/kubelogin.cjs) starts the other bundles of dist/ the cheapest way measured
// (issue 11): each is read by its known path (no module resolution) and compiled with the V8 code cache
// the build wrote next to it (`<bundle>.cache`: the bundle's 32-character build id, then V8's data), so
// the light path skips parsing and compiling main.cjs, and a miss most of heavy.cjs. A cache from
// another build is skipped by the id check; one from another Node version, V8 itself rejects.
// main.cjs requires its siblings (heavy.cjs, pop.cjs) through the same loader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of Node's CommonJS Module class a hand-made module needs (the same ones Node's own loader uses). */
interface ModuleClass {
  new (id: string, parent?: NodeJS.Module): NodeJS.Module;
  wrap(source: string): string;
  _nodeModulePaths(dir: string): string[];
  _cache: Record<string, NodeJS.Module>;
}

// Reached through this module's own object: require('node:module') would load the ESM loader and more.
const Module = module.constructor as unknown as ModuleClass;
const SIBLINGS = new Set(['./heavy.cjs', './pop.cjs']);

export class NotBuiltError extends Error {}

/** Runs `dist/<name>` (once per process, like require) and returns its exports. */
export function loadBundle(dist: string, name: string, parent?: NodeJS.Module): unknown {
  const file = join(dist, name);
  const done = Module._cache[file];
  if (done) return done.exports;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotBuiltError(`kubelogin is not built (dist/${name} is missing): run \`bash scripts/setup.sh\` (or \`npm run build\` after \`npm ci\`) in ${join(dist, '..')}`);
    throw err;
  }
  let cachedData: Buffer | undefined;
  try {
    const cache = readFileSync(`${file}.cache`);
    if (source.endsWith(`\n//# kubelogin-build ${cache.subarray(0, 32).toString('latin1')}\n`)) cachedData = cache.subarray(32);
  } catch {
    // no cache: V8 compiles the bundle from source
  }
  const m = new Module(file, parent);
  m.filename = file;
  m.paths = Module._nodeModulePaths(dist);
  Module._cache[file] = m;
  const req = (id: string): unknown => (SIBLINGS.has(id) ? loadBundle(dist, id.slice(2), m) : m.require(id));
  // node:vm only here, off the fast hit: loading it costs about what the whole fast hit does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Script } = require('node:vm') as typeof import('node:vm');
  const wrapper = new Script(Module.wrap(source), { filename: file, cachedData }).runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(m.exports, m.exports, req, m, file, dist);
  m.loaded = true;
  return m.exports;
}
