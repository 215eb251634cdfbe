// bin/kubelogin get-token --login azurecli with a fake `az` on PATH that hands out real emulator-signed
// tokens: the az command line, both expiry formats, error lines, the CLI timeout, and the cache keyed to
// az's signed-in account.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { execCredentialOf, verifiedClaims } from '../helpers/assert';
import { FakeCli, fakeAzDir, type FakeToolBehaviour } from '../helpers/fake-az';
import { collect, runKubelogin, spawnKubelogin, type EnvPatch, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '7e7e7e7e-0000-4000-8000-000000000001';
const SUB_1 = '7e7e7e7e-0000-4000-8000-0000000000a1';
const SUB_2 = '7e7e7e7e-0000-4000-8000-0000000000a2';
const AZ_ARGS = ['account', 'get-access-token', '--resource', SERVER_ID, '--output', 'json'];

describe('get-token --login azurecli', () => {
  let emu: Emulator;
  let fake: FakeCli;

  before(async () => {
    emu = await startEmulator();
    emu.addManagedIdentity({ clientId: '7e7e7e7e-0000-4000-8000-0000000000c1', systemAssigned: true });
  });
  after(() => emu.close());

  /** A fresh fake az signed in to SUB_1 (default) and SUB_2. */
  function setUp(az: FakeToolBehaviour = {}): FakeCli {
    fake = new FakeCli(makeTempDir('kubelogin-az-'), { imdsUrl: emu.miUrl, az });
    fake.signIn([
      { id: SUB_1, name: 'first', tenantId: TENANT, user: 'dev@contoso.example', isDefault: true },
      { id: SUB_2, name: 'second', tenantId: TENANT, user: 'dev@contoso.example' },
    ]);
    return fake;
  }
  beforeEach(() => void setUp());

  const getToken = (args: string[], env: EnvPatch = {}) =>
    runKubelogin(['get-token', '--login', 'azurecli', '--server-id', SERVER_ID, ...args], { env: { ...fake.env(), ...env }, timeoutMs: 25_000 });

  async function verified(r: RunResult, audience = SERVER_ID): Promise<{ token: string; expiry: string; exp: number }> {
    const { status } = execCredentialOf(r);
    const { exp } = await verifiedClaims(emu, status.token, audience);
    return { token: status.token, expiry: status.expirationTimestamp, exp: exp! };
  }

  it('prints the token az gives for the server id, with its expiry, under the 30 s default timeout', async () => {
    const r = await getToken(['-v', '5']);
    const { expiry, exp } = await verified(r);
    assert.equal(expiry, new Date(exp * 1000).toISOString().replace('.000Z', 'Z'));
    assert.deepEqual(fake.calls('az').map((c) => [c.args, c.azureConfigDir]), [[AZ_ARGS, fake.azureConfigDir]]);
    assert.match(r.stderr, /\(timeout 30s\)/);
  });

  describe('the az command line', () => {
    const cases: Array<{ name: string; args: string[]; env?: EnvPatch; azArgs: string[] }> = [
      { name: '--tenant-id becomes --tenant', args: ['--tenant-id', TENANT], azArgs: [...AZ_ARGS, '--tenant', TENANT] },
      { name: 'AZURE_TENANT_ID becomes --tenant', args: [], env: { AZURE_TENANT_ID: TENANT }, azArgs: [...AZ_ARGS, '--tenant', TENANT] },
      { name: '-s becomes --subscription', args: ['-s', SUB_2], azArgs: [...AZ_ARGS, '--subscription', SUB_2] },
      { name: 'a subscription name is passed as given', args: ['--subscription', 'second'], azArgs: [...AZ_ARGS, '--subscription', 'second'] },
      { name: 'a trailing slash is trimmed from the resource', args: ['--server-id', 'api://aks-server/'], azArgs: ['account', 'get-access-token', '--resource', 'api://aks-server', '--output', 'json'] },
      { name: 'a trailing /.default is trimmed from the resource', args: ['--server-id', 'api://aks-server/.default'], azArgs: ['account', 'get-access-token', '--resource', 'api://aks-server', '--output', 'json'] },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const r = await getToken(c.args, c.env);
        await verified(r, c.azArgs[3]);
        assert.deepEqual(fake.calls('az').map((c) => c.args), [c.azArgs]);
      });
    }
  });

  it('reads the local-time expiresOn of az before 2.54 (no expires_on), in the local time zone', async () => {
    setUp({ format: 'old' });
    const r = await getToken([], { TZ: 'Asia/Kolkata' });
    const { expiry, exp } = await verified(r);
    assert.equal(expiry, new Date(exp * 1000).toISOString().replace('.000Z', 'Z'));
  });

  describe('errors are one line saying what to do', () => {
    it('not logged in', async () => {
      fs.rmSync(path.join(fake.azureConfigDir, 'azureProfile.json'));
      const r = await getToken([]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'Error: Azure CLI is not logged in: run `az login`\n']);
    });

    it('az not on PATH', async () => {
      const r = await getToken([], { PATH: makeTempDir('kubelogin-empty-path-') });
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'Error: Azure CLI not found on PATH: install it (https://aka.ms/azure-cli) or pick another --login\n']);
    });

    it('another az error: its ERROR line, without the token it may contain', async () => {
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4eXoiLCJzdWIiOiJhYmMifQ.c2lnbmF0dXJlLXZhbHVl';
      setUp({ exitCode: 1, stderr: `WARNING: something first\nERROR: AADSTS70043: The refresh token has expired due to sign-in frequency checks. token ${jwt}\nmore\n` });
      const r = await getToken([]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: az account get-access-token failed: AADSTS70043: The refresh token has expired due to sign-in frequency checks\. token \[REDACTED-JWT\] \(sign in again: run `az login`\)\n$/);
      assert.ok(!r.stderr.includes(jwt.split('.')[1]));
    });

    it('an unknown subscription', async () => {
      const r = await getToken(['-s', 'nope']);
      assert.deepEqual([r.code, r.stderr], [1, "Error: az account get-access-token failed: Subscription 'nope' not found. Check the spelling and casing and try again.\n"]);
    });

    it('a server id az cannot take', async () => {
      const r = await getToken(['--server-id', 'x --debug']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: --server-id "x --debug" contains characters that cannot be passed to the CLI/);
      assert.deepEqual(fake.calls('az'), []);
    });
  });

  describe('a slow az is killed at the timeout, with its process group', () => {
    const cases: Array<{ name: string; args: string[]; env: EnvPatch }> = [
      // 2 s, counted from the plugin's start (one deadline for the run): time for the fake to start its child.
      { name: 'AZURE_CLI_TIMEOUT=2s', args: [], env: { AZURE_CLI_TIMEOUT: '2s' } },
      { name: '--timeout 2s', args: ['--timeout', '2s'], env: {} },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const pidFile = path.join(makeTempDir('kubelogin-az-slow-'), 'grandchild.pid');
        setUp({ delayMs: 15_000, grandchildPidFile: pidFile });
        const r = await getToken(c.args, c.env);
        assert.equal(r.code, 1);
        assert.equal(r.stderr, 'Error: Azure CLI did not answer within 2s: check that `az account get-access-token` works, or raise --timeout (AZURE_CLI_TIMEOUT)\n');
        assert.ok(r.durationMs < 4_000, `${r.durationMs} ms`);
        assert.equal(await exitsWithin(Number(fs.readFileSync(pidFile, 'utf8')), 5_000), true, 'az\'s child was killed too');
      });
    }
  });

  it('SIGTERM while az runs: the plugin exits and takes az\'s process group with it', async () => {
    const pidFile = path.join(makeTempDir('kubelogin-az-term-'), 'grandchild.pid');
    setUp({ delayMs: 15_000, grandchildPidFile: pidFile });
    const child = spawnKubelogin(['get-token', '--login', 'azurecli', '--server-id', SERVER_ID], { env: fake.env() });
    const done = collect(child, { timeoutMs: 10_000 });
    while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8')) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const r = await done;
    assert.deepEqual([r.code, r.timedOut], [1, false]);
    assert.equal(await exitsWithin(Number(fs.readFileSync(pidFile, 'utf8')), 5_000), true);
  });

  it('caches per az account: a hit until `az account set` or `az logout` changes azureProfile.json', async () => {
    const env = { HOME: makeTempDir('kubelogin-az-home-') };
    const first = await verified(await getToken([], env));
    const hit = await verified(await getToken([], env));
    assert.equal(hit.token, first.token);
    assert.equal(fake.calls('az').length, 1);

    az(['account', 'set', '--subscription', SUB_2]);
    const switched = await verified(await getToken([], env));
    assert.notEqual(switched.token, first.token);
    assert.equal(fake.calls('az').filter((c) => c.args[1] === 'get-access-token').length, 2);
    await verified(await getToken([], env));
    assert.equal(fake.calls('az').filter((c) => c.args[1] === 'get-access-token').length, 2);

    az(['logout']);
    const out = await getToken([], env);
    assert.deepEqual([out.code, out.stderr], [1, 'Error: Azure CLI is not logged in: run `az login`\n']);
    assert.equal(fake.calls('az').filter((c) => c.args[1] === 'get-access-token').length, 3);
  });

  it('never prints the token on stderr, even at -v 9', async () => {
    const r = await getToken(['-v', '9']);
    const { token } = await verified(r);
    assert.ok(!r.stderr.includes(token.split('.')[2]));
  });

  /** Runs the fake az itself, as a user would. */
  function az(args: string[]): void {
    const r = spawnSync(path.join(fakeAzDir, 'az'), args, { env: { ...process.env, ...fake.env() }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
});

/** False for a process that is gone or a zombie waiting to be reaped. */
/**
 * The kill is sent before the plugin exits, but a killed process leaves /proc only once the kernel has
 * scheduled its exit: on a loaded machine that can be a moment later. A process that survives the kill
 * fails this within the bound; one that was killed passes as soon as it is gone.
 */
async function exitsWithin(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    if (!isRunning(pid)) return true;
  }
  return !isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
