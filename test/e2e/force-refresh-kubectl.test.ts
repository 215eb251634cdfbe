// Real kubectl with KUBELOGIN_FORCE_REFRESH=true: the kubeconfig's args stay as they are, the variable
// reaches the plugin through kubectl's environment and one command gets a new token.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator';
import { startCluster, type Cluster } from '../helpers/cluster';
import { emulatorEnv } from '../helpers/env';
import { execUser } from '../helpers/kubeconfig';
import { runKubectl } from '../helpers/run';

const SERVER_ID = 'e2e-force-refresh-server';
const TENANT = 'e2e-force-tenant';
const APP = 'e2e-force-app';
const SECRET = 'e2e-force-secret-0123456789';

describe('kubectl with KUBELOGIN_FORCE_REFRESH', () => {
  let cluster: Cluster;
  let emu: Emulator;

  before(async () => {
    cluster = await startCluster({ audience: SERVER_ID });
    emu = cluster.emu;
    emu.addApp({ clientId: APP, tenantId: TENANT, secret: SECRET });
  });
  after(() => cluster.close());

  it('a plain second command is a cache hit; with the variable set it asks Entra ID again, once', async () => {
    const args = ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP, '--tenant-id', TENANT,
      '--authority-host', emu.authorityHost, '--cache-dir', path.join(cluster.dir, 'cache')];
    const config = cluster.kubeconfig('force.yaml', execUser(args, { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET }, { interactiveMode: 'Never' }));
    const kubectl = (env: Record<string, string> = {}) => runKubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig: config, env: { ...emulatorEnv(emu), ...env }, timeoutMs: 30_000 });
    const runs: Array<Record<string, string>> = [{}, {}, { KUBELOGIN_FORCE_REFRESH: 'true' }, {}];
    for (const env of runs) {
      const r = await kubectl(env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^namespace\/default$/m);
    }
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials' }), 2);
  });
});
