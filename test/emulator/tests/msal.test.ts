// @azure/msal-node itself against the emulator, in child processes that trust the emulator's CA.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { startEmulator, type Emulator } from '../../emulator';
import { makeClientCertificate, type ClientCertificate } from '../../helpers/certs';
import { makeTempDir } from '../../helpers/tmp';
import { results, runMsal } from './child';
import type { ChildSpec } from './msal-child';

const TENANT = '11111111-2222-3333-4444-555555555555';
const SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630';
const USER = 'alice@contoso.example';

let emu: Emulator;
let cert: ClientCertificate;
let otherCert: ClientCertificate;

before(async () => {
  emu = await startEmulator();
  const dir = makeTempDir();
  [cert, otherCert] = await Promise.all([
    makeClientCertificate({ dir, name: 'spn' }),
    makeClientCertificate({ dir, name: 'stranger' }),
  ]);
  emu.addApp({ clientId: 'secret-app', tenantId: TENANT, secret: 'correct horse' });
  emu.addApp({ clientId: 'secret-app-2', tenantId: TENANT, secret: 'correct horse' });
  emu.addApp({ clientId: 'cert-app', tenantId: TENANT, certificatePem: cert.certPem });
  emu.addApp({ clientId: 'wi-app', tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject: 'system:serviceaccount:default:wi' }] });
  emu.addApp({ clientId: 'public-app', publicClient: true });
  emu.addUser({ username: USER, password: 'pa55word', tenantId: TENANT, name: 'Alice' });
  emu.deviceCode.interval = 0.2;
});
after(() => emu.close());

const base = (over: Partial<ChildSpec>): ChildSpec => ({
  flow: 'cca-secret',
  authority: `${emu.url}/${TENANT}`,
  knownAuthorities: [emu.host],
  scopes: [`${SERVER}/.default`],
  ...over,
});
const run = (spec: Partial<ChildSpec>, onEvent?: Parameters<typeof runMsal>[1]['onEvent']) =>
  runMsal(base(spec), { caFile: emu.caFile, onEvent });

describe('confidential client', { concurrency: true }, () => {
  test('secret: one token request, the second call is served from MSAL cache', async () => {
    const [first, second] = results(await run({ clientId: 'secret-app', secret: 'correct horse', repeat: 2 }));
    assert.equal(first.fromCache, false);
    assert.equal(second.fromCache, true);
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials', clientId: 'secret-app' }), 1);
    const claims = decodeJwt(first.accessToken);
    assert.equal(claims.aud, SERVER);
    assert.equal(claims.iss, `${emu.url}/${TENANT}/v2.0`);
    assert.equal(claims.tid, TENANT);
    assert.equal(claims.appid, 'secret-app');
    assert.equal(claims.idtyp, 'app');
    assert.ok(Math.abs((claims.exp as number) - Date.now() / 1000 - 3600) < 10);
  });

  test('wrong secret: invalid_client AADSTS7000215', async () => {
    const r = await run({ clientId: 'secret-app-2', secret: 'battery staple' });
    assert.equal(r.code, 1);
    assert.equal(r.events[0].error?.errorCode, 'invalid_client');
    assert.match(r.events[0].error.message, /AADSTS7000215/);
  });

  test('certificate with SHA-256 thumbprint (PS256, x5t#S256) and x5c', async () => {
    const [res] = results(await run({
      flow: 'cca-cert', clientId: 'cert-app',
      certificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.keyPem, x5c: cert.certPem },
    }));
    assert.equal(decodeJwt(res.accessToken).appid, 'cert-app');
    assert.equal(decodeJwt(res.accessToken).azpacr, '2');
  });

  test('certificate with SHA-1 thumbprint (RS256, x5t)', async () => {
    const [res] = results(await run({ flow: 'cca-cert', clientId: 'cert-app', certificate: { thumbprint: cert.thumbprintSha1, privateKey: cert.keyPem } }));
    assert.equal(decodeJwt(res.accessToken).aud, SERVER);
  });

  test('unregistered certificate: AADSTS700027', async () => {
    const r = await run({ flow: 'cca-cert', clientId: 'cert-app', certificate: { thumbprintSha256: otherCert.thumbprintSha256, privateKey: otherCert.keyPem } });
    assert.equal(r.code, 1);
    assert.match(r.events[0].error!.message, /AADSTS700027/);
  });

  test('registered thumbprint but the wrong key signs: AADSTS700027 signature failure', async () => {
    const r = await run({ flow: 'cca-cert', clientId: 'cert-app', certificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: otherCert.keyPem } });
    assert.match(r.events[0].error!.message, /AADSTS700027: Client assertion failed signature validation/);
  });

  test('federated assertion from the emulator issuer', async () => {
    const assertion = await emu.issueFederatedToken({ subject: 'system:serviceaccount:default:wi' });
    const [res] = results(await run({ flow: 'cca-assertion', clientId: 'wi-app', assertion }));
    assert.equal(decodeJwt(res.accessToken).appid, 'wi-app');
  });

  test('federated assertion with an unknown subject: AADSTS70021', async () => {
    const assertion = await emu.issueFederatedToken({ subject: 'system:serviceaccount:default:other' });
    const r = await run({ flow: 'cca-assertion', clientId: 'wi-app', assertion });
    assert.equal(r.events[0].error?.errorCode, 'invalid_request');
    assert.match(r.events[0].error.message, /AADSTS70021/);
  });
});

