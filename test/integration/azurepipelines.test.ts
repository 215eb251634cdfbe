// bin/kubelogin get-token --login azurepipelines against the emulator's Azure DevOps OIDC endpoint and Entra ID.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, oneErrorLine, tokenOf } from '../helpers/assert';
import { emulatorEnv, pipelinesEnv } from '../helpers/env';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const APP = '33333333-aaaa-4bbb-8ccc-000000000001';
const CONNECTION = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const SUBJECT = `sc://contoso/infra/${CONNECTION}`;
const ACCESS_TOKEN = 'azdo-system-access-token-0123456789abcdefABCDEF';

describe('get-token --login azurepipelines', () => {
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator();
    emu.addApp({ clientId: APP, tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject: SUBJECT }] });
    emu.addPipelinesConnection({ serviceConnectionId: CONNECTION, systemAccessToken: ACCESS_TOKEN, subject: SUBJECT });
  });
  after(() => emu.close());

  /** The AzureCLI@2 task's variables; a fresh --cache-dir per run so each run asks for a token. */
  const taskEnv = (patch: Record<string, string | undefined> = {}) => ({
    ...emulatorEnv(emu),
    ...pipelinesEnv(emu, { serviceConnectionId: CONNECTION, systemAccessToken: ACCESS_TOKEN, clientId: APP, tenantId: TENANT }),
    ...patch,
  });
  function getToken(args: string[], env: Record<string, string | undefined>) {
    return runKubelogin(
      ['get-token', '--login', 'azurepipelines', '--server-id', SERVER_ID, '--authority-host', emu.authorityHost, '--cache-dir', makeTempDir('kubelogin-ado-cache-'), ...args],
      { env, timeoutMs: 20_000 },
    );
  }

  it('exchanges the job OIDC token of the service connection for an Entra ID token', async () => {
    emu.reset();
    const claims = claimsOf(tokenOf(await getToken([], taskEnv())));
    assert.equal(claims.aud, SERVER_ID);
    assert.equal(claims.appid, APP);
    assert.equal(claims.tid, TENANT);
    assert.deepEqual(emu.requests.filter((q) => q.endpoint !== 'discovery').map((q) => [q.endpoint, q.method, q.status]), [
      ['pipelines_oidc', 'POST', 200],
      ['token', 'POST', 200],
    ]);
    assert.equal(emu.requests.find((q) => q.endpoint === 'token')?.scope, `${SERVER_ID}/.default`);
  });

  it('lets flags fill in what the AZURESUBSCRIPTION_* variables would', async () => {
    const env = taskEnv({ AZURESUBSCRIPTION_CLIENT_ID: undefined, AZURESUBSCRIPTION_TENANT_ID: undefined, AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: 'wrong-connection' });
    const r = await getToken(['--client-id', APP, '--tenant-id', TENANT, '--azure-pipelines-service-connection-id', CONNECTION], env);
    assert.equal(claimsOf(tokenOf(r)).appid, APP);
  });

  it('says to map SYSTEM_ACCESSTOKEN when it is not set', async () => {
    emu.reset();
    const line = oneErrorLine(await getToken([], taskEnv({ SYSTEM_ACCESSTOKEN: undefined })));
    assert.match(line, /^Error: failed to create azidentity credential: SYSTEM_ACCESSTOKEN environment variable not set: map it in the pipeline step: env: \{ SYSTEM_ACCESSTOKEN: \$\(System\.AccessToken\) \}$/);
    assert.equal(emu.requests.length, 0);
  });

  const missing: Array<{ name: string; patch: Record<string, undefined>; error: RegExp }> = [
    { name: 'SYSTEM_OIDCREQUESTURI', patch: { SYSTEM_OIDCREQUESTURI: undefined }, error: /no value for environment variable SYSTEM_OIDCREQUESTURI/ },
    { name: 'client id', patch: { AZURESUBSCRIPTION_CLIENT_ID: undefined }, error: /client ID cannot be empty: pass --client-id or set AZURESUBSCRIPTION_CLIENT_ID/ },
    { name: 'tenant id', patch: { AZURESUBSCRIPTION_TENANT_ID: undefined }, error: /tenant ID cannot be empty: pass --tenant-id or set AZURESUBSCRIPTION_TENANT_ID$/ },
    { name: 'service connection id', patch: { AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: undefined }, error: /service connection ID cannot be empty: pass --azure-pipelines-service-connection-id or set AZURESUBSCRIPTION_SERVICE_CONNECTION_ID$/ },
  ];
  for (const m of missing) {
    it(`says what to do when the ${m.name} is missing`, async () => {
      const line = oneErrorLine(await getToken([], taskEnv(m.patch)));
      assert.match(line, /^Error: failed to create azidentity credential: /);
      assert.match(line, m.error);
    });
  }

  it('reports a wrong SYSTEM_ACCESSTOKEN with the OIDC status and body, never the token', async () => {
    const wrong = 'azdo-wrong-access-token-9876543210';
    emu.reset();
    const line = oneErrorLine(await getToken([], taskEnv({ SYSTEM_ACCESSTOKEN: wrong })));
    assert.match(line, /OIDC token request failed with status code: 401, response body: .*TF400813.*; check that SYSTEM_ACCESSTOKEN is \$\(System\.AccessToken\)/);
    assert.ok(!line.includes(wrong));
    assert.equal(emu.count({ endpoint: 'token' }), 0);
  });

  it('reports an unknown service connection with 404 and what to check', async () => {
    const line = oneErrorLine(await getToken(['--azure-pipelines-service-connection-id', 'b7c3f0e2-0000-4000-8000-000000000000'], taskEnv({ AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: undefined })));
    assert.match(line, /status code: 404, .*was not found.*--azure-pipelines-service-connection-id/);
  });

  it('keeps SYSTEM_ACCESSTOKEN, the OIDC assertion and the access token out of stderr at -v 9', async () => {
    const r = await getToken(['-v', '9'], taskEnv());
    const token = tokenOf(r);
    assert.ok(r.stderr.length > 0);
    for (const secret of [ACCESS_TOKEN, token, token.split('.')[2]]) assert.ok(!r.stderr.includes(secret), 'a secret leaked to stderr');
    assert.doesNotMatch(r.stderr, /eyJ[\w-]{10,}\.[\w-]{10,}\./, 'no JWT-shaped text (the OIDC assertion) in stderr');
  });
});
