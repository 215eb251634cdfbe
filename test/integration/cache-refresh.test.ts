// Refresh ahead of expiry through the cache: a token within 5 minutes of expiry is not served; user
// flows refresh silently through the MSAL cache plugin, and with single-use (rotating) refresh tokens
// parallel runs still make one refresh and never lose the newest refresh token. Managed identity
// tokens are cached like the rest.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { tokenOf } from '../helpers/assert';
import { emulatorEnv, imdsEnv } from '../helpers/env';
import { withSettings } from '../helpers/emulator-settings';
import { collect, runKubelogin, spawnKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://refresh-cluster';
const TENANT = 'tenant-refresh';
const PUBLIC_APP = 'app-refresh-public';
const USER = { username: 'rita@example.com', password: 'Refresh-Pass-4711' };
const SPN = { clientId: 'app-refresh-spn', secret: 'secret-refresh-0123456789' };
const MI = { clientId: 'dddddddd-0000-4000-8000-000000000004' };

describe('refresh through the cache', () => {
  let emu: Emulator;
  before(async () => {
    // 200 s: inside the 5-minute refresh margin, so every run after the first must refresh.
    emu = await startEmulator({ tokenLifetimeSeconds: 200 });
    emu.addApp({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
    emu.addUser({ ...USER, tenantId: TENANT });
    emu.addApp({ ...SPN, tenantId: TENANT });
    emu.addManagedIdentity(MI);
  });
  after(() => emu.close());

  const ropcArgs = (cacheDir: string) => ['get-token', '--login', 'ropc', '--server-id', SERVER_ID, '--client-id', PUBLIC_APP, '--tenant-id', TENANT,
    '--username', USER.username, '--password', USER.password, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const ropc = (cacheDir: string) => runKubelogin(ropcArgs(cacheDir), { env: emulatorEnv(emu) });

  it('spn: a token inside the refresh margin is not served; the next run asks for a new one', async () => {
    emu.reset();
    const cacheDir = makeTempDir();
    const args = ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', SPN.clientId, '--tenant-id', TENANT, '--client-secret', SPN.secret,
      '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
    tokenOf(await runKubelogin(args, { env: emulatorEnv(emu) }));
    tokenOf(await runKubelogin(args, { env: emulatorEnv(emu) }));
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials' }), 2);
  });

  it('ropc: the second run refreshes silently through the MSAL cache (refresh_token grant, no password grant)', async () => {
    emu.reset();
    const cacheDir = makeTempDir();
    tokenOf(await ropc(cacheDir));
    tokenOf(await ropc(cacheDir));
    assert.equal(emu.count({ endpoint: 'token', grantType: 'password' }), 1);
    assert.equal(emu.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
  });

  it('ropc with single-use refresh tokens: 8 parallel runs on a stale cache make exactly 1 refresh', async () => {
    emu.reset();
    await withSettings(emu, { strictRefreshRotation: true }, async () => {
      const cacheDir = makeTempDir();
      tokenOf(await ropc(cacheDir));
      const run = () => collect(spawnKubelogin(ropcArgs(cacheDir), { env: emulatorEnv(emu) }));
      const slowLongTokens = { tokenLifetimeSeconds: 3600, delayMs: 200 };
      const results = await withSettings(emu, slowLongTokens, () => Promise.all(Array.from({ length: 8 }, run)));
      assert.equal(new Set(results.map(tokenOf)).size, 1);
      assert.equal(emu.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
      assert.equal(emu.count({ endpoint: 'token', grantType: 'password' }), 1);
    });
  });

  it('ropc with single-use refresh tokens: 6 parallel runs that each must refresh all use the newest refresh token', async () => {
    emu.reset();
    emu.strictRefreshRotation = true;
    try {
      const cacheDir = makeTempDir();
      tokenOf(await ropc(cacheDir));
      const run = () => collect(spawnKubelogin(ropcArgs(cacheDir), { env: emulatorEnv(emu) }));
      const results = await Promise.all(Array.from({ length: 6 }, run));
      results.forEach(tokenOf);
      // Each run holds the lock in turn and re-reads the MSAL cache: a stale (already used) refresh
      // token would come back invalid_grant and force a password sign-in.
      assert.equal(emu.count({ endpoint: 'token', grantType: 'refresh_token' }), 6);
      assert.equal(emu.requests.filter((r) => r.endpoint === 'token' && r.error).length, 0, 'no refresh token was used twice');
      assert.equal(emu.count({ endpoint: 'token', grantType: 'password' }), 1, 'never fell back to the password');
    } finally {
      emu.strictRefreshRotation = false;
    }
  });

  it('msi: the managed identity token is cached like the rest (1 IMDS request for 3 runs)', async () => {
    const lifetime = emu.tokenLifetimeSeconds;
    emu.tokenLifetimeSeconds = 3600;
    try {
      emu.reset();
      const cacheDir = makeTempDir();
      const args = ['get-token', '--login', 'msi', '--server-id', SERVER_ID, '--client-id', MI.clientId, '--cache-dir', cacheDir];
      const env = { ...emulatorEnv(emu), ...imdsEnv(emu) };
      const tokens: string[] = [];
      for (let i = 0; i < 3; i++) tokens.push(tokenOf(await runKubelogin(args, { env })));
      assert.equal(new Set(tokens).size, 1);
      assert.equal(emu.count({ endpoint: 'imds' }), 1);
      assert.equal(fs.readdirSync(path.join(cacheDir, 'tokens')).length, 1);
    } finally {
      emu.tokenLifetimeSeconds = lifetime;
    }
  });
});
