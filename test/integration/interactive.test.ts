// bin/kubelogin --login interactive against the emulator, with test/helpers/fake-browser.sh as $BROWSER:
// auth code + PKCE over form_post to MSAL's loopback listener, silent refresh, fail-fast, timeouts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, oneErrorLine, tokenOf } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { fakeBrowserSh } from '../helpers/paths';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'interactive-server';
const CLIENT_ID = 'interactive-client';
const TENANT = 'interactive-tenant';
const USER = 'ivy@example.com';
const OTHER = 'otto@example.com';
const interactive = (yes: boolean) => JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: yes } });

let emu: Emulator;
let browserLog: string;

before(async () => {
  emu = await startEmulator({ tokenLifetimeSeconds: 200 });
  emu.addApp({ clientId: CLIENT_ID, publicClient: true });
  emu.addUser({ username: USER, password: 'not-used' });
  emu.addUser({ username: OTHER, password: 'not-used' });
  emu.interactiveUser = USER;
});
after(() => emu.close());
beforeEach(() => {
  emu.reset();
  browserLog = path.join(makeTempDir(), 'urls');
});

function login(cacheDir: string, opts: { canPrompt?: boolean; extra?: string[]; browser?: string; env?: Record<string, string> } = {}) {
  const args = ['get-token', '--login', 'interactive', '--server-id', SERVER_ID, '--client-id', CLIENT_ID, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...(opts.extra ?? [])];
  const env = {
    ...emulatorEnv(emu),
    KUBERNETES_EXEC_INFO: interactive(opts.canPrompt ?? true),
    BROWSER: opts.browser ?? fakeBrowserSh,
    FAKE_BROWSER_LOG: browserLog,
    ...opts.env,
  };
  return runKubelogin(args, { env, timeoutMs: 20_000 });
}

const opened = (): URL[] => (fs.existsSync(browserLog) ? fs.readFileSync(browserLog, 'utf8').trim().split('\n').map((u) => new URL(u)) : []);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('interactive', () => {
  test('opens $BROWSER on an auth code + PKCE request and prints one ExecCredential', async () => {
    const res = await login(makeTempDir());
    const t = claimsOf(tokenOf(res));
    assert.equal(t.aud, SERVER_ID);
    assert.equal(t.upn, USER);
    const [url] = opened();
    const q = url.searchParams;
    assert.equal(url.pathname, `/${TENANT}/oauth2/v2.0/authorize`);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('response_mode'), 'form_post');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('redirect_uri')!, /^http:\/\/localhost:\d+$/);
    assert.match(res.stderr, /If it did not open, visit: https:\/\/127\.0\.0\.1:\d+\/.*authorize/);
    assert.equal(emu.count({ grantType: 'authorization_code' }), 1);
  });

  test('--login-hint picks the account; --redirect-url fixes the loopback port', async () => {
    const port = await freePort();
    const res = await login(makeTempDir(), { extra: ['--login-hint', OTHER, '--redirect-url', `http://localhost:${port}`] });
    assert.equal(claimsOf(tokenOf(res)).upn, OTHER);
    const q = opened()[0].searchParams;
    assert.equal(q.get('login_hint'), OTHER);
    assert.equal(q.get('redirect_uri'), `http://localhost:${port}`);
  });

  test('the next run refreshes silently: no browser, even without a terminal', async () => {
    const dir = makeTempDir();
    assert.equal((await login(dir)).code, 0);
    emu.reset();
    const res = await login(dir, { canPrompt: false });
    tokenOf(res);
    assert.equal(opened().length, 1, 'the browser opened for the first run only');
    assert.equal(emu.count({ endpoint: 'authorize' }), 0);
    assert.equal(emu.count({ grantType: 'refresh_token' }), 1);
  });

  test('a revoked refresh token opens the browser again', async () => {
    const dir = makeTempDir();
    assert.equal((await login(dir)).code, 0);
    emu.revokeRefreshTokens();
    emu.reset();
    const res = await login(dir);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(opened().length, 2);
    assert.equal(emu.count({ grantType: 'authorization_code' }), 1);
    assert.match(res.stderr, /could not be refreshed.*AADSTS50173/);
  });

  test('spec.interactive=false on a Linux desktop (DISPLAY set, as under a GUI tool): the browser opens', async () => {
    const res = await login(makeTempDir(), { canPrompt: false, env: { DISPLAY: ':0' } });
    tokenOf(res);
    assert.equal(opened().length, 1);
  });

  test('spec.interactive=true in a CI job (TF_BUILD): fails at once, no browser', async () => {
    const res = await login(makeTempDir(), { env: { TF_BUILD: 'True', DISPLAY: ':0' } });
    assert.match(oneErrorLine(res), /InteractiveBrowserCredential: sign-in needs a person, but nobody can be asked here \(a CI system was detected \(TF_BUILD is set\)\)/);
    assert.equal(opened().length, 0);
  });

  test('fails at once when nobody can be asked, without opening a browser', async () => {
    const started = Date.now();
    const res = await login(makeTempDir(), { canPrompt: false });
    assert.match(oneErrorLine(res), /InteractiveBrowserCredential: sign-in needs a person.*\(kubectl set spec\.interactive=false, stderr is not a terminal, and no desktop browser can be opened.*kubectl get nodes/);
    assert.ok(Date.now() - started < 2000);
    assert.equal(opened().length, 0);
  });

  test('without a usable browser it prints the URL, and --timeout ends the wait', async () => {
    const started = Date.now();
    const res = await login(makeTempDir(), { browser: '/nonexistent/browser', extra: ['--timeout', '1500ms'] });
    assert.match(res.stderr, /Open this URL in a browser to sign in: https:\/\/127\.0\.0\.1:\d+\/.*authorize\?/);
    const line = oneErrorLine(res, { besides: /^Open this URL in a browser to sign in: https:\/\/\S+$/ });
    assert.match(line, /InteractiveBrowserCredential: context deadline exceeded .*raise --timeout/);
    assert.ok(Date.now() - started < 5000, 'the loopback listener does not keep the process alive');
  });

  const badRedirects = ['https://localhost:8400', 'http://example.com:8400', 'http://localhost:8400/callback'];
  for (const url of badRedirects) {
    test(`--redirect-url ${url} is refused with the form to use`, async () => {
      const res = await login(makeTempDir(), { extra: ['--redirect-url', url] });
      assert.match(oneErrorLine(res), /--redirect-url ".*" is not supported: use http:\/\/localhost:<port>/);
      assert.equal(opened().length, 0);
    });
  }
});
