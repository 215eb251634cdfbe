// Real kubectl → exec plugin (bin/kubelogin --login spn) → Entra ID emulator → fake API server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator';
import type { ApiServer } from '../fake-apiserver';
import { startCluster, type Cluster } from '../helpers/cluster';
import { emulatorEnv } from '../helpers/env';
import { execUser } from '../helpers/kubeconfig';
import { runKubectl } from '../helpers/run';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '44444444-1111-4222-8333-444455556666';
const APP = '44444444-aaaa-4bbb-8ccc-000000000001';
const SECRET = 'e2e~Spn.Secret-value_0123456789';

describe('kubectl with an spn exec user', () => {
  let cluster: Cluster;
  let emu: Emulator;
  let api: ApiServer;

  before(async () => {
    cluster = await startCluster({ audience: SERVER_ID });
    ({ emu, api } = cluster);
    emu.addApp({ clientId: APP, tenantId: TENANT, secret: SECRET });
  });
  after(() => cluster.close());

  /** A kubeconfig whose user runs `kubelogin get-token --login spn` with the secret in exec.env. */
  function kubeconfig(name: string, secret: string, apiVersion = 'client.authentication.k8s.io/v1beta1'): string {
    const args = ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP, '--tenant-id', TENANT,
      '--authority-host', emu.authorityHost, '--cache-dir', path.join(cluster.dir, `${name}-cache`)];
    return cluster.kubeconfig(`${name}.yaml`, execUser(args, { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: secret }, { interactiveMode: 'Never', apiVersion }));
  }

  it('kubectl get namespaces succeeds with the token the plugin got', async () => {
    emu.reset();
    const r = await runKubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig: kubeconfig('ok', SECRET), env: emulatorEnv(emu), timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^namespace\/default$/m);
    const seen = api.requests.filter((q) => q.path === '/api/v1/namespaces');
    assert.ok(seen.length >= 1);
    assert.deepEqual([seen.at(-1)!.status, seen.at(-1)!.aud, seen.at(-1)!.appid], [200, SERVER_ID, APP]);
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials' }), 1);
  });

  it('an exec entry with apiVersion v1 gets a v1 ExecCredential, which kubectl accepts', async () => {
    emu.reset();
    const r = await runKubectl(['get', '--raw', '/version'], { kubeconfig: kubeconfig('v1', SECRET, 'client.authentication.k8s.io/v1'), env: emulatorEnv(emu), timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"gitVersion"/);
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials' }), 1);
  });

  it('kubectl fails with a wrong secret and shows the Entra ID error from the plugin', async () => {
    const r = await runKubectl(['get', 'namespaces'], { kubeconfig: kubeconfig('bad', 'e2e~Wrong-secret-value'), env: emulatorEnv(emu), timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Error: failed to get token: .*AADSTS7000215/);
    assert.match(r.stderr, /getting credentials: exec: executable .*kubelogin failed with exit code 1/);
    assert.ok(!r.stderr.includes('e2e~Wrong-secret-value'));
  });
});
