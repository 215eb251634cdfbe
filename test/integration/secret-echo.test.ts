// Issue 10, point 5: an upstream that echoes back what it was sent (or a CLI that prints a token in its
// error) must not get a secret onto stderr, at -v 9 or on the Error: line; nor a terminal escape sequence.
// The emulator's faults build their bodies from the request they fail, so the secrets echoed are the
// very ones bin/kubelogin sent: code_verifier and auth code, refresh tokens, IDENTITY_HEADER...
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import type { FaultRequest } from '../emulator/types';
import { oneErrorLine, tokenOf } from '../helpers/assert';
import { appServiceEnv, browserEnv, emulatorEnv, githubActionsEnv, pipelinesEnv, workloadIdentityEnv } from '../helpers/env';
import { FakeCli } from '../helpers/fake-az';
import { runKubelogin, type EnvPatch, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const S = 'api://echo-cluster';
const TENANT = '0e0e0e0e-0000-4000-8000-000000000001';
const PUBLIC_APP = '0e0e0e0e-0000-4000-8000-0000000000a1';
const SPN = { clientId: '0e0e0e0e-0000-4000-8000-0000000000a2', secret: 'Echo~Secret.Value-0123456789' };
const WI_APP = '0e0e0e0e-0000-4000-8000-0000000000a3';
const USER = { username: 'echo@example.com', password: 'Echo-Pa55word!' };
const MI = '0e0e0e0e-0000-4000-8000-0000000000b1';
const CONNECTION = '0e0e0e0e-0000-4000-8000-0000000000c1';
const SYSTEM_ACCESSTOKEN = 'azdo-echo-access-token-42';
const GITHUB_REQUEST_TOKEN = 'ghs_echoRequestToken42';
const WI_SUBJECT = 'system:serviceaccount:echo:app';
const INTERACTIVE = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: true } });

const SECRET_FIELDS = ['code', 'code_verifier', 'refresh_token', 'client_secret', 'client_assertion', 'password', 'device_code', 'assertion'];

/** What a hostile or careless upstream says back: every value it was sent, bare (no `name=` to key on). `seen` gets the secret ones. */
function echo(seen: string[], error = 'invalid_grant') {
  return (req: FaultRequest) => {
    const headers = [req.headers.authorization, req.headers['x-identity-header']].filter((v): v is string => typeof v === 'string');
    seen.push(...SECRET_FIELDS.flatMap((name) => req.form.getAll(name)), ...headers, ...headers.map((h) => h.replace(/^\S+ /, '')));
    const values = [...req.form.values(), ...headers];
    return { error, error_description: `AADSTS50000: rejected: ${values.join(' ')}`, message: `rejected ${values.join(' ')}` };
  };
}

/** None of the secrets anywhere on stderr; no control character but newline. */
function clean(r: RunResult, secrets: string[]): void {
  assert.ok(secrets.length > 0, 'the fault saw the request');
  for (const s of secrets) assert.ok(!r.stderr.includes(s), `stderr holds ${s.slice(0, 12)}…:\n${r.stderr}`);
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  assert.doesNotMatch(r.stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, 'no control characters on stderr');
}

