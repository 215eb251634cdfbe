// get-token --force-refresh (and KUBELOGIN_FORCE_REFRESH): a fresh cached token is not served; the
// authority is asked (refresh token for user modes, a new client-credentials request otherwise), and
// parallel forced runs still make one request: waiters take the token written after they began.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { oneErrorLine, tokenOf } from '../helpers/assert';
import { emulatorEnv, imdsEnv } from '../helpers/env';
import { withSettings } from '../helpers/emulator-settings';
import { collect, runKubelogin, spawnKubelogin, type EnvPatch } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://force-refresh-cluster';
const TENANT = 'tenant-force';
const SPN = { clientId: 'app-force-spn', secret: 'secret-force-0123456789' };
const PUBLIC_APP = 'app-force-public';
const USER = { username: 'fiona@example.com', password: 'Force-Pass-4711' };
const MI = { clientId: 'dddddddd-0000-4000-8000-00000000f0ce' };

describe('get-token --force-refresh', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
    emu.addApp({ ...SPN, tenantId: TENANT });
    emu.addApp({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
    emu.addUser({ ...USER, tenantId: TENANT });
    emu.addManagedIdentity(MI);
  });
  after(() => emu.close());
  beforeEach(() => {
    emu.reset();
    emu.delayMs = 0;
  });

  const spnArgs = (cacheDir: string, ...extra: string[]) => ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', SPN.clientId, '--tenant-id', TENANT,
    '--client-secret', SPN.secret, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...extra];
  const spn = (cacheDir: string, extra: string[] = [], env: EnvPatch = {}) =>
    runKubelogin(spnArgs(cacheDir, ...extra), { env: { ...emulatorEnv(emu), ...env } });
  const grants = () => emu.count({ endpoint: 'token', grantType: 'client_credentials' });

  it('spn: the flag skips a fresh cached token and makes one new request; the next plain run serves the new token', async () => {
    const dir = makeTempDir();
    const first = tokenOf(await spn(dir));
    assert.equal(tokenOf(await spn(dir)), first, 'a plain second run is a hit');
    assert.equal(grants(), 1);
    const forced = tokenOf(await spn(dir, ['--force-refresh']));
    assert.notEqual(forced, first);
    assert.equal(grants(), 2, 'MSAL\'s own cached token was skipped too');
    assert.equal(tokenOf(await spn(dir)), forced, 'the forced token replaced the cached one');
    assert.equal(grants(), 2);
  });

  const envCases: Array<[string, EnvPatch, string[], number]> = [
    ['KUBELOGIN_FORCE_REFRESH=true', { KUBELOGIN_FORCE_REFRESH: 'true' }, [], 1],
    ['KUBELOGIN_FORCE_REFRESH=1 despite --disable-environment-override (a user switch, not a kubeconfig value)', { KUBELOGIN_FORCE_REFRESH: '1' }, ['--disable-environment-override'], 1],
    ['KUBELOGIN_FORCE_REFRESH=false overrides the flag, as env overrides flags', { KUBELOGIN_FORCE_REFRESH: 'false' }, ['--force-refresh'], 0],
    ['--force-refresh=false', {}, ['--force-refresh=false'], 0],
  ];
  for (const [name, env, extra, requests] of envCases) {
    it(`spn: ${name} → ${requests} new request(s)`, async () => {
      const dir = makeTempDir();
      tokenOf(await spn(dir));
      emu.reset();
      tokenOf(await spn(dir, extra, env));
      assert.equal(grants(), requests);
    });
  }

  it('an unreadable KUBELOGIN_FORCE_REFRESH is one line naming the variable, nothing on stdout', async () => {
    const res = await spn(makeTempDir(), [], { KUBELOGIN_FORCE_REFRESH: 'maybe' });
    assert.match(oneErrorLine(res), /^Error: KUBELOGIN_FORCE_REFRESH="maybe" is not a boolean; set it to true or false/);
    assert.equal(emu.requests.length, 0);
  });

  it('spn: 8 parallel forced runs on a warm cache make exactly 1 request and all print that new token', async () => {
    const dir = makeTempDir();
    const old = tokenOf(await spn(dir));
    emu.reset();
    const run = () => collect(spawnKubelogin(spnArgs(dir, '--force-refresh', '-v', '5'), { env: emulatorEnv(emu) }));
    const results = await withSettings(emu, { delayMs: 300 }, () => Promise.all(Array.from({ length: 8 }, run)));
    const tokens = results.map(tokenOf);
    assert.equal(grants(), 1, results.map((r) => r.stderr).join(''));
    assert.equal(new Set(tokens).size, 1);
    assert.notEqual(tokens[0], old);
    // The waiters were served by the light bundle, from the token the holder wrote.
    assert.equal(results.filter((r) => /fetched by a parallel forced run/.test(r.stderr)).length, 7);
  });

  it('a forced run that starts after a forced token was written asks again (it is not "new enough")', async () => {
    const dir = makeTempDir();
    tokenOf(await spn(dir, ['--force-refresh']));
    tokenOf(await spn(dir, ['--force-refresh']));
    assert.equal(grants(), 2);
  });

  const ropcArgs = (dir: string, ...extra: string[]) => ['get-token', '--login', 'ropc', '--server-id', SERVER_ID, '--client-id', PUBLIC_APP, '--tenant-id', TENANT,
    '--username', USER.username, '--password', USER.password, '--authority-host', emu.authorityHost, '--cache-dir', dir, ...extra];

  it('ropc: a forced run uses the cached refresh token (no password grant) and gets a new token', async () => {
    const dir = makeTempDir();
    const first = tokenOf(await runKubelogin(ropcArgs(dir), { env: emulatorEnv(emu) }));
    const forced = tokenOf(await runKubelogin(ropcArgs(dir, '--force-refresh'), { env: emulatorEnv(emu) }));
    assert.notEqual(forced, first);
    assert.equal(emu.count({ endpoint: 'token', grantType: 'password' }), 1);
    assert.equal(emu.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
  });

  it('ropc with single-use refresh tokens: 6 parallel forced runs make 1 refresh and no error', async () => {
    emu.strictRefreshRotation = true;
    try {
      const dir = makeTempDir();
      tokenOf(await runKubelogin(ropcArgs(dir), { env: emulatorEnv(emu) }));
      emu.delayMs = 300;
      const results = await Promise.all(Array.from({ length: 6 }, () => collect(spawnKubelogin(ropcArgs(dir, '--force-refresh'), { env: emulatorEnv(emu) }))));
      assert.equal(new Set(results.map(tokenOf)).size, 1);
      assert.equal(emu.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
      assert.equal(emu.requests.filter((r) => r.error).length, 0);
    } finally {
      emu.strictRefreshRotation = false;
    }
  });

  it('msi: a forced run asks IMDS again', async () => {
    const dir = makeTempDir();
    const args = ['get-token', '--login', 'msi', '--server-id', SERVER_ID, '--client-id', MI.clientId, '--cache-dir', dir];
    const env = { ...emulatorEnv(emu), ...imdsEnv(emu) };
    tokenOf(await runKubelogin(args, { env }));
    tokenOf(await runKubelogin(args, { env }));
    assert.equal(emu.count({ endpoint: 'imds' }), 1);
    tokenOf(await runKubelogin([...args, '--force-refresh'], { env }));
    assert.equal(emu.count({ endpoint: 'imds' }), 2);
    assert.equal(fs.readdirSync(path.join(dir, 'tokens')).length, 1, 'the same identity\'s file');
  });
});
