// Real kubectl → exec plugin (bin/kubelogin --login azurecli) → fake az on PATH (emulator-signed token) → fake API server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../helpers/cluster';
import { FakeCli } from '../helpers/fake-az';
import { execUser } from '../helpers/kubeconfig';
import { runKubectl } from '../helpers/run';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '9c9c9c9c-0000-4000-8000-000000000001';
const IDENTITY = '9c9c9c9c-0000-4000-8000-0000000000c1';

describe('kubectl with an azurecli exec user', () => {
  let cluster: Cluster;
  let fake: FakeCli;
  let kubeconfig: string;

  before(async () => {
    cluster = await startCluster({ audience: SERVER_ID });
    const { emu, dir } = cluster;
    emu.addManagedIdentity({ clientId: IDENTITY, systemAssigned: true });
    fake = new FakeCli(dir, { imdsUrl: emu.miUrl });
    fake.signIn([{ id: '9c9c9c9c-0000-4000-8000-0000000000a1', tenantId: TENANT, user: 'dev@contoso.example', isDefault: true }]);
    // As convert-kubeconfig --azure-config-dir writes it: AZURE_CONFIG_DIR in the exec env.
    const args = ['get-token', '--login', 'azurecli', '--server-id', SERVER_ID, '--cache-dir', path.join(dir, 'cache')];
    kubeconfig = cluster.kubeconfig('kubeconfig.yaml', execUser(args, { AZURE_CONFIG_DIR: fake.azureConfigDir }, { interactiveMode: 'Never' }));
  });
  after(() => cluster.close());

  // kubectl's own environment carries the PATH with the fake az, as a shell would.
  const kubectl = (args: string[]) =>
    runKubectl(args, { kubeconfig, env: { PATH: fake.env().PATH, FAKE_AZ_CONFIG: fake.configFile }, timeoutMs: 30_000 });

  it('kubectl get namespaces succeeds with the token az gave, and the next kubectl uses the cached token', async () => {
    const r = await kubectl(['get', 'namespaces', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^namespace\/default$/m);
    const seen = cluster.api.requests.filter((q) => q.path === '/api/v1/namespaces');
    assert.deepEqual([seen.at(-1)!.status, seen.at(-1)!.aud, seen.at(-1)!.appid], [200, SERVER_ID, IDENTITY]);
    assert.deepEqual(fake.calls('az').map((c) => [c.args[3], c.azureConfigDir]), [[SERVER_ID, fake.azureConfigDir]]);

    const again = await kubectl(['get', 'namespace', 'default', '-o', 'name']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fake.calls('az').length, 1);
  });

  it('after az logout, kubectl fails with the plugin\'s one-line error', async () => {
    fs.rmSync(path.join(fake.azureConfigDir, 'azureProfile.json'));
    const r = await kubectl(['get', 'namespaces']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Error: Azure CLI is not logged in: run `az login`/);
    assert.match(r.stderr, /getting credentials: exec: executable .*kubelogin failed with exit code 1/);
  });
});
