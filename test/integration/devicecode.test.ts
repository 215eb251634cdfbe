// bin/kubelogin --login devicecode against the emulator: prompt on stderr, RFC 8628 polling, silent
// refresh on the next run, fail-fast without a person, timeouts and one-line errors.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, execCredentialOf, oneErrorLine, tokenOf } from '../helpers/assert';
import { withSettings } from '../helpers/emulator-settings';
import { emulatorEnv } from '../helpers/env';
import { runKubelogin, spawnKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'devicecode-server';
const CLIENT_ID = 'devicecode-client';
const TENANT = 'devicecode-tenant';
const USER = 'dana@example.com';
const interactive = (yes: boolean) => JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: yes } });
/** The device code prompt, the one stderr line a failed sign-in may print besides its error. */
const PROMPT = { besides: /^To sign in, use a web browser to open the page \S+ and enter the code \w+ to authenticate\.$/ };

let emu: Emulator;

before(async () => {
  // 200 s is below get-token's 5-minute refresh-ahead, so every second run goes past the token file.
  emu = await startEmulator({ tokenLifetimeSeconds: 200 });
  emu.addApp({ clientId: CLIENT_ID, publicClient: true });
  emu.addUser({ username: USER, password: 'not-used' });
  emu.deviceCode = { ...DEVICE_CODE };
});
after(() => emu.close());
beforeEach(() => emu.reset());

type DeviceCodeSettings = Emulator['deviceCode'];
const DEVICE_CODE: DeviceCodeSettings = { interval: 0.25, expiresIn: 900, slowDownTimes: 0, autoApproveAs: USER };

/** Runs fn with the emulator's device-code settings changed from the default; restored in finally. */
function withDeviceCode<T>(changes: Partial<DeviceCodeSettings>, fn: () => Promise<T>): Promise<T> {
  return withSettings(emu, { deviceCode: { ...DEVICE_CODE, ...changes } }, fn);
}

function args(cacheDir: string, ...extra: string[]): string[] {
  return ['get-token', '--server-id', SERVER_ID, '--client-id', CLIENT_ID, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...extra];
}

function login(cacheDir: string, opts: { canPrompt?: boolean; extra?: string[]; env?: Record<string, string | undefined> } = {}) {
  const env = { ...emulatorEnv(emu), KUBERNETES_EXEC_INFO: interactive(opts.canPrompt ?? true), ...opts.env };
  return runKubelogin(args(cacheDir, ...(opts.extra ?? [])), { env, timeoutMs: 20_000 });
}

