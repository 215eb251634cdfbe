// A legacy `auth-provider: azure` kubeconfig, converted by bin/kubelogin convert-kubeconfig, then used by the
// real kubectl: kubectl finds `kubelogin` on PATH, which gets a token from the Entra ID emulator that the
// fake API server accepts. One test per converted mode: spn, workloadidentity, azurecli.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import type { Emulator } from '../emulator';
import { startCluster, type Cluster } from '../helpers/cluster';
import { emulatorEnv, workloadIdentityEnv } from '../helpers/env';
import { request } from '../helpers/http';
import { kubeloginBin } from '../helpers/paths';
import { runKubectl, runKubelogin, type EnvPatch } from '../helpers/run';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const AKS_CLIENT = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';
const TENANT = '55555555-1111-4222-8333-444455556666';
const SPN_APP = '55555555-aaaa-4bbb-8ccc-000000000001';
const SPN_SECRET = 'e2e~Convert.Secret-value_0123456789';
const WI_APP = '55555555-aaaa-4bbb-8ccc-000000000002';
const WI_SUBJECT = 'system:serviceaccount:default:convert-e2e';
const CLI_APP = '55555555-aaaa-4bbb-8ccc-000000000003';
const CLI_SECRET = 'e2e~Cli.Secret-value_0123456789';

describe('convert-kubeconfig, then kubectl with the converted user', () => {
  let cluster: Cluster;
  let emu: Emulator;
  let dir: string;
  /** First on kubectl's PATH: `kubelogin` (a symlink to this repo's bin/kubelogin) and a fake `az`. */
  let binDir: string;

  before(async () => {
    cluster = await startCluster({ audience: SERVER_ID });
    ({ emu, dir } = cluster);
    emu.addApp({ clientId: SPN_APP, tenantId: TENANT, secret: SPN_SECRET });
    emu.addApp({ clientId: WI_APP, tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject: WI_SUBJECT }] });
    emu.addApp({ clientId: CLI_APP, tenantId: TENANT, secret: CLI_SECRET });
    binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    fs.symlinkSync(kubeloginBin, path.join(binDir, 'kubelogin'));
  });
  after(() => cluster.close());

  /** What `az aks get-credentials` used to write: the azure auth-provider, with a stale cached token. */
  function legacyKubeconfig(name: string): string {
    const config = { 'apiserver-id': SERVER_ID, 'client-id': AKS_CLIENT, 'tenant-id': TENANT, environment: 'AzurePublicCloud', 'config-mode': '1', 'access-token': 'stale' };
    return cluster.kubeconfig(`${name}.yaml`, { authProvider: { name: 'azure', config } }, name);
  }

  async function convert(file: string, args: string[]): Promise<{ command: string; args: string[]; env: unknown }> {
    const r = await runKubelogin(['convert-kubeconfig', '--kubeconfig', file, ...args]);
    assert.equal(r.code, 0, r.stderr);
    const user = (yaml.load(fs.readFileSync(file, 'utf8')) as any).users[0].user;
    assert.equal(user['auth-provider'], undefined);
    return user.exec;
  }

  async function kubectlGetNamespaces(file: string, env: EnvPatch): Promise<void> {
    const before = cluster.api.requests.length;
    const r = await runKubectl(['get', 'namespaces', '-o', 'name'], {
      kubeconfig: file,
      env: { PATH: `${binDir}${path.delimiter}${process.env.PATH}`, ...emulatorEnv(emu), ...env },
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^namespace\/default$/m);
    const seen = cluster.api.requests.slice(before).filter((q) => q.path === '/api/v1/namespaces');
    assert.deepEqual([seen.at(-1)?.status, seen.at(-1)?.aud], [200, SERVER_ID]);
  }

  it('spn: the secret stays out of the file and comes from the environment kubectl runs in', async () => {
    const file = legacyKubeconfig('spn');
    const exec = await convert(file, ['-l', 'spn', '--client-id', SPN_APP]);
    assert.deepEqual([exec.command, exec.args], ['kubelogin', ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', SPN_APP, '--tenant-id', TENANT, '--environment', 'AzurePublicCloud']]);
    emu.reset();
    await kubectlGetNamespaces(file, { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN_SECRET, AZURE_AUTHORITY_HOST: emu.authorityHost });
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials', clientId: SPN_APP }), 1);
  });

  it('workloadidentity: nothing but the server id is written; the webhook variables do the rest', async () => {
    const file = legacyKubeconfig('wi');
    const exec = await convert(file, ['-l', 'workloadidentity']);
    assert.deepEqual(exec.args, ['get-token', '--login', 'workloadidentity', '--server-id', SERVER_ID]);
    const tokenFile = path.join(dir, 'wi-token');
    fs.writeFileSync(tokenFile, await emu.issueFederatedToken({ subject: WI_SUBJECT }));
    emu.reset();
    await kubectlGetNamespaces(file, workloadIdentityEnv(emu, { clientId: WI_APP, tenantId: TENANT, tokenFile }));
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials', clientId: WI_APP }), 1);
  });

  it('azurecli: the kubeconfig tenant is dropped, --azure-config-dir becomes AZURE_CONFIG_DIR for az', async () => {
    const file = legacyKubeconfig('cli');
    const azConfigDir = path.join(dir, 'az-config');
    const exec = await convert(file, ['-l', 'azurecli', '--azure-config-dir', azConfigDir]);
    assert.deepEqual(exec.args, ['get-token', '--login', 'azurecli', '--server-id', SERVER_ID]);
    assert.deepEqual(exec.env, [{ name: 'AZURE_CONFIG_DIR', value: azConfigDir }]);

    // The fake az prints a real emulator token for the resource, as `az account get-access-token` would.
    const token = await request(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
      ca: emu.caPem,
      body: { grant_type: 'client_credentials', client_id: CLI_APP, client_secret: CLI_SECRET, scope: `${SERVER_ID}/.default` },
    });
    assert.equal(token.status, 200, token.text);
    const answer = path.join(dir, 'az-answer.json');
    fs.writeFileSync(answer, JSON.stringify({ accessToken: token.json().access_token, expires_on: Math.floor(Date.now() / 1000) + 3600, tenant: TENANT, tokenType: 'Bearer' }));
    const log = path.join(dir, 'az.log');
    fs.writeFileSync(path.join(binDir, 'az'), `#!/bin/sh\necho "$AZURE_CONFIG_DIR $*" >> '${log}'\ncat '${answer}'\n`, { mode: 0o755 });

    await kubectlGetNamespaces(file, {});
    assert.equal(fs.readFileSync(log, 'utf8').trim(), `${azConfigDir} account get-access-token --resource ${SERVER_ID} --output json`);
  });
});