describe('secrets an upstream echoes back never reach stderr (-v 9)', () => {
  let emu: Emulator;
  before(async () => {
    // 200 s is inside the 5-minute refresh margin: a second run refreshes through MSAL's cache.
    emu = await startEmulator({ tokenLifetimeSeconds: 200 });
    emu.addApp({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
    emu.addUser({ ...USER, tenantId: TENANT });
    emu.addApp({ ...SPN, tenantId: TENANT });
    emu.addApp({ clientId: WI_APP, tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject: WI_SUBJECT }, { issuer: emu.federatedIssuer, subject: `sc://echo/${CONNECTION}` }] });
    emu.addManagedIdentity({ clientId: MI, systemAssigned: true });
    emu.addPipelinesConnection({ serviceConnectionId: CONNECTION, systemAccessToken: SYSTEM_ACCESSTOKEN, subject: `sc://echo/${CONNECTION}` });
    emu.addGithubActions({ requestToken: GITHUB_REQUEST_TOKEN, subject: WI_SUBJECT });
    emu.interactiveUser = USER.username;
  });
  after(() => emu.close());
  beforeEach(() => {
    emu.deviceCode = { interval: 0.25, expiresIn: 900, slowDownTimes: 0, autoApproveAs: USER.username };
  });

  const run = (login: string, args: string[], env: EnvPatch, cacheDir = makeTempDir('kubelogin-echo-')) =>
    runKubelogin(['get-token', '-v', '9', '--login', login, '--server-id', S, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...args], {
      env: { ...emulatorEnv(emu), ...env },
      timeoutMs: 25_000,
    });

  it('interactive: the auth code and code_verifier of a rejected redemption', async () => {
    const seen: string[] = [];
    emu.failNext('token', 1, 400, echo(seen));
    const r = await run('interactive', ['--client-id', PUBLIC_APP], { ...browserEnv(), KUBERNETES_EXEC_INFO: INTERACTIVE });
    oneErrorLine(r, { besides: /.*/ });
    clean(r, seen);
    assert.equal(seen.length, 2, 'the code and code_verifier were sent and echoed');
  });

  for (const login of ['ropc', 'devicecode']) {
    it(`${login}: the refresh token of a rejected silent refresh (the run then signs in again)`, async () => {
      const cacheDir = makeTempDir('kubelogin-echo-');
      const args = login === 'ropc' ? ['--client-id', PUBLIC_APP, '--username', USER.username, '--password', USER.password] : ['--client-id', PUBLIC_APP];
      const env = login === 'devicecode' ? { KUBERNETES_EXEC_INFO: INTERACTIVE } : {};
      tokenOf(await run(login, args, env, cacheDir));
      const seen: string[] = [];
      emu.failNext('token', 1, 400, echo(seen));
      const r = await run(login, args, env, cacheDir);
      tokenOf(r);
      clean(r, seen);
      assert.equal(seen.length, 1, 'a refresh token was sent and echoed');
    });
  }

  it('spn: the client secret and the password-like values of a rejected request', async () => {
    const seen: string[] = [];
    emu.failNext('token', 1, 401, echo(seen, 'invalid_client'));
    const r = await run('spn', ['--client-id', SPN.clientId], { AZURE_CLIENT_SECRET: SPN.secret });
    oneErrorLine(r, { besides: /.*/ });
    clean(r, [...seen, SPN.secret]);
  });

  it('workloadidentity: the federated token sent as client_assertion', async () => {
    const dir = makeTempDir('kubelogin-echo-');
    const tokenFile = path.join(dir, 'token');
    const federated = await emu.issueFederatedToken({ subject: WI_SUBJECT });
    fs.writeFileSync(tokenFile, federated);
    const seen: string[] = [];
    emu.failNext('token', 1, 400, echo(seen, 'invalid_client'));
    const r = await run('workloadidentity', [], workloadIdentityEnv(emu, { clientId: WI_APP, tenantId: TENANT, tokenFile }));
    oneErrorLine(r, { besides: /.*/ });
    clean(r, [...seen, federated]);
  });

  it('workloadidentity on GitHub: ACTIONS_ID_TOKEN_REQUEST_TOKEN echoed by the OIDC service', async () => {
    const seen: string[] = [];
    emu.failNext('github_oidc', 1, 401, echo(seen, 'unauthorized'));
    const r = await run('workloadidentity', [], { ...workloadIdentityEnv(emu, { clientId: WI_APP, tenantId: TENANT, tokenFile: '/nonexistent' }), ...githubActionsEnv(emu, GITHUB_REQUEST_TOKEN) });
    oneErrorLine(r, { besides: /.*/ });
    clean(r, [...seen, GITHUB_REQUEST_TOKEN]);
  });

  it('azurepipelines: SYSTEM_ACCESSTOKEN echoed by the OIDC service', async () => {
    const seen: string[] = [];
    emu.failNext('pipelines_oidc', 1, 401, echo(seen, 'unauthorized'));
    const r = await run('azurepipelines', [], pipelinesEnv(emu, { serviceConnectionId: CONNECTION, systemAccessToken: SYSTEM_ACCESSTOKEN, clientId: WI_APP, tenantId: TENANT }));
    oneErrorLine(r, { besides: /.*/ });
    clean(r, [...seen, SYSTEM_ACCESSTOKEN]);
  });

  it('msi on App Service: IDENTITY_HEADER echoed by the endpoint', async () => {
    const seen: string[] = [];
    emu.failNext('appservice', 1, 400, echo(seen, 'invalid_request'));
    const r = await run('msi', [], appServiceEnv(emu));
    oneErrorLine(r, { besides: /.*/ });
    clean(r, [...seen, emu.appServiceSecret]);
    assert.ok(seen.includes(emu.appServiceSecret), 'the header was sent and echoed');
  });

  it('whoami: escape sequences in a claim (an app role the identity provider signs) never reach the table', async () => {
    const user = { username: 'esc@example.com', password: 'Esc-Pa55word!', roles: ['Cluster\x1b]0;pwned\x07\x1b[2J\u202e.Admin'] };
    emu.addUser({ ...user, tenantId: TENANT });
    const r = await runKubelogin(['whoami', '--login', 'ropc', '--server-id', S, '--client-id', PUBLIC_APP, '--tenant-id', TENANT, '--username', user.username,
      '--authority-host', emu.authorityHost, '--cache-dir', makeTempDir('kubelogin-echo-')], { env: { ...emulatorEnv(emu), AAD_USER_PRINCIPAL_PASSWORD: user.password }, timeoutMs: 25_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^roles +Cluster\.Admin$/m);
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  });

  it('escape sequences in an Entra error (set title, clear screen, colours, one-byte CSI) are stripped from the Error: line and the log', async () => {
    const hostile = 'AADSTS7000215: \x1b]0;pwned\x07\x1b[2J\x1b[H\x1b[31mred\x1b[0m\rover\x9b2Jwritten\x00\x08 end';
    emu.failNext('token', 1, 401, { error: 'invalid_client', error_description: hostile, error_codes: [7000215] });
    const r = await run('spn', ['--client-id', SPN.clientId], { AZURE_CLIENT_SECRET: SPN.secret });
    const line = oneErrorLine(r, { besides: /.*/ });
    clean(r, [SPN.secret]);
    assert.match(line, /AADSTS7000215: redoverwritten end/);
  });
});

describe('a CLI that prints a token in its error (fake az)', () => {
  const rt = `0.AXoAv4j5cvGGr0GRqy180BHbR${'Qk9kX2Fub3RoZXJfcGFydF9vZl90aGVfdG9rZW4'.repeat(4)}.AgABAAEAAAD--DLA3VO7QrddgJg7WevrAgDs_wQA9P8`;
  const opaque = 'Zq3vXw9YbT1uR8kN2mLp5sJd7hGf4cVa6eBn0oQiWzXyTuKlMjHgFdSaPoIuYtRe';
  const cases: Array<[string, string]> = [
    ['an Entra refresh token (0.A…) on its own line', `ERROR: AADSTS700082: The refresh token has expired due to inactivity.\n${rt}\n`],
    ['a refresh token inside the ERROR line', `ERROR: AADSTS50173: The provided grant has expired: ${rt} (run az login)\n`],
    ['an opaque token after a colon', `ERROR: invalid_grant: refresh token:${opaque}\n`],
    ['escape sequences around it', `ERROR: \x1b]2;az\x07\x1b[1mAADSTS70043\x1b[0m: expired ${rt}\x1b[2J\n`],
  ];
  for (const [name, stderr] of cases) {
    it(name, async () => {
      const fake = new FakeCli(makeTempDir('kubelogin-echo-az-'), { az: { exitCode: 1, stderr } });
      fake.signIn([{ id: '0e0e0e0e-0000-4000-8000-0000000000d1', tenantId: TENANT, user: 'dev@example.com', isDefault: true }]);
      const r = await runKubelogin(['get-token', '-v', '9', '--login', 'azurecli', '--server-id', S, '--cache-dir', makeTempDir('kubelogin-echo-')], { env: fake.env(), timeoutMs: 25_000 });
      const line = oneErrorLine(r, { besides: /.*/ });
      assert.match(line, /^Error: az account get-access-token failed: /);
      clean(r, [rt, opaque, rt.slice(0, 40), opaque.slice(0, 40)]);
    });
  }
});
