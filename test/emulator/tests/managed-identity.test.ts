// Managed identity endpoints: raw HTTP checks, then @azure/msal-node's ManagedIdentityApplication per source.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { startEmulator, type Emulator } from '../../emulator';
import { request } from '../../helpers/http';
import { results, runMsal } from './child';

const SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630';
const UAMI = { clientId: 'aaaaaaaa-0000-4000-8000-000000000001', resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami', objectId: 'bbbbbbbb-0000-4000-8000-000000000002' };
const SYSTEM = { clientId: 'cccccccc-0000-4000-8000-000000000003', systemAssigned: true };

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
  emu.addManagedIdentity(UAMI);
  emu.addManagedIdentity(SYSTEM);
});
after(() => emu.close());

const imds = (query: string, headers: Record<string, string> = { Metadata: 'true' }) =>
  request(`${emu.miUrl}/metadata/identity/oauth2/token?api-version=2018-02-01&${query}`, { headers });

describe('raw endpoints', () => {
  test('IMDS: system-assigned by default, numbers as strings, aud = resource', async () => {
    const res = await imds(`resource=${SERVER}`);
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.client_id, SYSTEM.clientId);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(typeof body.expires_on, 'string');
    assert.equal(typeof body.expires_in, 'string');
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.aud, SERVER);
    assert.equal(claims.appid, SYSTEM.clientId);
    assert.equal(claims.tid, emu.defaultTenantId);
  });

  test('IMDS: user-assigned by client_id, msi_res_id and object_id; /.default is stripped', async () => {
    for (const q of [`client_id=${UAMI.clientId}`, `msi_res_id=${encodeURIComponent(UAMI.resourceId)}`, `object_id=${UAMI.objectId}`]) {
      const res = await imds(`resource=https%3A%2F%2Fmanagement.azure.com%2F.default&${q}`);
      assert.equal(res.status, 200, q);
      const claims = decodeJwt(res.json().access_token);
      assert.equal(claims.appid, UAMI.clientId, q);
      assert.equal(claims.aud, 'https://management.azure.com');
      assert.equal(claims.xms_mirid, UAMI.resourceId);
    }
  });

  test('IMDS: no Metadata header, unknown identity', async () => {
    const noHeader = await imds(`resource=${SERVER}`, {});
    assert.equal(noHeader.status, 400);
    const unknown = await imds(`resource=${SERVER}&client_id=nobody`);
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.json(), { error: 'invalid_request', error_description: 'Identity not found' });
    assert.equal(emu.requests.at(-1)!.endpoint, 'imds');
    assert.equal(emu.requests.at(-1)!.error, 'invalid_request');
  });

  test('App Service requires X-IDENTITY-HEADER', async () => {
    const url = `${emu.miUrl}/msi/token?api-version=2019-08-01&resource=${SERVER}`;
    assert.equal((await request(url)).status, 401);
    const ok = await request(url, { headers: { 'X-IDENTITY-HEADER': emu.appServiceSecret } });
    assert.equal(ok.status, 200);
    assert.equal(decodeJwt(ok.json().access_token).aud, SERVER);
  });

  test('Azure Arc: Basic challenge naming the key file, then the token', async () => {
    const url = `${emu.miUrl}/arc/token?api-version=2020-06-01&resource=${SERVER}`;
    const challenge = await request(url, { headers: { Metadata: 'true' } });
    assert.equal(challenge.status, 401);
    assert.equal(challenge.headers['www-authenticate'], `Basic realm=${emu.arcKeyFile}`);
    const { readFileSync } = await import('node:fs');
    const ok = await request(url, { headers: { Metadata: 'true', Authorization: `Basic ${readFileSync(emu.arcKeyFile, 'utf8')}` } });
    assert.equal(ok.status, 200);
  });

  test('failNext answers the injected status, then recovers', async () => {
    emu.failNext('imds', 2, 503);
    assert.equal((await imds(`resource=${SERVER}`)).status, 503);
    assert.equal((await imds(`resource=${SERVER}`)).status, 503);
    assert.equal((await imds(`resource=${SERVER}`)).status, 200);
  });
});

describe('MSAL ManagedIdentityApplication', { concurrency: true }, () => {
  const msal = (env: Record<string, string>, mi?: { clientId?: string; resourceId?: string; objectId?: string }) =>
    runMsal({ flow: 'mi', resource: SERVER, mi, repeat: 2 }, { caFile: emu.caFile, env });

  test('IMDS via AZURE_POD_IDENTITY_AUTHORITY_HOST, user-assigned by client id, cached second call', async () => {
    const run = await msal({ AZURE_POD_IDENTITY_AUTHORITY_HOST: emu.miUrl }, { clientId: UAMI.clientId });
    assert.equal(run.events[0].source, 'DefaultToImds');
    const [first, second] = results(run);
    assert.equal(decodeJwt(first.accessToken).appid, UAMI.clientId);
    assert.equal(second.fromCache, true);
  });

  test('App Service via IDENTITY_ENDPOINT + IDENTITY_HEADER', async () => {
    const run = await msal({ IDENTITY_ENDPOINT: `${emu.miUrl}/msi/token`, IDENTITY_HEADER: emu.appServiceSecret }, { resourceId: UAMI.resourceId });
    assert.equal(run.events[0].source, 'AppService');
    const [first] = results(run);
    assert.equal(decodeJwt(first.accessToken).appid, UAMI.clientId);
  });

  test('Azure Arc via IDENTITY_ENDPOINT + IMDS_ENDPOINT (system-assigned)', async (t) => {
    if (!emu.arcKeyFile.startsWith('/var/opt/azcmagent/tokens/')) return t.skip('MSAL reads Arc keys only from /var/opt/azcmagent/tokens');
    const run = await msal({ IDENTITY_ENDPOINT: `${emu.miUrl}/arc/token`, IMDS_ENDPOINT: emu.miUrl });
    assert.equal(run.events[0].source, 'AzureArc');
    const [first] = results(run);
    assert.equal(decodeJwt(first.accessToken).appid, SYSTEM.clientId);
  });
});
