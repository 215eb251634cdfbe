// The fast hit through bin/kubelogin: the light path indexes a plain invocation it served, the next
// identical run answers the same bytes from the index, and whatever the light path would refuse or
// treat differently (a loosened folder or file, a stale token, another apiVersion, -v, a secret flag)
// is never served from the index.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { execCredentialOf, tokenOf } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { bundleRecorder } from '../helpers/bundle-recorder';
import { FakeCli } from '../helpers/fake-az';
import { runKubelogin, type EnvPatch } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://hit-index-cluster';
const TENANT = 'tenant-hit-index';
const SPN = { clientId: 'app-hit-index', secret: 'secret-hit-index-0123456789' };

describe('the hit index', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
    emu.addApp({ ...SPN, tenantId: TENANT });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  /** As a kubeconfig written by convert-kubeconfig runs it in CI: the secret in the environment. */
  const args = (cacheDir: string, ...extra: string[]) => ['get-token', '--login', 'spn', '--server-id', SERVER_ID,
    '--client-id', SPN.clientId, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...extra];
  const secretEnv = { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret };
  // HOME is part of the invocation: one per test, as a user has one.
  const run = (cacheDir: string, extra: string[] = [], env: EnvPatch = {}) =>
    runKubelogin(args(cacheDir, ...extra), { env: { ...emulatorEnv(emu), HOME: cacheDir, ...secretEnv, ...env } });
  /** The bundles a run loaded, through a preload (NODE_OPTIONS is no part of the invocation). */
  const loadedBy = async (cacheDir: string) => {
    const recorder = bundleRecorder();
    const r = await run(cacheDir, [], recorder.env);
    return { r, bundles: recorder.bundles() };
  };
  const grants = () => emu.count({ endpoint: 'token', grantType: 'client_credentials' });
  const index = (cacheDir: string) => path.join(cacheDir, 'hits', 'index.json');
  const tokenFile = (cacheDir: string) => {
    const [name] = fs.readdirSync(path.join(cacheDir, 'tokens')).filter((f) => f.endsWith('.json'));
    return path.join(cacheDir, 'tokens', name);
  };

  /** Miss, then a light hit that indexes the invocation: returns what the light hit printed. */
  async function indexed(cacheDir: string, env: EnvPatch = {}) {
    await run(cacheDir, [], env);
    assert.equal(fs.existsSync(index(cacheDir)), false, 'a miss does not index');
    const light = await run(cacheDir, [], env);
    execCredentialOf(light);
    assert.ok(fs.existsSync(index(cacheDir)), 'the light hit indexed the invocation');
    return light;
  }

  it('the next identical run prints the same bytes without a request; the index holds no secret', async () => {
    const dir = makeTempDir();
    const light = await indexed(dir);
    const { r: fast, bundles } = await loadedBy(dir);
    assert.deepEqual(bundles, ['kubelogin.cjs'], 'answered by the fast hit alone');
    assert.equal(fast.code, 0, fast.stderr);
    assert.equal(fast.stdout, light.stdout);
    assert.equal(fast.stderr, '');
    assert.equal(grants(), 1);
    assert.equal(fs.statSync(index(dir)).mode & 0o777, 0o600);
    assert.doesNotMatch(fs.readFileSync(index(dir), 'utf8'), new RegExp(SPN.secret));
  });

  it('a folder others can write is refused as the light path refuses it: a warning and a new request', async () => {
    const dir = makeTempDir();
    await indexed(dir);
    fs.chmodSync(dir, 0o777);
    const r = await run(dir);
    tokenOf(r);
    assert.match(r.stderr, /writable by other users/);
    assert.equal(grants(), 2);
  });

  it('a token file others can read is not served by the fast hit: the full path tightens it first', async () => {
    const dir = makeTempDir();
    const light = await indexed(dir);
    fs.chmodSync(tokenFile(dir), 0o644);
    const r = await run(dir);
    assert.equal(tokenOf(r), tokenOf(light));
    assert.equal(fs.statSync(tokenFile(dir)).mode & 0o777, 0o600);
  });

  it('a token within five minutes of expiry is not served from the index', async () => {
    const dir = makeTempDir();
    const light = await indexed(dir);
    const file = tokenFile(dir);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...entry, expiresOn: Date.now() + 60_000 }));
    const r = await run(dir);
    // Not the entry's expiry: the full path answered (from MSAL's cache, whose token has its real hour).
    assert.ok(Date.parse(execCredentialOf(r).status.expirationTimestamp) > Date.now() + 30 * 60_000, r.stdout);
    assert.equal(tokenOf(r), tokenOf(light));
  });

  it('another KUBERNETES_EXEC_INFO is another invocation: its apiVersion is answered', async () => {
    const dir = makeTempDir();
    await indexed(dir);
    const v1 = JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false } });
    for (const round of [1, 2]) {
      const r = await run(dir, [], { KUBERNETES_EXEC_INFO: v1 });
      assert.equal(execCredentialOf(r).apiVersion, 'client.authentication.k8s.io/v1', `round ${round}`);
    }
    assert.equal(Object.keys(JSON.parse(fs.readFileSync(index(dir), 'utf8')).hits).length, 2);
    assert.equal(grants(), 1);
  });

  it('a run with -v or a secret flag is never indexed, so it keeps its log lines', async () => {
    const dir = makeTempDir();
    await run(dir);
    for (const extra of [['-v', '5'], ['--client-secret', SPN.secret]]) {
      for (const round of [1, 2]) {
        const r = await run(dir, extra);
        tokenOf(r);
        if (extra[0] === '-v') assert.match(r.stderr, /served from cache/, `round ${round}`);
      }
    }
    assert.equal(fs.existsSync(index(dir)), false);
  });

  it('remove-tokens for the identity removes the index too', async () => {
    const dir = makeTempDir();
    await indexed(dir);
    const r = await runKubelogin(['remove-tokens', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', SPN.clientId, '--tenant-id', TENANT,
      '--authority-host', emu.authorityHost, '--cache-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.existsSync(index(dir)), false);
    tokenOf(await run(dir));
    assert.equal(grants(), 2, 'the next run signs in again');
  });

  describe('azurecli, whose identity reads az\'s profile', () => {
    const SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630';
    const TEN = '7e7e7e7e-0000-4000-8000-000000000001';
    const subs = (defaultSub: string) => ['a1', 'a2'].map((id) => ({ id: `7e7e7e7e-0000-4000-8000-0000000000${id}`, tenantId: TEN, user: 'dev@contoso.example', isDefault: id === defaultSub }));

    it('is a fast hit while azureProfile.json is unchanged, and not after `az account set` rewrote it', async () => {
      emu.addManagedIdentity({ clientId: '7e7e7e7e-0000-4000-8000-0000000000c1', systemAssigned: true });
      const fake = new FakeCli(makeTempDir('kubelogin-az-'), { imdsUrl: emu.miUrl });
      fake.signIn(subs('a1'));
      const home = makeTempDir();
      const recorder = bundleRecorder();
      const az = async () => {
        const r = await runKubelogin(['get-token', '--login', 'azurecli', '--server-id', SERVER], { env: { ...fake.env(), HOME: home, ...recorder.env }, timeoutMs: 25_000 });
        const loaded = recorder.bundles();
        return { token: tokenOf(r), fast: loaded.length === 1 && loaded[0] === 'kubelogin.cjs' };
      };
      const tokenCalls = () => fake.calls('az').filter((c) => c.args[1] === 'get-access-token').length;
      const first = await az();
      assert.deepEqual([(await az()).fast, (await az()).fast], [false, true], 'the light hit indexes it, the next is fast');
      assert.equal(tokenCalls(), 1);
      fake.signIn(subs('a2'));
      const switched = await az();
      assert.equal(switched.fast, false);
      assert.notEqual(switched.token, first.token, 'the new account\'s token');
      assert.equal(tokenCalls(), 2);
      await az();
      assert.equal((await az()).fast, true, 'indexed again with the new stamp');
    });
  });
});
