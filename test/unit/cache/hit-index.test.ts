// The hit index (src/cache/hit-index.ts): its key must hold everything the light path's answer depends
// on and no secret; its file is bounded, validated and written only when something changed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SECRET_ENV, type Env } from '../../../src/cli/env';
import { TOKEN_FLAGS } from '../../../src/cli/flags';
import { resolveTokenOptions, validateTokenOptions, type SetFlags } from '../../../src/cli/options';
import { fileStamp, filesUnchanged, hitIndexPath, INDEX_VERSION, indexedCacheDir, INVOCATION_ENV, invocationOf, lookupHit, rememberHit } from '../../../src/cache/hit-index';
import { cacheKey, identityFor } from '../../../src/cache/key';
import { readExecInfo, V1, V1BETA1 } from '../../../src/kube/exec-credential';
import { LOGIN_METHODS } from '../../../src/login/methods';
import { makeTempDir } from '../../helpers/tmp';

const KEY = 'a'.repeat(40);
const secret = new Set<string>(SECRET_ENV);

/** Every env name the light path reads to answer (resolution, validation, the key, the apiVersion), over many inputs. */
function namesRead(): Set<string> {
  const seen = new Set<string>();
  const recorder = (base: Env) => new Proxy(base, {
    get: (t, k) => (typeof k === 'string' && seen.add(k), t[k as string]),
    has: (t, k) => (typeof k === 'string' && seen.add(k), k in t),
    ownKeys: () => { throw new Error('the environment was enumerated: the index could not know what it depends on'); },
  });
  const flagSets: SetFlags[] = [[], [['client-id', 'c'], ['tenant-id', 't']], [['use-azurerm-env-vars', true]], [['disable-environment-override', true]]];
  for (const login of LOGIN_METHODS) {
    for (const extra of flagSets) {
      const env = recorder({ HOME: '/home/u' });
      const { options } = resolveTokenOptions([['login', login], ['server-id', 's'], ...extra], env);
      try { validateTokenOptions(options); } catch { /* only what it reads matters */ }
      cacheKey(identityFor(options, env));
      readExecInfo(env.KUBERNETES_EXEC_INFO);
    }
  }
  return seen;
}

