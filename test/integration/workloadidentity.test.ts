// bin/kubelogin get-token --login workloadidentity against the emulator: the projected token file (re-read
// on every run), the webhook's env variables, the GitHub Actions OIDC path, and the errors.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, oneErrorLine, tokenOf } from '../helpers/assert';
import { emulatorEnv, githubActionsEnv, workloadIdentityEnv } from '../helpers/env';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '0b9e2a3c-5d4f-4e61-8a7b-9c0d1e2f3a4b';
const POD_APP = '22222222-aaaa-4bbb-8ccc-000000000001';
const GITHUB_APP = '22222222-aaaa-4bbb-8ccc-000000000002';
const POD_SUBJECT = 'system:serviceaccount:team-a:deployer';
const GITHUB_SUBJECT = 'repo:contoso/infra:ref:refs/heads/main';
const GITHUB_REQUEST_TOKEN = 'ghs_requestTokenValue0123456789abcdef';

describe('get-token --login workloadidentity', () => {
  let emu: Emulator;
  let dir: string;
  let tokenFile: string;

  before(async () => {
    emu = await startEmulator();
    dir = makeTempDir('kubelogin-wi-');
    tokenFile = path.join(dir, 'azure-identity-token');
    emu.addApp({ clientId: POD_APP, tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject: POD_SUBJECT }] });
    emu.addApp({ clientId: GITHUB_APP, tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject: GITHUB_SUBJECT }] });
    emu.addGithubActions({ requestToken: GITHUB_REQUEST_TOKEN, subject: GITHUB_SUBJECT });
  });
  after(() => emu.close());

  /** A fresh --cache-dir per run, so each run asks Entra ID (a cached token would hide the file). */
  function getToken(args: string[], env: Record<string, string | undefined>) {
    return runKubelogin(['get-token', '--login', 'workloadidentity', '--server-id', SERVER_ID, '--cache-dir', makeTempDir('kubelogin-wi-cache-'), ...args], {
      env: { ...emulatorEnv(emu), ...env },
      timeoutMs: 20_000,
    });
  }
  const podEnv = () => workloadIdentityEnv(emu, { clientId: POD_APP, tenantId: TENANT, tokenFile });

  it('exchanges the projected token file using only the webhook variables', async () => {
    fs.writeFileSync(tokenFile, await emu.issueFederatedToken({ subject: POD_SUBJECT }));
    emu.reset();
    const claims = claimsOf(tokenOf(await getToken([], podEnv())));
    assert.equal(claims.aud, SERVER_ID);
    assert.equal(claims.appid, POD_APP);
    assert.equal(claims.tid, TENANT);
    const req = emu.requests.filter((q) => q.endpoint === 'token');
    assert.deepEqual(req.map((q) => [q.grantType, q.clientId, q.scope]), [['client_credentials', POD_APP, `${SERVER_ID}/.default`]]);
  });

  it('reads the token file again on the next run: a rewritten file is what the emulator judges', async () => {
    fs.writeFileSync(tokenFile, await emu.issueFederatedToken({ subject: POD_SUBJECT }));
    tokenOf(await getToken([], podEnv()));
    // Same file, now a token for a subject the app does not trust: only a re-read can make this fail.
    fs.writeFileSync(tokenFile, await emu.issueFederatedToken({ subject: 'system:serviceaccount:team-b:intruder' }));
    assert.match(oneErrorLine(await getToken([], podEnv())), /AADSTS70021.*\(no federated identity credential matches/);
    fs.writeFileSync(tokenFile, `${await emu.issueFederatedToken({ subject: POD_SUBJECT })}\n`);
    assert.equal(claimsOf(tokenOf(await getToken([], podEnv()))).appid, POD_APP);
  });

  it('reports an expired federated token with AADSTS700024 and what to do', async () => {
    fs.writeFileSync(tokenFile, await emu.issueFederatedToken({ subject: POD_SUBJECT, expiresInSeconds: -600 }));
    assert.match(oneErrorLine(await getToken([], podEnv())), /AADSTS700024.*AZURE_FEDERATED_TOKEN_FILE/);
  });

  it('takes --federated-token-file, --client-id, --tenant-id and --authority-host as flags', async () => {
    const file = path.join(dir, 'flag-token');
    fs.writeFileSync(file, await emu.issueFederatedToken({ subject: POD_SUBJECT }));
    const r = await getToken(['--client-id', POD_APP, '--tenant-id', TENANT, '--federated-token-file', file, '--authority-host', emu.authorityHost], {});
    assert.equal(claimsOf(tokenOf(r)).appid, POD_APP);
  });

  const missing: Array<{ name: string; env: () => Record<string, string | undefined>; error: RegExp }> = [
    { name: 'client id', env: () => ({ ...podEnv(), AZURE_CLIENT_ID: undefined }), error: /client ID cannot be empty: pass --client-id or set AZURE_CLIENT_ID$/ },
    { name: 'tenant id', env: () => ({ ...podEnv(), AZURE_TENANT_ID: undefined }), error: /tenant ID cannot be empty: pass --tenant-id or set AZURE_TENANT_ID$/ },
    { name: 'token file', env: () => ({ ...podEnv(), AZURE_FEDERATED_TOKEN_FILE: undefined }), error: /federated token file cannot be empty: pass --federated-token-file or set AZURE_FEDERATED_TOKEN_FILE/ },
  ];
  for (const m of missing) {
    it(`says what to do when the ${m.name} is missing`, async () => {
      const line = oneErrorLine(await getToken([], m.env()));
      assert.match(line, /^Error: failed to create azidentity credential: /);
      assert.match(line, m.error);
    });
  }

  it('names an unreadable token file', async () => {
    emu.reset();
    const line = oneErrorLine(await getToken([], { ...podEnv(), AZURE_FEDERATED_TOKEN_FILE: path.join(dir, 'not-mounted') }));
    assert.match(line, /failed to read the federated token file \(.*not-mounted\): ENOENT.*AZURE_FEDERATED_TOKEN_FILE/);
    assert.equal(emu.count({ endpoint: 'token' }), 0);
  });

  it('uses the GitHub Actions OIDC token when both ACTIONS_ID_TOKEN_REQUEST_* are set, ignoring the token file', async () => {
    emu.reset();
    const env = {
      ...workloadIdentityEnv(emu, { clientId: GITHUB_APP, tenantId: TENANT, tokenFile: path.join(dir, 'does-not-exist') }),
      ...githubActionsEnv(emu, GITHUB_REQUEST_TOKEN),
    };
    const claims = claimsOf(tokenOf(await getToken([], env)));
    assert.equal(claims.appid, GITHUB_APP);
    assert.equal(claims.aud, SERVER_ID);
    assert.equal(emu.count({ endpoint: 'github_oidc' }), 1);
    assert.equal(emu.count({ endpoint: 'token', clientId: GITHUB_APP }), 1);
  });

  it('uses the token file when only one of the GitHub variables is set', async () => {
    fs.writeFileSync(tokenFile, await emu.issueFederatedToken({ subject: POD_SUBJECT }));
    emu.reset();
    const r = await getToken([], { ...podEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: GITHUB_REQUEST_TOKEN });
    assert.equal(claimsOf(tokenOf(r)).appid, POD_APP);
    assert.equal(emu.count({ endpoint: 'github_oidc' }), 0);
  });

  it('reports a rejected GitHub ID token request with its status and body, never the request token', async () => {
    const wrong = 'ghs_wrongRequestToken9876543210';
    const env = { ...workloadIdentityEnv(emu, { clientId: GITHUB_APP, tenantId: TENANT, tokenFile }), ...githubActionsEnv(emu, wrong) };
    const line = oneErrorLine(await getToken([], env));
    assert.match(line, /github actions ID token request failed with status code: 401, response body: \{"message":"Bad credentials".*id-token: write/);
    const verbose = await getToken(['-v', '9'], env);
    assert.equal(verbose.code, 1);
    assert.ok(!verbose.stderr.includes(wrong), 'the request token leaked to stderr');
  });

  it('keeps the assertion, the GitHub request token and the access token out of stderr at -v 9', async () => {
    const assertion = await emu.issueFederatedToken({ subject: POD_SUBJECT });
    fs.writeFileSync(tokenFile, assertion);
    const file = await getToken(['-v', '9'], podEnv());
    const github = await getToken(['-v', '9'], { ...workloadIdentityEnv(emu, { clientId: GITHUB_APP, tenantId: TENANT, tokenFile }), ...githubActionsEnv(emu, GITHUB_REQUEST_TOKEN) });
    for (const r of [file, github]) {
      const token = tokenOf(r);
      assert.ok(r.stderr.length > 0);
      for (const secret of [assertion, assertion.split('.')[2], GITHUB_REQUEST_TOKEN, token, token.split('.')[2]]) {
        assert.ok(!r.stderr.includes(secret), 'a secret leaked to stderr');
      }
    }
  });
});
