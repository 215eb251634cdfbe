// Discovery documents, keys, and the federated issuers (generic, Azure Pipelines, GitHub Actions) end to end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, jwtVerify } from 'jose';
import { startEmulator, type Emulator } from '../../emulator';
import { postForm, request } from '../../helpers/http';

const TENANT = '22222222-3333-4444-5555-666666666666';
const SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630';

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
  emu.addPipelinesConnection({ serviceConnectionId: 'sc-1', systemAccessToken: 'system-token', subject: 'sc://org/project/sc-1' });
  emu.addGithubActions({ requestToken: 'gh-request-token', subject: 'repo:org/repo:environment:prod' });
  emu.addApp({
    clientId: 'federated-app', tenantId: TENANT,
    federated: [
      { issuer: emu.federatedIssuer, subject: 'sc://org/project/sc-1' },
      { issuer: emu.federatedIssuer, subject: 'repo:org/repo:environment:prod' },
    ],
  });
});
after(() => emu.close());

const get = (path: string) => request(`${emu.url}${path}`, { ca: emu.caPem });

describe('discovery', () => {
  test('v2 openid-configuration for a tenant: endpoints MSAL needs', async () => {
    const doc = (await get(`/${TENANT}/v2.0/.well-known/openid-configuration`)).json();
    assert.equal(doc.issuer, `${emu.url}/${TENANT}/v2.0`);
    assert.equal(doc.token_endpoint, `${emu.url}/${TENANT}/oauth2/v2.0/token`);
    assert.equal(doc.authorization_endpoint, `${emu.url}/${TENANT}/oauth2/v2.0/authorize`);
    assert.equal(doc.device_authorization_endpoint, `${emu.url}/${TENANT}/oauth2/v2.0/devicecode`);
    assert.equal(doc.end_session_endpoint, `${emu.url}/${TENANT}/oauth2/v2.0/logout`);
    assert.equal(doc.jwks_uri, `${emu.url}/${TENANT}/discovery/v2.0/keys`);
    assert.equal(emu.count({ endpoint: 'discovery', tenantId: TENANT }), 1);
  });

  test('multi-tenant aliases advertise the templated issuer; v1 document; instance discovery', async () => {
    assert.equal((await get('/organizations/v2.0/.well-known/openid-configuration')).json().issuer, `${emu.url}/{tenantid}/v2.0`);
    const v1 = (await get(`/${TENANT}/.well-known/openid-configuration`)).json();
    assert.equal(v1.token_endpoint, `${emu.url}/${TENANT}/oauth2/token`);
    const authorize = encodeURIComponent(`${emu.url}/${TENANT}/oauth2/v2.0/authorize`);
    const inst = (await get(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`)).json();
    assert.equal(inst.tenant_discovery_endpoint, `${emu.url}/${TENANT}/v2.0/.well-known/openid-configuration`);
    assert.deepEqual(inst.metadata[0].aliases, [emu.host]);
  });

  test('keys served over HTTPS equal emu.jwks; unknown paths are 404 and logged', async () => {
    assert.deepEqual((await get(`/${TENANT}/discovery/v2.0/keys`)).json(), emu.jwks);
    const missing = await get('/nothing/here/at/all');
    assert.equal(missing.status, 404);
    assert.equal(emu.requests.at(-1)!.endpoint, 'other');
    assert.equal((await request(`${emu.url}/${TENANT}/oauth2/v2.0/token`, { ca: emu.caPem })).status, 405);
  });

  test('the federated issuer publishes discovery and keys that verify its tokens', async () => {
    const doc = (await get('/federated/.well-known/openid-configuration')).json();
    assert.equal(doc.issuer, emu.federatedIssuer);
    const keys = (await get('/federated/keys')).json();
    const jwt = await emu.issueFederatedToken({ subject: 'system:serviceaccount:ns:sa', expiresInSeconds: 120 });
    const keyFor = (h: { kid?: string }) => keys.keys.find((k: { kid: string }) => k.kid === h.kid);
    const { payload } = await jwtVerify(jwt, keyFor, { issuer: emu.federatedIssuer });
    assert.equal(payload.aud, 'api://AzureADTokenExchange');
    assert.equal((payload.exp as number) - (payload.iat as number), 120);
  });
});

async function exchange(assertion: string) {
  return postForm(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
    grant_type: 'client_credentials', client_id: 'federated-app', scope: `${SERVER}/.default`,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
  }, emu.caPem);
}

describe('Azure Pipelines OIDC', () => {
  const oidc = (token: string, id = 'sc-1') =>
    request(`${emu.pipelinesOidcUrl}?api-version=7.1&serviceConnectionId=${id}`, {
      method: 'POST', body: '', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, ca: emu.caPem,
    });

  test('an oidcToken for the service connection, exchangeable for an access token', async () => {
    const res = await oidc('system-token');
    assert.equal(res.status, 200);
    const { oidcToken } = res.json();
    assert.deepEqual([decodeJwt(oidcToken).iss, decodeJwt(oidcToken).sub, decodeJwt(oidcToken).aud], [emu.federatedIssuer, 'sc://org/project/sc-1', 'api://AzureADTokenExchange']);
    const { status, body } = await exchange(oidcToken);
    assert.equal(status, 200);
    assert.equal(decodeJwt(body.access_token).appid, 'federated-app');
    assert.equal(emu.count({ endpoint: 'pipelines_oidc' }), 1);
  });

  test('wrong SYSTEM_ACCESSTOKEN is 401 with a body and VSS headers; unknown connection is 404', async () => {
    const denied = await oidc('wrong');
    assert.equal(denied.status, 401);
    assert.match(denied.json().message, /not authorized/);
    assert.ok(denied.headers['x-vss-e2eid']);
    assert.equal((await oidc('system-token', 'sc-unknown')).status, 404);
  });
});

describe('GitHub Actions OIDC', () => {
  const idToken = (token: string, audience = 'api://AzureADTokenExchange') =>
    request(`${emu.githubOidcUrl}&audience=${encodeURIComponent(audience)}`, { headers: { Authorization: `Bearer ${token}` }, ca: emu.caPem });

  test('a token with the requested audience, exchangeable for an access token', async () => {
    const res = await idToken('gh-request-token');
    assert.equal(res.status, 200);
    const { value } = res.json();
    assert.equal(decodeJwt(value).sub, 'repo:org/repo:environment:prod');
    assert.equal((await exchange(value)).status, 200);
    const other = (await idToken('gh-request-token', 'something-else')).json().value;
    assert.equal(decodeJwt(other).aud, 'something-else');
    assert.deepEqual((await exchange(other)).body.error_codes, [70021]);
  });

  test('a wrong request token is 401', async () => {
    assert.equal((await idToken('nope')).status, 401);
  });
});
