// The token endpoints over raw HTTPS: app grants, client authentication edge cases, v1, latency and faults.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify, SignJWT } from 'jose';
import { startEmulator, type Emulator } from '../../emulator';
import { makeClientCertificate, type ClientCertificate } from '../../helpers/certs';
import { postForm } from '../../helpers/http';
import { makeTempDir } from '../../helpers/tmp';

const TENANT = 'contoso-tenant';
const SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630';
const BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let emu: Emulator;
let cert: ClientCertificate;
const tokenUrl = (tenant = TENANT) => `${emu.url}/${tenant}/oauth2/v2.0/token`;
const post = (form: Record<string, string | undefined>, url = tokenUrl()) => postForm(url, form, emu.caPem);
const secretForm = (over: Record<string, string | undefined> = {}) => ({
  grant_type: 'client_credentials', client_id: 'spn', client_secret: 'hunter2', scope: `${SERVER}/.default`, ...over,
});

before(async () => {
  emu = await startEmulator({ tokenLifetimeSeconds: 1234 });
  cert = await makeClientCertificate({ dir: makeTempDir(), name: 'spn-cert' });
  emu.addApp({ clientId: 'spn', tenantId: TENANT, secret: 'hunter2' });
  emu.addApp({ clientId: 'cert-spn', certificatePem: cert.certPem });
  emu.addApp({ clientId: 'wi', federated: [{ issuer: emu.federatedIssuer, subject: 'sub-1', audience: 'custom-aud' }] });
});
after(() => emu.close());

function assertion(opts: { alg?: 'RS256' | 'PS256'; aud?: string; iss?: string; nbfOffset?: number; expOffset?: number; sha1?: boolean } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const thumb = Buffer.from(opts.sha1 ? cert.thumbprintSha1 : cert.thumbprintSha256, 'hex').toString('base64url');
  return new SignJWT({ jti: 'x' })
    .setProtectedHeader({ alg: opts.alg ?? 'PS256', typ: 'JWT', ...(opts.sha1 ? { x5t: thumb } : { 'x5t#S256': thumb }) })
    .setIssuer(opts.iss ?? 'cert-spn')
    .setSubject(opts.iss ?? 'cert-spn')
    .setAudience(opts.aud ?? tokenUrl())
    .setNotBefore(now + (opts.nbfOffset ?? 0))
    .setExpirationTime(now + (opts.expOffset ?? 600))
    .sign(createPrivateKey(cert.keyPem));
}

