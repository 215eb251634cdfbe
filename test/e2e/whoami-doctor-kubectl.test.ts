// Real kubectl and bin/kubelogin whoami / doctor on one kubeconfig with two contexts (an spn and a
// user with groups), against the emulator and the fake API server: whoami reports the identity the
// API server saw, from the same cache kubectl's get-token runs use.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../emulator';
import type { ApiServer } from '../fake-apiserver';
import { startCluster, type Cluster } from '../helpers/cluster';
import { emulatorEnv } from '../helpers/env';
import { execUser, writeKubeconfigContexts } from '../helpers/kubeconfig';
import { runKubectl, runKubelogin } from '../helpers/run';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '13a0e2e0-1111-4222-8333-444455556666';
const SPN = { clientId: '13a0e2e0-aaaa-4bbb-8ccc-000000000001', secret: 'e2e~Whoami.Secret-0123456789' };
const PUBLIC_APP = '13a0e2e0-aaaa-4bbb-8ccc-000000000002';
const DEV = { username: 'dev@contoso.com', password: 'Dev-Pass-4711', groups: ['7e7e7e7e-1111-4222-8333-000000000001'] };

describe('kubectl, whoami and doctor on a kubeconfig with two contexts', () => {
  let cluster: Cluster;
  let emu: Emulator;
  let api: ApiServer;
  let kubeconfig: string;

  before(async () => {
    cluster = await startCluster({ audience: SERVER_ID });
    ({ emu, api } = cluster);
    emu.addApp({ ...SPN, tenantId: TENANT });
    emu.addApp({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
    emu.addUser({ ...DEV, tenantId: TENANT });
    const common = ['--server-id', SERVER_ID, '--tenant-id', TENANT, '--authority-host', emu.authorityHost];
    kubeconfig = writeKubeconfigContexts(path.join(cluster.dir, 'config'), api.url, api.caPem, [
      { context: 'ci', user: execUser(['get-token', '--login', 'spn', '--client-id', SPN.clientId, ...common, '--cache-dir', path.join(cluster.dir, 'ci-cache')],
        { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret }, { interactiveMode: 'Never' }) },
      { context: 'dev', user: execUser(['get-token', '--login', 'ropc', '--client-id', PUBLIC_APP, '--username', DEV.username, ...common, '--cache-dir', path.join(cluster.dir, 'dev-cache')],
        { AAD_USER_PRINCIPAL_PASSWORD: DEV.password }, { interactiveMode: 'Never' }) },
    ]);
  });
  after(() => cluster.close());

  const kubectl = (context: string) => runKubectl(['--context', context, 'get', 'namespaces', '-o', 'name'], { kubeconfig, env: emulatorEnv(emu), timeoutMs: 30_000 });
  const whoami = (context: string) => runKubelogin(['whoami', '--context', context, '-o', 'json', '--kubeconfig', kubeconfig], { env: emulatorEnv(emu), timeoutMs: 30_000 });

  it('after kubectl, whoami --context reports a cache hit and the identity the API server saw, for each context', async () => {
    emu.reset();
    for (const [context, want] of [['ci', { kind: 'app', user: null, groups: [] }], ['dev', { kind: 'user', user: DEV.username, groups: DEV.groups }]] as const) {
      const k = await kubectl(context);
      assert.equal(k.code, 0, k.stderr);
      const seen = api.requests.at(-1)!;
      const r = await whoami(context);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.deepEqual([j.source, j.kind, j.user, j.groups, j.audienceMatchesServerId], ['cache hit', want.kind, want.user, want.groups, true]);
      assert.deepEqual([j.appId, j.audience], [seen.appid, seen.aud]);
    }
    assert.equal(emu.count({ endpoint: 'token' }), 2);
  });

  it('doctor checks both contexts\' users: every check passes, with the tokens kubectl cached reported fresh', async () => {
    const r = await runKubelogin(['doctor', '--kubeconfig', kubeconfig], { env: { ...emulatorEnv(emu), DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^user ci \(context ci\)$/m);
    assert.match(r.stdout, /^user dev \(context dev\)$/m);
    assert.equal(r.stdout.match(/^ {2}✓ cached token: fresh, /gm)?.length, 2);
    assert.doesNotMatch(r.stdout, /✗/);
    assert.match(r.stdout, /^all \d+ checks passed \(2 users\)$/m);
    assert.ok(!r.stdout.includes(SPN.secret) && !r.stdout.includes(DEV.password));
  });

  it('a whoami sign-in is what the next kubectl uses: no second token request', async () => {
    emu.reset();
    const fresh = path.join(cluster.dir, 'fresh-config');
    const args = ['get-token', '--login', 'spn', '--client-id', SPN.clientId, '--server-id', SERVER_ID, '--tenant-id', TENANT,
      '--authority-host', emu.authorityHost, '--cache-dir', path.join(cluster.dir, 'fresh-cache')];
    writeKubeconfigContexts(fresh, api.url, api.caPem, [{ context: 'fresh', user: execUser(args, { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret }) }]);
    const r = await runKubelogin(['whoami', '--kubeconfig', fresh], { env: emulatorEnv(emu) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^source\s+new sign-in$/m);
    const k = await runKubectl(['get', 'namespaces'], { kubeconfig: fresh, env: emulatorEnv(emu), timeoutMs: 30_000 });
    assert.equal(k.code, 0, k.stderr);
    assert.equal(emu.count({ endpoint: 'token' }), 1);
  });
});
