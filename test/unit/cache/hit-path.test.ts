// The cache hit is the product. An invocation the hit index knows is served by dist/kubelogin.cjs alone
// (bin/kubelogin links to it), loading no built-in an empty script does not; any other hit by the light
// path in dist/main.cjs (through dist/start.cjs). Neither loads dist/heavy.cjs and with it MSAL, jose,
// yargs, js-yaml or the keyring module (nor node:crypto, except to sign a PoP token).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lightParse } from '../../../src/cli/argv';
import { resolveTokenOptions } from '../../../src/cli/options';
import { cacheKey, identityFor } from '../../../src/cache/key';
import { tokenFilePath } from '../../../src/cache/token-file';
import { acquireLock } from '../../../src/cache/lock';
import { createLogger } from '../../../src/platform/log';
import { popFilePath, sealPopEntry } from '../../../src/cache/pop-entry';
import { newPopKey, popKid } from '../../../src/login/pop-token';
import { kubeloginBin } from '../../helpers/paths';
import { makeTempDir } from '../../helpers/tmp';

const HOOK = `process.on('exit', () => require('fs').writeFileSync(process.env.MODULES_OUT, JSON.stringify({ files: Object.keys(require.cache), builtins: process.moduleLoadList })));`;

function warmCache(args: string[], env: Record<string, string>): string {
  const parsed = lightParse(args)!;
  const o = resolveTokenOptions(parsed.flags, env).options;
  const key = cacheKey(identityFor(o, env));
  const file = tokenFilePath(o.cacheDir, key);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify({ v: 1, id: key, token: 'cached-access-token', expiresOn: Date.now() + 24 * 3600_000 }), { mode: 0o600 });
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

/** The built-ins Node loads to run a script of `source`; an empty one is what any hit is measured against. */
function scriptBuiltins(env: Record<string, string>, source = ''): Set<string> {
  const script = path.join(makeTempDir(), 'script.cjs');
  fs.writeFileSync(script, source);
  return new Set(run([], env, [script]).builtins);
}

/** What a hit the index does not know loads (the args below carry a secret flag: never indexed). */
const LIGHT = ['dist/kubelogin.cjs', 'dist/main.cjs', 'dist/start.cjs'];

const bundles = (modules: string[]) => modules.filter((m) => !m.endsWith('hook.cjs')).map((m) => path.relative(path.dirname(path.dirname(kubeloginBin)), m)).sort();