describe('client_credentials', () => {
  test('secret: JWT verifies against the JWKS, with the documented claims and response fields', async () => {
    const { status, body } = await post(secretForm());
    assert.equal(status, 200);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 1234);
    assert.equal(body.ext_expires_in, 1234);
    assert.equal(body.scope, `${SERVER}/.default`);
    assert.equal(body.refresh_token, undefined);
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(emu.jwks as any), {
      issuer: `${emu.url}/${TENANT}/v2.0`, audience: SERVER,
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.ok(protectedHeader.kid);
    assert.equal(payload.appid, 'spn');
    assert.equal(payload.azp, 'spn');
    assert.equal(payload.idtyp, 'app');
    assert.equal(payload.ver, '2.0');
    assert.equal((payload.exp as number) - (payload.iat as number), 1234);
  });

  test('trailing slash rules: https://x//.default → aud https://x/', async () => {
    const { body } = await post(secretForm({ scope: 'https://management.core.windows.net//.default' }));
    assert.equal(decodeJwt(body.access_token).aud, 'https://management.core.windows.net/');
  });

  test('errors: wrong secret, unknown app, wrong tenant, no /.default, no credential, unsupported grant', async () => {
    const cases: [Record<string, string | undefined>, number, string, number][] = [
      [secretForm({ client_secret: 'nope' }), 401, 'invalid_client', 7000215],
      [secretForm({ client_id: 'ghost' }), 400, 'invalid_client', 700016],
      [secretForm({ scope: `${SERVER}/user.read` }), 400, 'invalid_scope', 1002012],
      [secretForm({ client_secret: undefined }), 401, 'invalid_client', 7000218],
      [secretForm({ grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer' }), 400, 'unsupported_grant_type', 70003],
    ];
    for (const [form, status, error, code] of cases) {
      const res = await post(form);
      assert.equal(res.status, status, JSON.stringify(form));
      assert.equal(res.body.error, error);
      assert.deepEqual(res.body.error_codes, [code]);
      assert.match(res.body.error_description, new RegExp(`^AADSTS${code}: .*\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`, 's'));
      assert.ok(res.body.trace_id && res.body.correlation_id && res.body.timestamp);
    }
    const wrongTenant = await post(secretForm(), tokenUrl('another-tenant'));
    assert.deepEqual(wrongTenant.body.error_codes, [700016]);
  });

  test('client_secret_basic (Authorization: Basic) works like client_secret_post', async () => {
    const { request } = await import('../../helpers/http');
    const basic = (secret: string) => `Basic ${Buffer.from(`spn:${secret}`).toString('base64')}`;
    const form = { grant_type: 'client_credentials', scope: `${SERVER}/.default` };
    const ok = await request(tokenUrl(), { body: form, ca: emu.caPem, headers: { Authorization: basic('hunter2') } });
    assert.equal(ok.status, 200);
    const bad = await request(tokenUrl(), { body: form, ca: emu.caPem, headers: { Authorization: basic('nope') } });
    assert.equal(bad.json().error_codes[0], 7000215);
  });

  test('client-request-id is echoed as the correlation id', async () => {
    const { request } = await import('../../helpers/http');
    const res = await request(tokenUrl(), { body: secretForm({ client_secret: 'nope' }), ca: emu.caPem, headers: { 'client-request-id': '01234567-89ab-cdef-0123-456789abcdef' } });
    assert.equal(res.json().correlation_id, '01234567-89ab-cdef-0123-456789abcdef');
  });

  test('the request log never holds the secret', async () => {
    await post(secretForm());
    assert.ok(!JSON.stringify(emu.requests).includes('hunter2'));
  });
});

describe('certificate assertions', () => {
  const certForm = async (a: Promise<string> | string) => ({
    grant_type: 'client_credentials', client_id: 'cert-spn', scope: `${SERVER}/.default`, client_assertion_type: BEARER, client_assertion: await a,
  });
  const expectCode = async (a: Promise<string>, code: number) => {
    const res = await post(await certForm(a));
    assert.deepEqual(res.body.error_codes, [code], JSON.stringify(res.body));
    return res;
  };

  test('PS256 + x5t#S256 and RS256 + x5t are accepted; nbf 4 minutes ahead is within skew', async () => {
    for (const a of [assertion(), assertion({ alg: 'RS256', sha1: true }), assertion({ nbfOffset: 240 })]) {
      const res = await post(await certForm(a));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(decodeJwt(res.body.access_token).azpacr, '2');
    }
  });

  test('the v1 token endpoint is a valid audience too', async () => {
    const res = await post({ ...(await certForm(assertion({ aud: `${emu.url}/${TENANT}/oauth2/token` }))), scope: undefined, resource: SERVER }, `${emu.url}/${TENANT}/oauth2/token`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  test('rejections: wrong aud, wrong iss, expired, nbf too far ahead, bad assertion type', async () => {
    const aud = await expectCode(assertion({ aud: 'https://elsewhere/token' }), 700027);
    assert.equal(aud.status, 401);
    assert.equal(aud.body.error, 'invalid_client');
    await expectCode(assertion({ iss: 'someone-else' }), 700021);
    await expectCode(assertion({ expOffset: -400 }), 700024);
    await expectCode(assertion({ nbfOffset: 600 }), 700024);
    const wrongType = await post({ ...(await certForm(assertion())), client_assertion_type: 'jwt' });
    assert.equal(wrongType.body.error, 'invalid_request');
  });
});

describe('federated assertions', () => {
  const form = (a: string) => ({ grant_type: 'client_credentials', client_id: 'wi', scope: `${SERVER}/.default`, client_assertion_type: BEARER, client_assertion: a });

  test('matching issuer, subject and custom audience', async () => {
    const res = await post(form(await emu.issueFederatedToken({ subject: 'sub-1', audience: 'custom-aud' })));
    assert.equal(res.status, 200);
  });

  test('default audience does not match a custom-audience credential; expired is AADSTS700024', async () => {
    const mismatch = await post(form(await emu.issueFederatedToken({ subject: 'sub-1' })));
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.error, 'invalid_request');
    assert.match(mismatch.body.error_description, /^AADSTS70021: No matching federated identity record found for presented assertion\. Assertion Issuer: '.+\/federated'\. Assertion Subject: 'sub-1'\. Assertion Audience: 'api:\/\/AzureADTokenExchange'\./);
    const expired = await post(form(await emu.issueFederatedToken({ subject: 'sub-1', audience: 'custom-aud', expiresInSeconds: -400 })));
    assert.deepEqual(expired.body.error_codes, [700024]);
  });
});

describe('v1 endpoint', () => {
  test('client_credentials with resource: aud spn:<resource>, expires_on, resource echoed, strings', async () => {
    const { status, body } = await post({ grant_type: 'client_credentials', client_id: 'spn', client_secret: 'hunter2', resource: SERVER }, `${emu.url}/${TENANT}/oauth2/token`);
    assert.equal(status, 200);
    assert.equal(body.resource, SERVER);
    assert.equal(body.expires_in, '1234');
    assert.match(body.expires_on, /^\d{10}$/);
    const claims = decodeJwt(body.access_token);
    assert.equal(claims.aud, `spn:${SERVER}`);
    assert.equal(claims.ver, '1.0');
    assert.equal(emu.count({ endpoint: 'token_v1', clientId: 'spn' }), 1);
    assert.equal(emu.requests.at(-1)!.resource, SERVER);
  });
});

describe('latency, faults, log', () => {
  test('delayMs delays token responses', async () => {
    emu.delayMs = 300;
    const t0 = Date.now();
    await post(secretForm());
    emu.delayMs = 0;
    assert.ok(Date.now() - t0 >= 290);
  });

  test('failNext: queued faults are consumed in order, with default and custom bodies', async () => {
    emu.failNext('token', 1, 503);
    emu.failNext('token', 1, 400, { error: 'invalid_grant', error_description: 'custom' });
    const a = await post(secretForm());
    assert.equal(a.status, 503);
    assert.equal(a.body.error, 'temporarily_unavailable');
    const b = await post(secretForm());
    assert.deepEqual(b.body, { error: 'invalid_grant', error_description: 'custom' });
    assert.equal((await post(secretForm())).status, 200);
  });

  test('count filters and reset', async () => {
    emu.reset();
    assert.equal(emu.requests.length, 0);
    await post(secretForm());
    await post(secretForm({ client_secret: 'bad' }));
    assert.equal(emu.count(), 2);
    assert.equal(emu.count({ endpoint: 'token', tenantId: TENANT, grantType: 'client_credentials', clientId: 'spn' }), 2);
    assert.equal(emu.count({ clientId: 'other' }), 0);
    assert.deepEqual(emu.requests.map((r) => r.status), [200, 401]);
    assert.equal(emu.requests[1].error, 'invalid_client');
  });
});
