// bin/kubelogin get-token --login azd with a fake `azd` on PATH that hands out real emulator-signed tokens.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { execCredentialOf, verifiedClaims } from '../helpers/assert';
import { FakeCli, type FakeToolBehaviour } from '../helpers/fake-az';
import { runKubelogin, type EnvPatch, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '8d8d8d8d-0000-4000-8000-000000000001';
const AZD_ARGS = ['auth', 'token', '--output', 'json', '--scope', `${SERVER_ID}/.default`];

describe('get-token --login azd', () => {
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator();
    emu.addManagedIdentity({ clientId: '8d8d8d8d-0000-4000-8000-0000000000c1', systemAssigned: true });
  });
  after(() => emu.close());

  function run(args: string[], azd: FakeToolBehaviour = {}, env: EnvPatch = {}): Promise<RunResult & { fake: FakeCli }> {
    const fake = new FakeCli(makeTempDir('kubelogin-azd-'), { imdsUrl: emu.miUrl, azd });
    return runKubelogin(['get-token', '--login', 'azd', '--server-id', SERVER_ID, ...args], { env: { ...fake.env(), ...env }, timeoutMs: 25_000 }).then((r) => ({ ...r, fake }));
  }

  async function verified(r: RunResult): Promise<{ token: string; expiry: string; exp: number }> {
    const { status } = execCredentialOf(r);
    const { exp } = await verifiedClaims(emu, status.token, SERVER_ID);
    return { token: status.token, expiry: status.expirationTimestamp, exp: exp! };
  }

  const cases: Array<{ name: string; args: string[]; env?: EnvPatch; azdArgs: string[] }> = [
    { name: 'asks azd for the scope', args: [], azdArgs: AZD_ARGS },
    { name: '--tenant-id is passed as --tenant-id', args: ['--tenant-id', TENANT], azdArgs: [...AZD_ARGS, '--tenant-id', TENANT] },
    { name: 'AZURE_TENANT_ID is passed as --tenant-id', args: [], env: { AZURE_TENANT_ID: TENANT }, azdArgs: [...AZD_ARGS, '--tenant-id', TENANT] },
  ];
  for (const c of cases) {
    it(`${c.name}; prints its token and RFC 3339 expiry`, async () => {
      const r = await run(c.args, {}, c.env);
      const { expiry, exp } = await verified(r);
      assert.equal(expiry, new Date(exp * 1000).toISOString().replace('.000Z', 'Z'));
      assert.deepEqual(r.fake.calls('azd').map((call) => call.args), [c.azdArgs]);
    });
  }

  it('not logged in: one line saying to run azd auth login', async () => {
    const r = await run([], { loggedIn: false });
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'Error: Azure Developer CLI is not logged in: run `azd auth login`\n']);
  });

  it('azd not on PATH', async () => {
    const r = await run([], {}, { PATH: makeTempDir('kubelogin-empty-path-') });
    assert.deepEqual([r.code, r.stderr], [1, 'Error: Azure Developer CLI not found on PATH: install it (https://aka.ms/azd-install) or pick another --login\n']);
  });

  it('another azd error: its ERROR line', async () => {
    const r = await run([], { exitCode: 1, stderr: 'ERROR: fetching token: failed to resolve tenant\n' });
    assert.deepEqual([r.code, r.stderr], [1, 'Error: azd auth token failed: fetching token: failed to resolve tenant\n']);
  });

  it('AZURE_CLI_TIMEOUT=1s with a slow azd: a timeout error, quickly', async () => {
    const r = await run([], { delayMs: 15_000 }, { AZURE_CLI_TIMEOUT: '1s' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: Azure Developer CLI did not answer within 1s: check that `azd auth token` works, or raise --timeout (AZURE_CLI_TIMEOUT)\n');
    assert.ok(r.durationMs < 4_000, `${r.durationMs} ms`);
  });

  it('a second run is served from the token file without calling azd', async () => {
    const fake = new FakeCli(makeTempDir('kubelogin-azd-'), { imdsUrl: emu.miUrl });
    const env = { ...fake.env(), HOME: makeTempDir('kubelogin-azd-home-') };
    const args = ['get-token', '--login', 'azd', '--server-id', SERVER_ID];
    const first = await verified(await runKubelogin(args, { env }));
    const second = await verified(await runKubelogin(args, { env }));
    assert.equal(second.token, first.token);
    assert.equal(fake.calls('azd').length, 1);
  });

  it('azd auth login/logout (a rewritten config.json) means a new key: azd is asked again', async () => {
    const fake = new FakeCli(makeTempDir('kubelogin-azd-'), { imdsUrl: emu.miUrl });
    const azdDir = makeTempDir('kubelogin-azd-config-');
    const env = { ...fake.env(), HOME: makeTempDir('kubelogin-azd-home-'), AZD_CONFIG_DIR: azdDir };
    const args = ['get-token', '--login', 'azd', '--server-id', SERVER_ID];
    fs.writeFileSync(path.join(azdDir, 'config.json'), '{"auth":{"account":{"currentUser":{"homeAccountId":"alice"}}}}');
    await verified(await runKubelogin(args, { env }));
    await verified(await runKubelogin(args, { env }));
    assert.equal(fake.calls('azd').length, 1, 'second run served from cache');
    fs.writeFileSync(path.join(azdDir, 'config.json'), '{"auth":{"account":{"currentUser":{"homeAccountId":"bob-the-other"}}}}');
    await verified(await runKubelogin(args, { env }));
    assert.equal(fake.calls('azd').length, 2, 'a new sign-in is asked for a token again');
  });
});