describe('the cache-hit path', () => {
  const args = ['--login', 'spn', '--server-id', 'srv', '--client-id', 'app', '--tenant-id', 'ten', '--client-secret', 'x'];
  /** The same without the secret flag (a hit needs no secret), so the light path indexes it. */
  const indexable = args.slice(0, -2);

  it('an indexed invocation is answered by dist/kubelogin.cjs alone, with the same bytes, loading no built-in an empty script does not', () => {
    const env = { HOME: makeTempDir() };
    warmCache(indexable, env);
    const baseline = scriptBuiltins(env);
    const first = run(indexable, env);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(bundles(first.modules), LIGHT, 'the first hit takes the light path, which indexes it');
    const second = run(indexable, env);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.stderr, '');
    assert.deepEqual(bundles(second.modules), ['dist/kubelogin.cjs']);
    assert.deepEqual(second.builtins.filter((m) => !baseline.has(m)), []);
  });

  it('the light path prints the cached token loading only dist/kubelogin.cjs, start.cjs and main.cjs', () => {
    const env = { HOME: makeTempDir() };
    warmCache(args, env);
    const r = run(args, env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).status.token, 'cached-access-token');
    assert.deepEqual(bundles(r.modules), LIGHT);
    // node:crypto's start-up (OpenSSL) alone costs ~3 ms, a tenth of a hit: the key is hashed in plain JS.
    assert.ok(!r.builtins.includes('NativeModule crypto'), 'node:crypto is not loaded');
  });

  // Every built-in module costs start-up time (process.stdout alone loads ~20 stream modules, a
  // signal handler signal_wrap, node:os its binding). Beyond what Node loads to run an empty script,
  // a hit loads only node:vm (bin/kubelogin compiles the bundle with its code cache). A new entry
  // here is a slower hit: remove it from the hit path rather than adding it to this list.
  it('the light path loads no Node built-in beyond an empty script\'s, except node:vm', () => {
    const env = { HOME: makeTempDir() };
    warmCache(args, env);
    const baseline = scriptBuiltins(env);
    const r = run(args, env);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.builtins.filter((m) => !baseline.has(m)), ['NativeModule vm']);
  });

  // Another process on the pipe can have made it non-blocking; a full pipe then answers EAGAIN and
  // the rest goes through process.stdout, which waits. The credential must still arrive whole.
  it('writes the whole credential to a full non-blocking pipe', async () => {
    const env = { HOME: makeTempDir() };
    warmCache(args, env);
    const dir = makeTempDir();
    const fifo = path.join(dir, 'stdout');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    let filled = 0;
    for (const size of [4096, 1]) {
      for (;;) {
        try {
          filled += fs.writeSync(writer, Buffer.alloc(size, 120));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break;
          throw err;
        }
      }
    }
    // libuv hands a child blocking stdio; as a sibling Node process would, the preload makes fd 1
    // non-blocking again (process.stdout does) and records what fs.writeSync(1) met.
    const preload = path.join(dir, 'preload.cjs');
    const log = path.join(dir, 'writes.log');
    fs.writeFileSync(preload, `
      const fs = require('fs');
      process.stdout;
      const writeSync = fs.writeSync;
      fs.writeSync = function (fd, ...rest) {
        try { return writeSync.call(this, fd, ...rest); }
        catch (e) { if (fd === 1) fs.appendFileSync(${JSON.stringify(log)}, e.code + '\\n'); throw e; }
      };`);
    const child = spawn(process.execPath, ['--require', preload, kubeloginBin, 'get-token', ...args], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', writer, 'pipe'] });
    fs.closeSync(writer);
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    await new Promise((r) => setTimeout(r, 500)); // the plugin meets the full pipe
    const chunks: Buffer[] = [];
    const drain = () => {
      const buf = Buffer.alloc(65536);
      for (;;) {
        try {
          const n = fs.readSync(reader, buf);
          if (n === 0) return;
          chunks.push(Buffer.from(buf.subarray(0, n)));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return;
          throw e;
        }
      }
    };
    const timer = setInterval(drain, 5);
    const status = await exited;
    clearInterval(timer);
    drain();
    fs.closeSync(reader);
    assert.equal(status, 0, err);
    const text = Buffer.concat(chunks).toString('utf8');
    assert.equal(text.length, filled + text.slice(filled).length);
    assert.equal(JSON.parse(text.slice(filled)).status.token, 'cached-access-token');
    assert.ok(text.endsWith('}\n'));
    assert.equal(fs.readFileSync(log, 'utf8'), 'EAGAIN\n', 'the plugin met the full pipe');
  });

  it('a PoP hit signs with the cached key: the light path through dist/pop.cjs, then the fast hit alone (no heavy bundle, no jose)', async () => {
    const env = { HOME: makeTempDir() };
    const popArgs = [...indexable, '--pop-enabled', '--pop-claims', 'u=/subscriptions/s/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c'];
    const o = resolveTokenOptions(lightParse(popArgs)!.flags, env).options;
    const key = cacheKey(identityFor(o, env));
    const jwk = await newPopKey();
    const file = popFilePath(o.cacheDir, key);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, sealPopEntry({ v: 1, token: 'cached-pop-access-token', expiresOn: Date.now() + 3600_000, key: jwk }, key, undefined), { mode: 0o600 });
    const r = run(popArgs, env);
    assert.equal(r.status, 0, r.stderr);
    const token: string = JSON.parse(r.stdout).status.token;
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(payload.at, 'cached-pop-access-token');
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).kid, popKid(jwk));
    assert.deepEqual(bundles(r.modules), [...LIGHT, 'dist/pop.cjs'].sort());
    // The light path indexed it: the next identical run signs in the fast path, without dist/main.cjs.
    const again = run(popArgs, env);
    assert.equal(again.status, 0, again.stderr);
    assert.notEqual(JSON.parse(again.stdout).status.token, token, 'a fresh PoP token each run');
    assert.equal(JSON.parse(Buffer.from(JSON.parse(again.stdout).status.token.split('.')[1], 'base64url').toString('utf8')).at, 'cached-pop-access-token');
    assert.deepEqual(bundles(again.modules), ['dist/kubelogin.cjs'], 'signed by the fast hit alone');
    // Beyond an empty script's built-ins, only what node:crypto itself loads: signing needs it, nothing else does.
    const cryptoBuiltins = scriptBuiltins(env, "require('node:crypto');");
    const baseline = scriptBuiltins(env);
    const extra = again.builtins.filter((m) => !baseline.has(m));
    assert.ok(extra.includes('NativeModule crypto'), extra.join(', '));
    assert.deepEqual(extra.filter((m) => !cryptoBuiltins.has(m)), []);
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
    const o = resolveTokenOptions(lightParse(args)!.flags, env).options;
    const key = cacheKey(identityFor(o, env));
    const peer = await acquireLock(o.cacheDir, key, { signal: AbortSignal.timeout(5000), log: createLogger(0), ready: () => false });
    const h = hooked([...args, '--force-refresh'], env);
    const child = spawn(process.execPath, h.argv, { env: h.options.env });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 400));
    fs.writeFileSync(file, JSON.stringify({ v: 1, id: key, token: 'peer-refreshed-token', expiresOn: Date.now() + 3600_000 }), { mode: 0o600 });
    peer.release();
    assert.equal(await exited, 0);
    assert.equal(JSON.parse(stdout).status.token, 'peer-refreshed-token', 'not the older cached-access-token');
    assert.deepEqual(bundles(h.loaded().files), LIGHT);
  });
});