describe('devicecode', () => {
  test('prints the URL and code on stderr, one ExecCredential on stdout; polls every interval', () => withDeviceCode({ interval: 1 }, async () => {
    const res = await login(makeTempDir());
    assert.equal(res.code, 0, res.stderr);
    const code = emu.lastDeviceCode()!.userCode;
    assert.match(res.stderr, new RegExp(`${emu.url}/devicelogin .*${code}`));
    assert.ok(!res.stdout.includes(code), 'the code never reaches stdout');
    const { status } = execCredentialOf(res);
    assert.equal(claimsOf(status.token).aud, SERVER_ID);
    assert.equal(claimsOf(status.token).upn, USER);
    assert.match(emu.lastDeviceCode()!.scope, new RegExp(`^${SERVER_ID}/.default .*offline_access`));
    const times = emu.requests.filter((r) => r.endpoint === 'devicecode' || r.grantType?.endsWith('device_code')).map((r) => r.time);
    assert.equal(times.length, 3, 'device code request, one pending poll, one successful poll');
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 950, `gap ${times[i] - times[i - 1]} ms`);
  }));

  test('the next run refreshes silently: no device code, even without a terminal', async () => {
    const dir = makeTempDir();
    assert.equal((await login(dir)).code, 0);
    const devicecodes = emu.count({ endpoint: 'devicecode' });
    const refreshes = emu.count({ grantType: 'refresh_token' });
    await withDeviceCode({ autoApproveAs: undefined }, async () => {
      const res = await login(dir, { canPrompt: false });
      assert.equal(res.code, 0, res.stderr);
      assert.equal(emu.count({ endpoint: 'devicecode' }), devicecodes);
      assert.equal(emu.count({ grantType: 'refresh_token' }), refreshes + 1);
      assert.doesNotMatch(res.stderr, /enter the code/);
      execCredentialOf(res);
    });
  });

  test('a revoked refresh token falls back to a new device code sign-in', async () => {
    const dir = makeTempDir();
    assert.equal((await login(dir)).code, 0);
    emu.revokeRefreshTokens({ username: USER });
    emu.reset();
    const res = await login(dir);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(emu.requests.find((r) => r.grantType === 'refresh_token')?.error, 'invalid_grant');
    assert.equal(emu.count({ endpoint: 'devicecode' }), 1);
    assert.match(res.stderr, /could not be refreshed.*AADSTS50173.*signing in again/);
    execCredentialOf(res);
  });

  test('a revoked refresh token without a terminal fails at once, saying why', async () => {
    const dir = makeTempDir();
    assert.equal((await login(dir)).code, 0);
    emu.revokeRefreshTokens({ username: USER });
    emu.reset();
    const res = await login(dir, { canPrompt: false });
    assert.match(oneErrorLine(res), /sign-in needs a person.*the cached sign-in could not be refreshed \(.*AADSTS50173.*\); run a kubectl command in a terminal/);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 0);
  });

  test('slow_down adds 5 seconds to the polling interval', () => withDeviceCode({ interval: 1, slowDownTimes: 1, autoApproveAs: undefined }, async () => {
    const child = spawnKubelogin(args(makeTempDir()), { env: { ...emulatorEnv(emu), KUBERNETES_EXEC_INFO: interactive(true) } });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => {
      stderr += d;
      const code = /enter the code (\w+)/.exec(stderr)?.[1];
      if (code) emu.approveDeviceCode(code, USER);
    });
    const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
    execCredentialOf({ code: exit, stdout, stderr });
    const polls = emu.requests.filter((r) => r.grantType?.endsWith('device_code'));
    assert.deepEqual(polls.map((p) => p.error), ['slow_down', undefined]);
    const gap = polls[1].time - polls[0].time;
    assert.ok(gap >= 5950 && gap < 8000, `second poll ${gap} ms after slow_down, expected interval + 5 s`);
  }));

  test('stops at expires_in with one line', () => withDeviceCode({ interval: 0.5, expiresIn: 1, autoApproveAs: undefined }, async () => {
    const started = Date.now();
    const res = await login(makeTempDir());
    assert.match(oneErrorLine(res, PROMPT), /^Error: failed to authenticate: DeviceCodeCredential: expired_token: .*run the command again/);
    assert.ok(Date.now() - started < 5000);
  }));

  test('keeps polling through a transient 5xx; logs no token or device code even at -v 9', async () => {
    emu.failNext('token', 1, 503);
    const res = await login(makeTempDir(), { extra: ['-v', '9'] });
    assert.equal(res.code, 0, res.stderr);
    const polls = emu.requests.filter((r) => r.endpoint === 'token' && r.grantType?.endsWith('device_code'));
    assert.equal(polls[0].status, 503);
    assert.ok(!res.stderr.includes(tokenOf(res)), 'no access token on stderr');
    assert.ok(!res.stderr.includes(emu.lastDeviceCode()!.deviceCode), 'no device code on stderr');
  });

  test('an unknown client id is one line with the AADSTS remedy', async () => {
    const res = await login(makeTempDir(), { extra: ['--client-id', 'no-such-app'] });
    assert.match(oneErrorLine(res), /DeviceCodeCredential: invalid_client: AADSTS700016: .*\(no application with this client id exists in the tenant: check --client-id and --tenant-id\)$/);
  });

  test('a declined sign-in is one line', () => withDeviceCode({ interval: 0.5, denyAll: true, autoApproveAs: undefined }, async () => {
    const res = await login(makeTempDir());
    assert.match(oneErrorLine(res, PROMPT), /DeviceCodeCredential: authorization_declined: the sign-in was declined/);
  }));

  test('--timeout bounds the wait for the code', () => withDeviceCode({ autoApproveAs: undefined }, async () => {
    const started = Date.now();
    const res = await login(makeTempDir(), { extra: ['--timeout', '1500ms'] });
    assert.match(oneErrorLine(res, PROMPT), /^Error: failed to authenticate: DeviceCodeCredential: context deadline exceeded .*raise --timeout/);
    assert.ok(Date.now() - started < 5000, 'exits soon after the deadline');
  }));

  const noPerson: Array<[string, Record<string, string | undefined>]> = [
    ['kubectl says spec.interactive=false', { KUBERNETES_EXEC_INFO: interactive(false) }],
    ['no exec info and stdin is not a terminal', { KUBERNETES_EXEC_INFO: undefined }],
  ];
  for (const [name, env] of noPerson) {
    test(`fails at once when nobody can be asked: ${name}`, async () => {
      const started = Date.now();
      const res = await runKubelogin(args(makeTempDir()), { env: { ...emulatorEnv(emu), ...env }, timeoutMs: 10_000 });
      const elapsed = Date.now() - started;
      assert.match(oneErrorLine(res), /DeviceCodeCredential: sign-in needs a person.*kubectl get nodes.*spn, workloadidentity, azurecli, msi/);
      assert.ok(elapsed < 2000, `took ${elapsed} ms`);
      assert.equal(emu.count({ endpoint: 'devicecode' }), 0);
    });
  }

  test('spec.interactive=false but KUBELOGIN_INTERACTIVE=always: the code is printed and the sign-in awaited', async () => {
    const res = await login(makeTempDir(), { canPrompt: false, env: { KUBELOGIN_INTERACTIVE: 'always' } });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /enter the code \w+/);
    execCredentialOf(res);
  });

  test('spec.interactive=true in GitHub Actions: fails at once, naming the CI system and the way out', async () => {
    const started = Date.now();
    const res = await login(makeTempDir(), { env: { GITHUB_ACTIONS: 'true' } });
    assert.match(oneErrorLine(res), /DeviceCodeCredential: sign-in needs a person, but nobody can be asked here \(a CI system was detected \(GITHUB_ACTIONS is set\)\).*spn, workloadidentity, azurecli, msi.*KUBELOGIN_INTERACTIVE=always/);
    assert.ok(Date.now() - started < 3000);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 0);
  });

  test('KUBELOGIN_INTERACTIVE=never beats spec.interactive=true; a value it does not know is a one-line error', async () => {
    assert.match(oneErrorLine(await login(makeTempDir(), { env: { KUBELOGIN_INTERACTIVE: 'never' } })), /nobody can be asked here \(KUBELOGIN_INTERACTIVE=never\)/);
    assert.match(oneErrorLine(await login(makeTempDir(), { env: { KUBELOGIN_INTERACTIVE: 'sometimes' } })), /^Error: KUBELOGIN_INTERACTIVE="sometimes" is not valid: use always/);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 0);
  });

  const missing: Array<[string, string[], RegExp]> = [
    ['client id', ['--client-id', ''], /^Error: failed to create azidentity credential: client ID cannot be empty; pass --client-id or set AAD_SERVICE_PRINCIPAL_CLIENT_ID/],
    ['tenant id', ['--tenant-id', ''], /^Error: failed to create azidentity credential: tenant ID cannot be empty; pass --tenant-id or set AZURE_TENANT_ID/],
  ];
  for (const [name, extra, message] of missing) {
    test(`missing ${name}`, async () => {
      const res = await login(makeTempDir(), { extra });
      assert.match(oneErrorLine(res), message);
      assert.equal(emu.requests.length, 0);
    });
  }

  test('--legacy uses the v1 device code endpoint with resource: audience spn:<server id>', async () => {
    const res = await login(makeTempDir(), { extra: ['--legacy'] });
    assert.equal(claimsOf(tokenOf(res)).aud, `spn:${SERVER_ID}`);
    assert.equal(emu.requests.find((r) => r.endpoint === 'devicecode')?.path, `/${TENANT}/oauth2/devicecode`);
    assert.ok(emu.count({ endpoint: 'token_v1' }) >= 1);
    assert.equal(emu.count({ endpoint: 'token' }), 0);
  });
});