describe('public client', { concurrency: true }, () => {
  test('device code, auto-approved: account, id token, cache hit, then a refresh', async () => {
    emu.deviceCode.autoApproveAs = USER;
    const r = await run({ flow: 'device', clientId: 'public-app', thenSilent: true });
    const [login, cached, refreshed] = results(r);
    const prompt = r.events.find((e) => e.deviceCode)!.deviceCode!;
    assert.match(prompt.message, new RegExp(`open the page ${emu.url}/devicelogin and enter the code ${prompt.userCode} to authenticate`));
    assert.equal(login.account.username, USER);
    const { oid } = decodeJwt(login.accessToken);
    assert.equal(login.account.homeAccountId, `${String(oid)}.${TENANT}`);
    assert.equal(login.idTokenClaims.name, 'Alice');
    assert.equal(cached.fromCache, true);
    assert.equal(refreshed.fromCache, false);
    assert.notEqual(refreshed.accessToken, login.accessToken);
    assert.equal(emu.count({ grantType: 'refresh_token', clientId: 'public-app' }), 1);
    // MSAL sends the short grant_type `device_code`, not RFC 8628's URN; Entra takes both.
    const polls = emu.requests.filter((q) => q.grantType === 'device_code' && q.clientId === 'public-app');
    assert.deepEqual(polls.map((p) => p.error ?? 'ok'), ['authorization_pending', 'ok']);
    assert.ok(polls[1].time - polls[0].time >= 150, 'MSAL waits the interval between polls');
  });

  test('ROPC with the right and the wrong password', async () => {
    const [ok] = results(await run({ flow: 'ropc', clientId: 'public-app', username: USER, password: 'pa55word' }));
    assert.equal(decodeJwt(ok.accessToken).upn, USER);
    const bad = await run({ flow: 'ropc', clientId: 'public-app', username: USER, password: 'nope' });
    assert.equal(bad.events[0].error?.errorCode, 'invalid_grant');
    assert.match(bad.events[0].error.message, /AADSTS50126/);
  });

  test('interactive: form_post to MSAL loopback, PKCE, in-process browser', async () => {
    const r = await run({ flow: 'interactive', clientId: 'public-app', loginHint: USER });
    const [res] = results(r);
    assert.equal(res.account.username, USER);
    const authorize = new URL(r.events.find((e) => e.authorizeUrl)!.authorizeUrl!);
    assert.equal(authorize.searchParams.get('response_mode'), 'form_post');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  });

  test('interactive through fake-browser.sh (as $BROWSER), signing in interactiveUser', async () => {
    emu.interactiveUser = USER;
    const [res] = results(await run({ flow: 'interactive', clientId: 'public-app', browserScript: true }));
    assert.equal(decodeJwt(res.accessToken).preferred_username, USER);
  });

  test('organizations authority: tokens carry the user home tenant', async () => {
    const [res] = results(await run({ flow: 'ropc', authority: `${emu.url}/organizations`, clientId: 'public-app', username: USER, password: 'pa55word' }));
    assert.equal(res.tenantId, TENANT);
    assert.equal(decodeJwt(res.accessToken).iss, `${emu.url}/${TENANT}/v2.0`);
  });
});
