// remove-cache-dir / remove-tokens: the whole folder (upstream behaviour), one identity by flags, or
// the identity a kubeconfig context's `kubelogin get-token` entry runs as.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { oneErrorLine } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { writeKubeconfig } from '../helpers/kubeconfig';
import { kubeloginBin } from '../helpers/paths';
import { cleanEnv, collect, runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://remove-cluster';
const TENANT = 'tenant-remove';
const APPS = { a: { clientId: 'app-remove-a', secret: 'secret-remove-a-0123456789' }, b: { clientId: 'app-remove-b', secret: 'secret-remove-b-0123456789' } };
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;

describe('remove-cache-dir', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    for (const app of Object.values(APPS)) emu.addApp({ ...app, tenantId: TENANT });
  });
  after(() => emu.close());

  const identity = (app: { clientId: string; secret: string }) => ['--login', 'spn', '--server-id', SERVER_ID, '--client-id', app.clientId, '--tenant-id', TENANT, '--client-secret', app.secret, '--authority-host', emu.authorityHost];
  const getToken = (cacheDir: string, app: { clientId: string; secret: string }) => runKubelogin(['get-token', ...identity(app), '--cache-dir', cacheDir], { env: emulatorEnv(emu) });

  /** A cache folder holding both identities; returns the file names per identity. */
  async function twoIdentities(cacheDir = path.join(makeTempDir(), 'cache')) {
    assert.equal((await getToken(cacheDir, APPS.a)).code, 0);
    const afterA = fs.readdirSync(path.join(cacheDir, 'tokens'));
    assert.equal((await getToken(cacheDir, APPS.b)).code, 0);
    const b = fs.readdirSync(path.join(cacheDir, 'tokens')).filter((f) => !afterA.includes(f));
    return { cacheDir, a: afterA[0], b: b[0] };
  }
  const listing = (cacheDir: string) => ['tokens', 'msal', 'locks'].flatMap((d) => (fs.existsSync(path.join(cacheDir, d)) ? fs.readdirSync(path.join(cacheDir, d)).map((f) => `${d}/${f}`) : [])).sort();

  it('without identity flags deletes the whole cache folder', async () => {
    const { cacheDir } = await twoIdentities();
    const r = await runKubelogin(['remove-cache-dir', '--cache-dir', cacheDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(fs.existsSync(cacheDir), false);
  });

  it('a missing folder is not an error', async () => {
    const r = await runKubelogin(['remove-cache-dir', '--cache-dir', path.join(makeTempDir(), 'never-created')]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('remove-tokens (deprecated alias) does the same with --token-cache-dir', async () => {
    const { cacheDir } = await twoIdentities();
    const r = await runKubelogin(['remove-tokens', '--token-cache-dir', cacheDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.existsSync(cacheDir), false);
  });

  it('a folder that cannot be deleted: upstream\'s one-line error', { skip: !canUnshare && 'needs root and unshare -m for a read-only mount' }, async () => {
    const base = makeTempDir();
    const cacheDir = path.join(base, 'cache');
    const script = 'mount -t tmpfs tmpfs "$0" && mkdir -p "$0/cache/tokens" && echo x > "$0/cache/tokens/t.json" && mount -o remount,ro "$0" && exec "$@"';
    const r = await collect(spawn('unshare', ['-m', 'sh', '-c', script, base, process.execPath, kubeloginBin, 'remove-cache-dir', '--cache-dir', cacheDir], { env: cleanEnv() }));
    assert.match(oneErrorLine(r), new RegExp(`^Error: unable to delete authentication record cache in "${cacheDir}": .*read-only file system`, 'i'));
  });

  it('with identity flags deletes only that identity\'s token, MSAL cache and lock', async () => {
    const { cacheDir, a, b } = await twoIdentities();
    const key = (f: string) => path.basename(f, '.json');
    fs.writeFileSync(path.join(cacheDir, 'locks', `${key(a)}.lock`), 'stale');
    const r = await runKubelogin(['remove-cache-dir', '--cache-dir', cacheDir, ...identity(APPS.a)]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listing(cacheDir), [`msal/${key(b)}.json`, `tokens/${key(b)}.json`]);
    emu.reset();
    assert.equal((await getToken(cacheDir, APPS.b)).code, 0);
    assert.equal(emu.count({ endpoint: 'token' }), 0, 'the other identity is still cached');
    assert.equal((await getToken(cacheDir, APPS.a)).code, 0);
    assert.equal(emu.count({ endpoint: 'token' }), 1, 'the removed identity logs in again');
  });

  describe('--context', () => {
    function kubeconfigs(cacheDir: string): string {
      const dir = makeTempDir();
      const file = (ctx: string, app: { clientId: string; secret: string }, viaEnv: boolean) =>
        writeKubeconfig(path.join(dir, `${ctx}.yaml`), {
          server: 'https://127.0.0.1:1',
          caPem: emu.caPem,
          context: ctx,
          user: {
            exec: {
              command: 'kubelogin',
              // One entry names the client in the args, the other through the exec env, as az/convert write them.
              args: ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir,
                ...(viaEnv ? [] : ['--client-id', app.clientId])],
              env: viaEnv
                ? { AAD_SERVICE_PRINCIPAL_CLIENT_ID: app.clientId, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: app.secret }
                : { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: app.secret },
            },
          },
        });
      return [file('ctx-a', APPS.a, false), file('ctx-b', APPS.b, true)].join(path.delimiter);
    }

    it('deletes the identity of the context\'s exec entry (args and env), read from --kubeconfig or KUBECONFIG', async () => {
      const { cacheDir, a, b } = await twoIdentities();
      const kcs = kubeconfigs(cacheDir);
      const [fileA] = kcs.split(path.delimiter);
      const r1 = await runKubelogin(['remove-cache-dir', '--context', 'ctx-a', '--kubeconfig', fileA]);
      assert.equal(r1.code, 0, r1.stderr);
      assert.deepEqual(listing(cacheDir), [`msal/${path.basename(b)}`, `tokens/${b}`]);
      assert.ok(!listing(cacheDir).includes(`tokens/${a}`));
      const r2 = await runKubelogin(['remove-cache-dir', '--context', 'ctx-b'], { env: { KUBECONFIG: kcs } });
      assert.equal(r2.code, 0, r2.stderr);
      assert.deepEqual(listing(cacheDir), []);
      assert.ok(fs.existsSync(cacheDir), 'the folder itself stays');
    });

    it('an unknown context is a one-line error', async () => {
      const cacheDir = makeTempDir();
      const r = await runKubelogin(['remove-cache-dir', '--context', 'nope'], { env: { KUBECONFIG: kubeconfigs(cacheDir) } });
      assert.match(oneErrorLine(r), /^Error: no context exists with the name: "nope"/);
    });

    it('a context whose user is not a kubelogin get-token exec entry is a one-line error', async () => {
      const file = writeKubeconfig(path.join(makeTempDir(), 'config'), { server: 'https://127.0.0.1:1', caPem: emu.caPem, context: 'static', user: { token: 'static-token' } });
      const r = await runKubelogin(['remove-cache-dir', '--context', 'static', '--kubeconfig', file]);
      assert.match(oneErrorLine(r), /^Error: context "static" does not log in with kubelogin get-token/);
    });
  });
});
