// The cache hit is the product: it must be served by dist/main.cjs alone (node built-ins), never
// loading dist/heavy.cjs and with it MSAL, jose, yargs, js-yaml or the keyring module (nor node:crypto).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { quickParse } from '../../../src/cli/argv';
import { resolveTokenOptions } from '../../../src/cli/options';
import { cacheKey, identityFor } from '../../../src/cache/key';
import { tokenFilePath } from '../../../src/cache/token-file';
import { acquireLock } from '../../../src/cache/lock';
import { createLogger } from '../../../src/platform/log';
import { kubeloginBin } from '../../helpers/paths';
import { makeTempDir } from '../../helpers/tmp';

const HOOK = `process.on('exit', () => require('fs').writeFileSync(process.env.MODULES_OUT, JSON.stringify({ files: Object.keys(require.cache), builtins: process.moduleLoadList })));`;

function warmCache(args: string[], env: Record<string, string>): string {
  const parsed = quickParse(args)!;
  const o = resolveTokenOptions(parsed.flags, env).options;
  const file = tokenFilePath(o.cacheDir, cacheKey(identityFor(o, env)));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify({ v: 1, token: 'cached-access-token', expiresOn: Date.now() + 24 * 3600_000 }), { mode: 0o600 });
  return file;
}

function hooked(args: string[], env: Record<string, string>, entry = [kubeloginBin, 'get-token']) {
  const dir = makeTempDir();
  const hook = path.join(dir, 'hook.cjs');
  const out = path.join(dir, 'modules.json');
  fs.writeFileSync(hook, HOOK);
  const argv = ['--require', hook, ...entry, ...args];
  const options = { env: { PATH: process.env.PATH!, ...env, MODULES_OUT: out }, encoding: 'utf8' as const };
  const loaded = () => JSON.parse(fs.readFileSync(out, 'utf8')) as { files: string[]; builtins: string[] };
  return { argv, options, loaded };
}

function run(args: string[], env: Record<string, string>, entry?: string[]) {
  const h = hooked(args, env, entry);
  const r = spawnSync(process.execPath, h.argv, h.options);
  const { files, builtins } = h.loaded();
  return { ...r, modules: files, builtins };
}

const bundles = (modules: string[]) => modules.filter((m) => !m.endsWith('hook.cjs')).map((m) => path.relative(path.dirname(path.dirname(kubeloginBin)), m)).sort();

describe('the cache-hit path', () => {
  const args = ['--login', 'spn', '--server-id', 'srv', '--client-id', 'app', '--tenant-id', 'ten', '--client-secret', 'x'];

  it('prints the cached token loading only bin/kubelogin and dist/main.cjs', () => {
    const env = { HOME: makeTempDir() };
    warmCache(args, env);
    const r = run(args, env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).status.token, 'cached-access-token');
    assert.deepEqual(bundles(r.modules), ['bin/kubelogin', 'dist/main.cjs']);
    // node:crypto's start-up (OpenSSL) alone costs ~3 ms, a tenth of a hit: the key is hashed in plain JS.
    assert.ok(!r.builtins.includes('NativeModule crypto'), 'node:crypto is not loaded');
  });

  // Every built-in module costs start-up time (process.stdout alone loads ~20 stream modules, a
  // signal handler signal_wrap, node:os its binding). Beyond what Node loads to run an empty script,
  // a hit loads only node:vm (bin/kubelogin compiles the bundle with its code cache). A new entry
  // here is a slower hit: remove it from the hit path rather than adding it to this list.
  it('loads no Node built-in beyond an empty script\'s, except node:vm', () => {
    const env = { HOME: makeTempDir() };
    warmCache(args, env);
    const empty = path.join(makeTempDir(), 'empty.cjs');
    fs.writeFileSync(empty, '');
    const baseline = new Set(run([], env, [empty]).builtins);
    const r = run(args, env);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.builtins.filter((m) => !baseline.has(m)), ['NativeModule vm']);
  });

  it('the same hook sees dist/heavy.cjs on a miss (the check can fail)', () => {
    const env = { HOME: makeTempDir() };
    const r = run([...args, '--authority-host', 'https://127.0.0.1:9/', '--timeout', '2s'], env);
    assert.equal(r.status, 1);
    assert.ok(r.modules.some((m) => m.endsWith(path.join('dist', 'heavy.cjs'))), r.modules.join('\n'));
  });

  it('--force-refresh does not serve the fresh cached token: the run goes on to the full path', () => {
    const env = { HOME: makeTempDir() };
    warmCache(args, env);
    const r = run([...args, '--force-refresh', '--authority-host', 'https://127.0.0.1:9/', '--timeout', '2s'], env);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.ok(r.modules.some((m) => m.endsWith(path.join('dist', 'heavy.cjs'))));
  });

  it('--force-refresh waiting on a peer\'s lock takes the token the peer writes, in the light bundle', async () => {
    const env = { HOME: makeTempDir() };
    const file = warmCache(args, env);
    const o = resolveTokenOptions(quickParse(args)!.flags, env).options;
    const key = cacheKey(identityFor(o, env));
    const peer = await acquireLock(o.cacheDir, key, { signal: AbortSignal.timeout(5000), log: createLogger(0), ready: () => false });
    const h = hooked([...args, '--force-refresh'], env);
    const child = spawn(process.execPath, h.argv, { env: h.options.env });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 400));
    fs.writeFileSync(file, JSON.stringify({ v: 1, token: 'peer-refreshed-token', expiresOn: Date.now() + 3600_000 }), { mode: 0o600 });
    peer.release();
    assert.equal(await exited, 0);
    assert.equal(JSON.parse(stdout).status.token, 'peer-refreshed-token', 'not the older cached-access-token');
    assert.deepEqual(bundles(h.loaded().files), ['bin/kubelogin', 'dist/main.cjs']);
  });
});
