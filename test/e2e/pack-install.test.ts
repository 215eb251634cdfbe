// What a user installs: `npm pack` (prepack builds dist/) → `npm install -g --prefix <empty dir> <tarball>`
// with npm's install-scripts policy as it is → the installed `kubelogin`, found on PATH, serves the real
// kubectl against the emulator under the Node that runs this test (scripts/test.sh runs it on 20, 22, 24).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../helpers/cluster';
import { emulatorEnv } from '../helpers/env';
import { repoRoot } from '../helpers/paths';
import { runKubectl, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '77777777-1111-4222-8333-444455556666';
const APP = '77777777-aaaa-4bbb-8ccc-000000000001';
const SECRET = 'pack~Spn.Secret-value_0123456789';
const BUS = process.env.DBUS_SESSION_BUS_ADDRESS;
/** Packing happens in a copy, so prepack's build never rewrites the dist/ other test files are running. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', '.tmp']);
/** Install scripts npm would have to run (npm 11 does not run them unless approved); a package with one is broken here. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** npm with this process's environment (its cache), minus the npm_* variables `npm test` adds (they would steer it). */
function npm(args: string[], cwd: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') || k === 'npm_config_cache'));
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=warn'], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
}

function packageJsons(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f) === 'package.json').map((f) => path.join(dir, f));
}

function duBytes(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).reduce((n, f) => n + fs.lstatSync(path.join(dir, f)).size, 0);
}

describe('the packed tarball, installed globally into an empty prefix', () => {
  let cluster: Cluster;
  let packed: { files: { path: string }[]; filename: string };
  let prefix: string;
  let installed: string;

  before(async () => {
    const work = makeTempDir('kubelogin-pack-');
    const src = path.join(work, 'src');
    fs.cpSync(repoRoot, src, { recursive: true, filter: (from) => !NOT_COPIED.has(path.relative(repoRoot, from).split(path.sep)[0]) });
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(src, 'node_modules'));
    [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], src));
    prefix = path.join(work, 'prefix');
    npm(['install', '--global', '--prefix', prefix, '--prefer-offline', path.join(work, packed.filename)], work);
    installed = path.join(prefix, 'lib', 'node_modules', 'entra-kubelogin');
    cluster = await startCluster({ audience: SERVER_ID });
    cluster.emu.addApp({ clientId: APP, tenantId: TENANT, secret: SECRET });
  }, { timeout: 240_000 });
  after(() => cluster?.close());

  const onPath = () => ({ PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}` });

  it('holds only what runs: the dist/ bundles prepack built (the bin is dist/kubelogin.cjs), README, LICENSE, package.json', () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const f of ['LICENSE', 'README.md', 'dist/kubelogin.cjs', 'dist/start.cjs', 'dist/heavy.cjs', 'dist/main.cjs', 'package.json']) assert.ok(files.includes(f), `${f} is packed`);
    const stray = files.filter((f) => !/^dist\//.test(f) && !['LICENSE', 'README.md', 'package.json'].includes(f));
    assert.deepEqual(stray, []);
    assert.ok(!files.some((f) => f.endsWith('.ts') || f.endsWith('.map')), files.join(' '));
  });

  it('installs without install scripts or a compiler: the only installed dependencies are the keyring module and its prebuilt', () => {
    const pkgs = packageJsons(path.join(installed, 'node_modules')).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as { name: string; scripts?: Record<string, string>; gypfile?: boolean });
    const names = [...new Set(pkgs.map((p) => p.name).filter(Boolean))].sort();
    assert.deepEqual(names.filter((n) => !n.startsWith('@napi-rs/keyring')), [], names.join(' '));
    assert.ok(names.includes('@napi-rs/keyring-linux-x64-gnu'), names.join(' '));
    for (const p of pkgs) {
      assert.deepEqual(INSTALL_SCRIPTS.filter((s) => p.scripts?.[s]), [], `${p.name} has no install script`);
      assert.ok(!p.gypfile, `${p.name} needs no compiler`);
    }
    assert.ok(duBytes(prefix) < 10 * 1024 * 1024, `install is ${(duBytes(prefix) / 1e6).toFixed(1)} MB`);
  });

  it('`kubelogin --version` on PATH runs under the Node that runs this test', () => {
    const out = execFileSync('kubelogin', ['--version'], { env: { ...onPath(), HOME: makeTempDir() }, encoding: 'utf8' });
    assert.match(out, /^kubelogin version/m);
    assert.match(out, new RegExp(`^Node version: ${process.version.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('kubectl runs the installed kubelogin: a miss signs in, the next calls are cache hits (the last from the hit index)', async () => {
    const { emu, api, dir } = cluster;
    emu.reset();
    const cacheDir = path.join(dir, 'cache');
    const args = ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP, '--tenant-id', TENANT,
      '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
    const kubeconfig = cluster.kubeconfig('installed.yaml', { exec: { command: 'kubelogin', args, env: { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET }, interactiveMode: 'Never' } });
    const kubectl = (): Promise<RunResult> => runKubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig, env: { ...emulatorEnv(emu), ...onPath(), DBUS_SESSION_BUS_ADDRESS: BUS }, timeoutMs: 60_000 });
    for (const round of [1, 2, 3]) {
      const r = await kubectl();
      assert.equal(r.code, 0, `round ${round}: ${r.stderr}`);
      assert.match(r.stdout, /^namespace\/default$/m);
      // The second call's light path indexed the invocation, which the third finds.
      assert.equal(fs.existsSync(path.join(cacheDir, 'hits', 'index.json')), round >= 2, `round ${round}`);
    }
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials' }), 1, 'the second kubectl call was served from the cache');
    const last = api.requests.filter((q) => q.path === '/api/v1/namespaces').at(-1)!;
    assert.deepEqual([last.status, last.aud, last.appid], [200, SERVER_ID, APP]);
  });

  it('the native keyring module loads: the MSAL cache on disk is sealed with the keyring-held key', { skip: !BUS && 'no D-Bus session (run through `npm test`)' }, () => {
    const cacheDir = path.join(cluster.dir, 'cache');
    const envelopes = fs.readdirSync(cacheDir, { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(cacheDir, f))
      .filter((f) => fs.statSync(f).isFile())
      .map((f) => { try { return JSON.parse(fs.readFileSync(f, 'utf8')) as { alg?: string }; } catch { return {}; } })
      .filter((j) => j && typeof j.alg === 'string');
    assert.ok(envelopes.length > 0, 'an MSAL cache file was written');
    assert.deepEqual(envelopes.map((e) => e.alg), envelopes.map(() => 'A256GCM'));
  });
});
