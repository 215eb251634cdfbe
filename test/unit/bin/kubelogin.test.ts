// bin/kubelogin: a link to dist/kubelogin.cjs, which (through dist/start.cjs) starts dist/main.cjs and
// its sibling bundles with the build's V8 code caches, ignores a cache that does not belong to the
// bundle, and says "not built" when the bundles are missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { kubeloginBin, repoRoot } from '../../helpers/paths';
import { makeTempDir } from '../../helpers/tmp';

const dist = path.join(repoRoot, 'dist');

/** A copy of the package layout (dist/kubelogin.cjs + start.cjs [+ main.cjs + cache]) in a temporary folder. */
function install(cache?: (real: Buffer) => Buffer): string {
  const root = makeTempDir();
  fs.mkdirSync(path.join(root, 'dist'));
  for (const f of ['kubelogin.cjs', 'start.cjs']) fs.copyFileSync(path.join(dist, f), path.join(root, 'dist', f));
  fs.chmodSync(path.join(root, 'dist', 'kubelogin.cjs'), 0o755);
  if (cache) {
    fs.copyFileSync(path.join(dist, 'main.cjs'), path.join(root, 'dist', 'main.cjs'));
    fs.writeFileSync(path.join(root, 'dist', 'main.cjs.cache'), cache(fs.readFileSync(path.join(dist, 'main.cjs.cache'))));
  }
  return path.join(root, 'dist', 'kubelogin.cjs');
}

const version = (bin: string) => spawnSync(bin, ['--version'], { encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: makeTempDir() } });

describe('bin/kubelogin', () => {
  it('is a link to dist/kubelogin.cjs, which the build made executable with a node shebang', () => {
    assert.equal(fs.readlinkSync(kubeloginBin), path.join('..', 'dist', 'kubelogin.cjs'));
    assert.ok((fs.statSync(kubeloginBin).mode & 0o111) !== 0);
    assert.ok(fs.readFileSync(kubeloginBin, 'utf8').startsWith('#!/usr/bin/env node\n'));
  });

  for (const bundle of ['main.cjs', 'heavy.cjs', 'pop.cjs']) {
    it(`the build wrote a code cache that V8 accepts for dist/${bundle}`, () => {
      const cache = fs.readFileSync(path.join(dist, `${bundle}.cache`));
      const source = fs.readFileSync(path.join(dist, bundle), 'utf8');
      assert.ok(source.endsWith(`\n//# kubelogin-build ${cache.subarray(0, 32).toString('latin1')}\n`), 'the cache names this build');
      const wrap = (module.constructor as unknown as { wrap: (s: string) => string }).wrap;
      const script = new vm.Script(wrap(source), { filename: bundle, cachedData: cache.subarray(32) });
      assert.equal(script.cachedDataRejected, false);
    });
  }

  // Only the hit runs from main.cjs; --version needs dist/heavy.cjs, so these copies check the error path
  // through main.cjs's own code: it must run whatever the cache holds.
  for (const [name, cache] of [
    ['garbage after the right build id', (real: Buffer) => Buffer.concat([real.subarray(0, 32), Buffer.alloc(200, 7)])],
    ['another build id', (real: Buffer) => Buffer.concat([Buffer.from('0'.repeat(32)), real.subarray(32)])],
    ['an empty file', () => Buffer.alloc(0)],
  ] as const) {
    it(`runs the bundle when the cache is ${name}`, () => {
      const r = version(install(cache));
      // main.cjs ran (it looked for heavy.cjs next to itself, which this copy lacks).
      assert.match(r.stderr, /heavy\.cjs/);
      assert.doesNotMatch(r.stderr, /SyntaxError|cachedData|main\.cjs is missing/);
    });
  }

  it('says it is not built when the bundles are missing, with nothing on stdout', () => {
    const bin = install();
    const r = version(bin);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `Error: kubelogin is not built (dist/main.cjs is missing): run \`bash scripts/setup.sh\` (or \`npm run build\` after \`npm ci\`) in ${path.dirname(path.dirname(bin))}\n`);
  });

  it('runs through a symlink, as npm installs it', () => {
    const link = path.join(makeTempDir(), 'kubelogin');
    fs.symlinkSync(kubeloginBin, link);
    const r = version(link);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\d+\.\d+\.\d+/);
  });
});
