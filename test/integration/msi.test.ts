// bin/kubelogin get-token --login msi against the emulator's managed identity endpoints (IMDS, App Service,
// Azure Arc): identity selection, resource form, retries, dead endpoints, error lines and the token file cache.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { oneErrorLine, tokenOf, verifiedClaims } from '../helpers/assert';
import { appServiceEnv, arcEnv, imdsEnv } from '../helpers/env';
import { runKubelogin, type EnvPatch, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const SYSTEM = '5a5a5a5a-0000-4000-8000-000000000001';
const UAI_1 = '5a5a5a5a-0000-4000-8000-000000000002';
const UAI_2 = '5a5a5a5a-0000-4000-8000-000000000003';
const RESOURCE_ID_1 = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-1';
const UNKNOWN = '5a5a5a5a-0000-4000-8000-0000000000ff';

describe('get-token --login msi', () => {
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator();
    emu.addManagedIdentity({ clientId: SYSTEM, systemAssigned: true });
    emu.addManagedIdentity({ clientId: UAI_1, resourceId: RESOURCE_ID_1 });
    emu.addManagedIdentity({ clientId: UAI_2 });
  });
  after(() => emu.close());

  const getToken = (args: string[], env: EnvPatch = imdsEnv(emu)) =>
    runKubelogin(['get-token', '--login', 'msi', '--server-id', SERVER_ID, ...args], { env, timeoutMs: 25_000 });

  const verified = (r: RunResult, audience = SERVER_ID) => verifiedClaims(emu, tokenOf(r), audience);

  describe('picks the identity (IMDS)', () => {
    const cases: Array<{ name: string; args: string[]; env?: EnvPatch; identity: string }> = [
      { name: 'system-assigned when no id is given', args: [], identity: SYSTEM },
      { name: 'user-assigned by --client-id', args: ['--client-id', UAI_2], identity: UAI_2 },
      { name: 'user-assigned by AZURE_CLIENT_ID', args: [], env: { AZURE_CLIENT_ID: UAI_2 }, identity: UAI_2 },
      { name: 'user-assigned by AAD_SERVICE_PRINCIPAL_CLIENT_ID', args: [], env: { AAD_SERVICE_PRINCIPAL_CLIENT_ID: UAI_1 }, identity: UAI_1 },
      { name: 'user-assigned by --identity-resource-id', args: ['--identity-resource-id', RESOURCE_ID_1], identity: UAI_1 },
      { name: '--client-id wins over --identity-resource-id', args: ['--identity-resource-id', RESOURCE_ID_1, '--client-id', UAI_2], identity: UAI_2 },
      { name: 'AZURE_CLIENT_ID wins over --identity-resource-id', args: ['--identity-resource-id', RESOURCE_ID_1], env: { AZURE_CLIENT_ID: UAI_2 }, identity: UAI_2 },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        emu.reset();
        const claims = await verified(await getToken(c.args, { ...imdsEnv(emu), ...c.env }));
        assert.equal(claims.appid, c.identity);
        assert.deepEqual(emu.requests.map((q) => [q.endpoint, q.status, q.clientId, q.resource]), [['imds', 200, c.identity, SERVER_ID]]);
      });
    }
  });

  it('asks IMDS for the resource form of the server id (no /.default, no trailing slash)', async () => {
    emu.reset();
    const claims = await verified(await getToken(['--server-id', 'api://aks-server/']), 'api://aks-server');
    assert.equal(claims.appid, SYSTEM);
    assert.equal(emu.requests[0].resource, 'api://aks-server');
  });

  it('App Service: IDENTITY_ENDPOINT + IDENTITY_HEADER, user-assigned by client id', async () => {
    emu.reset();
    const claims = await verified(await getToken(['--client-id', UAI_1], appServiceEnv(emu)));
    assert.equal(claims.appid, UAI_1);
    assert.deepEqual(emu.requests.map((q) => [q.endpoint, q.status]), [['appservice', 200]]);
  });

  it('App Service: a wrong IDENTITY_HEADER is one clear line', async () => {
    const r = await getToken([], { ...appServiceEnv(emu), IDENTITY_HEADER: 'wrong-header-value' });
    assert.match(oneErrorLine(r), /^Error: failed to get token from the managed identity endpoint \(AppService at http:\/\/127\.0\.0\.1:\d+\/msi\/token\): .*Unauthorized/);
  });

  it('Azure Arc: answers the key-file challenge', async (t) => {
    if (!emu.arcKeyFile.startsWith('/var/opt/azcmagent/tokens/')) return t.skip('cannot write /var/opt/azcmagent/tokens here (MSAL reads the Arc key only there)');
    emu.reset();
    const claims = await verified(await getToken([], arcEnv(emu)));
    assert.equal(claims.appid, SYSTEM);
    assert.deepEqual(emu.requests.map((q) => [q.endpoint, q.status]), [['arc', 401], ['arc', 200]]);
  });

  describe('an identity that is not there', () => {
    const cases = [
      { name: 'unknown --client-id', args: ['--client-id', UNKNOWN], message: /^Error: managed identity with client id 5a5a5a5a-0000-4000-8000-0000000000ff not found: check that --client-id \(or AZURE_CLIENT_ID \/ AAD_SERVICE_PRINCIPAL_CLIENT_ID\) names a user-assigned identity assigned to this VM or pod \(IMDS at .*: Identity not found\)$/m },
      { name: 'unknown --identity-resource-id', args: ['--identity-resource-id', '/subscriptions/0000/x/uai-9'], message: /^Error: managed identity \/subscriptions\/0000\/x\/uai-9 not found: check that --identity-resource-id names/m },
    ];
    for (const c of cases) {
      it(`${c.name}: one line saying what to check, no retry`, async () => {
        emu.reset();
        const r = await getToken(c.args);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, c.message);
        assert.equal(emu.count({ endpoint: 'imds' }), 1);
      });
    }
  });

  it('no system-assigned identity: says to enable it or name a user-assigned one', async () => {
    const bare = await startEmulator();
    try {
      bare.addManagedIdentity({ clientId: UAI_1 });
      const r = await getToken([], imdsEnv(bare));
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: no system-assigned managed identity here: enable it on the VM or pod, or pass --client-id \/ --identity-resource-id of an assigned user-assigned identity \(IMDS at .*: Identity not found\)$/m);
    } finally {
      await bare.close();
    }
  });

  it('IMDS answering 500: retried (by MSAL, after 1 s) and succeeds', async () => {
    emu.reset();
    emu.failNext('imds', 1, 500);
    const r = await getToken(['-v', '5']);
    assert.equal((await verified(r)).appid, SYSTEM);
    assert.deepEqual(emu.requests.map((q) => q.status), [500, 200]);
    assert.doesNotMatch(r.stderr, /msi: attempt/);
    assert.ok(r.durationMs >= 1000, `backed off (${r.durationMs} ms)`);
  });

  it('App Service answering 502 twice: retried by us (MSAL does not retry 502 there) and succeeds', async () => {
    emu.reset();
    emu.failNext('appservice', 2, 502);
    const r = await getToken(['-v', '5'], appServiceEnv(emu));
    assert.equal((await verified(r)).appid, SYSTEM);
    assert.deepEqual(emu.requests.map((q) => q.status), [502, 502, 200]);
    assert.deepEqual(r.stderr.match(/msi: attempt \d failed \(502\); retrying in \d+ms/g), ['msi: attempt 1 failed (502); retrying in 500ms', 'msi: attempt 2 failed (502); retrying in 1000ms']);
  });

  it('IMDS failing for longer than --timeout: a timeout error naming the endpoint', async () => {
    // Its own emulator: the endless fault must not reach the other tests.
    const failing = await startEmulator();
    try {
      failing.addManagedIdentity({ clientId: SYSTEM, systemAssigned: true });
      failing.failNext('imds', Infinity, 503);
      const r = await getToken(['--timeout', '2s'], imdsEnv(failing));
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: no token from the managed identity endpoint \(IMDS at http:\/\/127\.0\.0\.1:\d+\) within --timeout \(2s\): it is unreachable, blocked or failing/m);
      assert.ok(failing.requests.filter((q) => q.endpoint === 'imds' && q.status === 503).length >= 2);
    } finally {
      await failing.close();
    }
  });

  describe('a dead endpoint (connection refused)', () => {
    let deadUrl: string;
    before(async () => {
      deadUrl = `http://127.0.0.1:${await closedPort()}`;
    });

    it('is retried a bounded number of times, then says what to do', async () => {
      const r = await getToken(['-v', '5'], { AZURE_POD_IDENTITY_AUTHORITY_HOST: deadUrl });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: cannot reach the managed identity endpoint \(IMDS at http:\/\/127\.0\.0\.1:\d+\) after 4 attempts: not running on Azure, or the endpoint is blocked \(network policy, proxy\); use another --login$/m);
      assert.equal((r.stderr.match(/retrying in/g) ?? []).length, 3);
      assert.ok(r.durationMs < 10_000, `${r.durationMs} ms`);
    });

    it('gives up within a short --timeout', async () => {
      // 2 s from the plugin's start (one deadline for the run): room for a retry after Node and MSAL load.
      const r = await getToken(['--timeout', '2s'], { AZURE_POD_IDENTITY_AUTHORITY_HOST: deadUrl });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: cannot reach the managed identity endpoint .* after [1-3] attempts?: /m);
      assert.ok(r.durationMs < 3_000, `${r.durationMs} ms`);
    });
  });

  it('an endpoint that accepts but never answers: the process ends soon after --timeout', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const r = await runKubelogin(['get-token', '--login', 'msi', '--server-id', SERVER_ID, '--timeout', '1s'], { env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${port}` }, timeoutMs: 3_500 });
      assert.match(r.stderr, /within --timeout \(1s\)/);
      assert.equal(r.timedOut, false, `still running ${r.durationMs} ms after start`);
    } finally {
      silent.close();
    }
  });

  it('caches the token: a second run is served from the token file without a new IMDS request', async () => {
    emu.reset();
    const home = makeTempDir('kubelogin-msi-home-');
    const env = { ...imdsEnv(emu), HOME: home };
    const first = await getToken(['--client-id', UAI_1], env);
    const second = await getToken(['--client-id', UAI_1], env);
    assert.equal(tokenOf(second), tokenOf(first));
    assert.equal(emu.count({ endpoint: 'imds' }), 1);
    // Another identity is another cache entry.
    assert.equal((await verified(await getToken(['--client-id', UAI_2], env))).appid, UAI_2);
    assert.equal(emu.count({ endpoint: 'imds' }), 2);
  });

  it('never prints the token on stderr, even at -v 9', async () => {
    const r = await getToken(['-v', '9']);
    const token = tokenOf(r);
    assert.ok(!r.stderr.includes(token));
    assert.ok(!r.stderr.includes(token.split('.')[2]));
  });
});

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
