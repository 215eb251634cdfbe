// get-token and every login mode run in this process (test/helpers/in-process.ts): the heavy path
// without a spawned binary or a build, against the emulator, with a fake clock where time matters.
// The spawned-binary tests next to this file cover the same modes end to end.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, oneErrorLine, tokenOf, verifiedClaims } from '../helpers/assert';
import { withSettings } from '../helpers/emulator-settings';
import { browserEnv, emulatorEnv, pipelinesEnv, workloadIdentityEnv } from '../helpers/env';
import { FakeCli } from '../helpers/fake-az';
import { fakeClock, kubeloginInProcess, trustEmulator } from '../helpers/in-process';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://in-process-cluster';
const TENANT = 'in-process-tenant';
const SPN = { clientId: 'in-process-spn', secret: 'in-process-secret-0123456789' };
const PUBLIC_APP = 'in-process-public';
const USER = { username: 'ivy@example.com', password: 'in-process-password-1' };
const MI = '1a1a1a1a-0000-4000-8000-000000000001';
const WI_APP = 'in-process-wi';
const PIPELINES_APP = 'in-process-pipelines';
const interactive = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: true } });

describe('get-token in-process, every login mode', () => {
  let emu: Emulator;
  let untrust: () => void;

  before(async () => {
    emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
    untrust = trustEmulator(emu);
    emu.addApp({ ...SPN, tenantId: TENANT });
    emu.addApp({ clientId: PUBLIC_APP, publicClient: true });
    emu.addUser(USER);
    emu.addManagedIdentity({ clientId: MI, systemAssigned: true });
    emu.addApp({ clientId: WI_APP, tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject: 'system:serviceaccount:ns:sa' }] });
    emu.addApp({ clientId: PIPELINES_APP, tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject: 'sc://org/project/conn' }] });
    emu.addPipelinesConnection({ serviceConnectionId: 'conn-1', systemAccessToken: 'system-access-token-1', subject: 'sc://org/project/conn' });
  });
  after(async () => {
    untrust();
    await emu.close();
  });

  const common = (cacheDir: string) => ['--server-id', SERVER_ID, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const spnArgs = (cacheDir: string) =>
    ['get-token', '--login', 'spn', ...common(cacheDir), '--client-id', SPN.clientId, '--tenant-id', TENANT, '--client-secret', SPN.secret];

  it('spn: served from the token file until 5 minutes before expiry on the (fake) clock, then the login path again', async () => {
    const cacheDir = makeTempDir();
    const clock = fakeClock();
    const loginLine = /get-token: login=spn scope=/;
    emu.reset();
    const first = await kubeloginInProcess([...spnArgs(cacheDir), '-v', '5'], { clock });
    assert.equal((await verifiedClaims(emu, tokenOf(first), SERVER_ID)).appid, SPN.clientId);
    assert.match(first.stderr, loginLine);
    clock.advance(54 * 60_000);
    const cached = await kubeloginInProcess([...spnArgs(cacheDir), '-v', '5'], { clock });
    assert.equal(tokenOf(cached), tokenOf(first), '6 minutes left: served from the token file');
    assert.doesNotMatch(cached.stderr, loginLine);
    clock.advance(2 * 60_000);
    const again = await kubeloginInProcess([...spnArgs(cacheDir), '-v', '5'], { clock });
    // 4 minutes left on the fake clock: past the file to the login (MSAL's own cache runs on the real clock).
    assert.match(again.stderr, loginLine);
    assert.equal(claimsOf(tokenOf(again)).appid, SPN.clientId);
    assert.equal(emu.count({ endpoint: 'token' }), 1);
  });

  it('spn: a missing client id is the descriptor\'s one-line error, before any request', async () => {
    emu.reset();
    const r = await kubeloginInProcess(['get-token', '--login', 'spn', ...common(makeTempDir()), '--tenant-id', TENANT, '--client-secret', 'x']);
    assert.match(oneErrorLine(r), /^Error: failed to create azidentity credential: client ID cannot be empty: pass --client-id or set /);
    assert.equal(emu.requests.length, 0);
  });

  it('ropc: a password grant, then on the fake clock past the refresh margin a silent refresh (no password)', async () => {
    const cacheDir = makeTempDir();
    const clock = fakeClock();
    const args = ['get-token', '--login', 'ropc', ...common(cacheDir), '--client-id', PUBLIC_APP, '--tenant-id', TENANT,
      '--username', USER.username, '--password', USER.password];
    emu.reset();
    await withSettings(emu, { tokenLifetimeSeconds: 200 }, async () => {
      assert.equal(claimsOf(tokenOf(await kubeloginInProcess(args, { clock }))).upn, USER.username);
      clock.advance(60_000);
      tokenOf(await kubeloginInProcess(args, { clock }));
    });
    assert.deepEqual([emu.count({ grantType: 'password' }), emu.count({ grantType: 'refresh_token' })], [1, 1]);
  });

  it('devicecode: the prompt on stderr, the token on stdout', async () => {
    emu.reset();
    const args = ['get-token', '--login', 'devicecode', ...common(makeTempDir()), '--client-id', PUBLIC_APP, '--tenant-id', TENANT];
    const deviceCode = { interval: 0.1, expiresIn: 900, slowDownTimes: 0, autoApproveAs: USER.username };
    const r = await withSettings(emu, { deviceCode }, () => kubeloginInProcess(args, { env: { KUBERNETES_EXEC_INFO: interactive } }));
    assert.equal(claimsOf(tokenOf(r)).upn, USER.username);
    assert.match(r.stderr, /enter the code \w+ to authenticate/);
  });

  it('interactive: the browser ($BROWSER) signs in through the loopback listener', async () => {
    emu.reset();
    const args = ['get-token', '--login', 'interactive', ...common(makeTempDir()), '--client-id', PUBLIC_APP, '--tenant-id', TENANT, '--timeout', '20s'];
    // The fake browser is a child process: it trusts the emulator through NODE_EXTRA_CA_CERTS.
    const env = { ...emulatorEnv(emu), ...browserEnv(), KUBERNETES_EXEC_INFO: interactive };
    const r = await withSettings(emu, { interactiveUser: USER.username }, () => kubeloginInProcess(args, { env }));
    assert.equal(claimsOf(tokenOf(r)).upn, USER.username);
  });

  it('msi: IMDS (MSAL reads process.env, which is restored after)', async () => {
    emu.reset();
    const saved = process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emu.miUrl;
    try {
      const r = await kubeloginInProcess(['get-token', '--login', 'msi', '--server-id', SERVER_ID, '--cache-dir', makeTempDir()]);
      assert.equal((await verifiedClaims(emu, tokenOf(r), SERVER_ID)).appid, MI);
      assert.equal(emu.count({ endpoint: 'imds' }), 1);
    } finally {
      if (saved === undefined) delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
      else process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = saved;
    }
  });

  for (const tool of ['azurecli', 'azd'] as const) {
    it(`${tool}: the (fake) CLI on PATH hands out the token`, async () => {
      const fake = new FakeCli(makeTempDir(`kubelogin-${tool}-`), { imdsUrl: emu.miUrl });
      fake.signIn([{ id: 'sub-1', tenantId: TENANT, user: 'dev@example.com', isDefault: true }]);
      const r = await kubeloginInProcess(['get-token', '--login', tool, '--server-id', SERVER_ID, '--cache-dir', makeTempDir()], { env: fake.env() });
      assert.equal((await verifiedClaims(emu, tokenOf(r), SERVER_ID)).appid, MI);
      assert.equal(fake.calls(tool === 'azurecli' ? 'az' : 'azd').length, 1);
    });
  }

  it('workloadidentity: the projected token file is the assertion', async () => {
    const tokenFile = path.join(makeTempDir(), 'token');
    fs.writeFileSync(tokenFile, await emu.issueFederatedToken({ subject: 'system:serviceaccount:ns:sa' }));
    const env = workloadIdentityEnv(emu, { clientId: WI_APP, tenantId: TENANT, tokenFile });
    const r = await kubeloginInProcess(['get-token', '--login', 'workloadidentity', '--server-id', SERVER_ID, '--cache-dir', makeTempDir()], { env });
    assert.equal((await verifiedClaims(emu, tokenOf(r), SERVER_ID)).appid, WI_APP);
  });

  it('azurepipelines: the service connection\'s OIDC token is the assertion', async () => {
    const env = {
      ...pipelinesEnv(emu, { serviceConnectionId: 'conn-1', systemAccessToken: 'system-access-token-1', clientId: PIPELINES_APP, tenantId: TENANT }),
      AZURE_AUTHORITY_HOST: emu.authorityHost,
    };
    const r = await kubeloginInProcess(['get-token', '--login', 'azurepipelines', '--server-id', SERVER_ID, '--cache-dir', makeTempDir()], { env });
    assert.equal((await verifiedClaims(emu, tokenOf(r), SERVER_ID)).appid, PIPELINES_APP);
  });
});