describe('the hit index', () => {
  it('is keyed by every variable the light path reads except secrets, and by nothing else the flags table does not name', () => {
    const indexed = new Set<string>(INVOCATION_ENV);
    const missing = [...namesRead()].filter((n) => !secret.has(n) && !indexed.has(n));
    assert.deepEqual(missing, []);
    const tableNames = new Set<string>(['HOME', 'KUBECACHEDIR', 'KUBERNETES_EXEC_INFO', 'AZURE_CONFIG_DIR', 'AZD_CONFIG_DIR']);
    for (const f of TOKEN_FLAGS) {
      const byLogin = Object.values(f.env?.byLogin ?? {}).flatMap((b) => b.names);
      for (const n of [...(f.env?.names ?? []), ...(f.env?.azurerm ?? []), ...(f.env?.own ?? []), ...byLogin]) tableNames.add(n);
    }
    assert.deepEqual([...indexed].sort(), [...tableNames].filter((n) => !secret.has(n)).sort());
  });

  it('leaves secrets out because they decide no identity: changing every secret variable keeps the key', () => {
    for (const login of LOGIN_METHODS) {
      const key = (env: Env) => cacheKey(identityFor(resolveTokenOptions([['login', login], ['server-id', 's'], ['client-id', 'c'], ['tenant-id', 't']], env).options, env));
      const withSecrets = Object.fromEntries(SECRET_ENV.map((n) => [n, `value-of-${n}`]));
      assert.equal(key({ HOME: '/h', ...withSecrets }), key({ HOME: '/h' }), login);
    }
    const inv = invocationOf(['--login', 'spn'], { HOME: '/h', AZURE_CLIENT_SECRET: 'hush-hush', AAD_USER_PRINCIPAL_PASSWORD: 'p4ss' });
    assert.doesNotMatch(inv, /hush-hush|p4ss/);
  });

  it('tells an unset variable from an empty one, and args apart by order', () => {
    assert.notEqual(invocationOf([], { HOME: '/h' }), invocationOf([], { HOME: '/h', AZURE_TENANT_ID: '' }));
    assert.notEqual(invocationOf(['--login', 'spn', '-v', '0'], {}), invocationOf(['-v', '0', '--login', 'spn'], {}));
    assert.equal(invocationOf(['a'], { HOME: '/h', UNRELATED: 'x' }), invocationOf(['a'], { HOME: '/h' }));
  });

  it('looks in the folder the args and environment name: last --cache-dir or --token-cache-dir, KUBECACHEDIR, HOME', () => {
    assert.equal(indexedCacheDir([], { HOME: '/home/u' }), path.join('/home/u', '.kube', 'cache', 'kubelogin'));
    assert.equal(indexedCacheDir([], { HOME: '/home/u', KUBECACHEDIR: '/k' }), '/k');
    assert.equal(indexedCacheDir(['--cache-dir', '/a', '--token-cache-dir=/b'], { KUBECACHEDIR: '/k' }), '/b');
    assert.equal(indexedCacheDir(['--token-cache-dir', '/b', '--cache-dir=/a'], {}), '/a');
    assert.equal(indexedCacheDir([], {}), undefined, 'no HOME: the fast path does not guess');
    // The light path indexes only when this agrees with the folder it resolved.
    for (const args of [[], ['--cache-dir', '/a'], ['--token-cache-dir=/b']]) {
      const env = { HOME: '/home/u' };
      const flags: SetFlags = args.length ? [[args[0].replace(/^--|=.*$/g, ''), args[1] ?? args[0].split('=')[1]]] : [];
      assert.equal(indexedCacheDir(args, env), resolveTokenOptions(flags, env).options.cacheDir);
    }
  });

  it('round-trips an entry in a 0600 file, and writes nothing when the entry is unchanged', () => {
    const dir = makeTempDir();
    fs.chmodSync(dir, 0o700);
    const inv = invocationOf(['--login', 'devicecode'], { HOME: '/h' });
    assert.equal(lookupHit(dir, inv), undefined);
    rememberHit(dir, inv, { key: KEY, apiVersion: V1 });
    assert.deepEqual(lookupHit(dir, inv), { key: KEY, apiVersion: V1 });
    assert.equal(fs.statSync(hitIndexPath(dir)).mode & 0o777, 0o600);
    const before = fs.statSync(hitIndexPath(dir)).ino;
    rememberHit(dir, inv, { key: KEY, apiVersion: V1 });
    assert.equal(fs.statSync(hitIndexPath(dir)).ino, before, 'not rewritten');
    rememberHit(dir, inv, { key: KEY, apiVersion: V1BETA1, popU: 'host' });
    assert.deepEqual(lookupHit(dir, inv), { key: KEY, apiVersion: V1BETA1, popU: 'host' });
  });

  it('keeps the newest 32 entries and stays under its size bound', () => {
    const dir = makeTempDir();
    const inv = (i: number) => invocationOf(['--server-id', `s${i}`, '--pad', 'x'.repeat(1500)], {});
    for (let i = 0; i < 40; i++) rememberHit(dir, inv(i), { key: KEY, apiVersion: V1 });
    assert.ok(fs.statSync(hitIndexPath(dir)).size <= 64 * 1024);
    assert.ok(lookupHit(dir, inv(39)), 'the newest is kept');
    assert.equal(lookupHit(dir, inv(0)), undefined, 'the oldest went');
    const kept = Object.keys(JSON.parse(fs.readFileSync(hitIndexPath(dir), 'utf8')).hits).length;
    assert.ok(kept > 1 && kept <= 32, String(kept));
  });

  it('an entry of a mode whose identity reads files serves only while each file keeps its stamp', () => {
    const dir = makeTempDir();
    const profile = path.join(dir, 'azureProfile.json');
    fs.writeFileSync(profile, '{"subscriptions":[{"id":"a","isDefault":true}]}');
    const inv = invocationOf(['--login', 'azurecli'], {});
    rememberHit(dir, inv, { key: KEY, apiVersion: V1, files: [[profile, fileStamp(profile)]] });
    const hit = lookupHit(dir, inv)!;
    assert.deepEqual(hit.files, [[profile, fileStamp(profile)]]);
    assert.ok(filesUnchanged(hit));
    fs.writeFileSync(profile, '{"subscriptions":[{"id":"b","isDefault":true}]}'); // az account set: same size, rewritten
    assert.equal(filesUnchanged(hit), false);
    fs.rmSync(profile);
    assert.equal(fileStamp(profile), 'none');
    assert.equal(filesUnchanged(hit), false);
    assert.ok(filesUnchanged({ key: KEY, apiVersion: V1 }), 'no files: nothing to check');
    const file = hitIndexPath(dir);
    const hits = { [inv]: { key: KEY, apiVersion: V1, files: [[profile]] } };
    fs.writeFileSync(file, JSON.stringify({ v: INDEX_VERSION, hits }), { mode: 0o600 });
    assert.equal(lookupHit(dir, inv), undefined, 'a malformed stamp list is no entry');
  });

  it('does not index an invocation too long to be worth the space', () => {
    const dir = makeTempDir();
    const inv = invocationOf([], { KUBERNETES_EXEC_INFO: 'x'.repeat(5000) });
    rememberHit(dir, inv, { key: KEY, apiVersion: V1 });
    assert.equal(fs.existsSync(hitIndexPath(dir)), false);
  });

  /** An index that would answer `inv`, were it read: each case spoils it one way. */
  const good = (inv: string) => JSON.stringify({ v: INDEX_VERSION, hits: { [inv]: { key: KEY, apiVersion: V1 } } });
  const damaged: Array<[string, (file: string, inv: string) => void]> = [
    ['not JSON', (f, inv) => fs.writeFileSync(f, good(inv).slice(0, -3), { mode: 0o600 })],
    ['another version', (f, inv) => fs.writeFileSync(f, good(inv).replace(`"v":${INDEX_VERSION}`, `"v":${INDEX_VERSION + 1}`), { mode: 0o600 })],
    ['a key that is a path', (f, inv) => fs.writeFileSync(f, good(inv).replace(KEY, '../../../etc/passwd'), { mode: 0o600 })],
    ['an unknown apiVersion', (f, inv) => fs.writeFileSync(f, good(inv).replace(V1, 'v9'), { mode: 0o600 })],
    ['readable by others', (f, inv) => fs.writeFileSync(f, good(inv), { mode: 0o644 })],
    ['a symbolic link', (f, inv) => {
      fs.writeFileSync(`${f}.real`, good(inv), { mode: 0o600 });
      fs.symlinkSync(`${f}.real`, f);
    }],
    ['a FIFO', (f) => assert.equal(spawnSync('mkfifo', ['-m', '600', f]).status, 0)],
  ];
  for (const [name, plant] of damaged) {
    it(`an index that is ${name} is no entry`, () => {
      const dir = makeTempDir();
      const inv = invocationOf(['x'], {});
      const file = hitIndexPath(dir);
      fs.mkdirSync(path.dirname(file), { mode: 0o700 });
      fs.writeFileSync(file, good(inv), { mode: 0o600 });
      assert.ok(lookupHit(dir, inv), 'the unspoilt index answers');
      fs.rmSync(file);
      plant(file, inv);
      assert.equal(lookupHit(dir, inv), undefined);
    });
  }
});
