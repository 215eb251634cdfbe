// User grants over raw HTTPS: ROPC, refresh tokens, device code (v2 and v1) and authorization code with PKCE.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { startEmulator, type Emulator } from '../../emulator';
import { postForm, request } from '../../helpers/http';

const TENANT = '0f0f0f0f-1111-4222-8333-444444444444';
const SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630';
const CLIENT = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';
const USER = 'bob@contoso.example';
const SCOPE = `${SERVER}/.default openid profile offline_access`;

let emu: Emulator;
const v2 = (path: string) => `${emu.url}/${TENANT}/oauth2/v2.0/${path}`;
const post = (url: string, form: Record<string, string | undefined>) => postForm(url, form, emu.caPem);
const ropc = (over: Record<string, string | undefined> = {}) =>
  post(v2('token'), { grant_type: 'password', client_id: CLIENT, username: USER, password: 'pw', scope: SCOPE, client_info: '1', ...over });
const refresh = (rt: string, client = CLIENT) =>
  post(v2('token'), { grant_type: 'refresh_token', client_id: client, refresh_token: rt, scope: SCOPE, client_info: '1' });

before(async () => {
  emu = await startEmulator();
  emu.addApp({ clientId: CLIENT, publicClient: true });
  emu.addApp({ clientId: 'other-public', publicClient: true });
  emu.addApp({ clientId: 'confidential', secret: 's' });
  emu.addUser({ username: USER, password: 'pw', tenantId: TENANT, oid: '99999999-8888-4777-8666-555555555555', name: 'Bob' });
});
after(() => emu.close());
beforeEach(() => {
  emu.deviceCode = { interval: 1, expiresIn: 900, slowDownTimes: 0 };
  emu.strictRefreshRotation = false;
  emu.refreshTokenLifetimeSeconds = 90 * 24 * 3600;
});

describe('ROPC and refresh tokens', () => {
  test('ROPC returns access, refresh and id tokens and client_info', async () => {
    const { status, body } = await ropc();
    assert.equal(status, 200);
    assert.ok(body.refresh_token);
    const at = decodeJwt(body.access_token);
    assert.deepEqual([at.aud, at.upn, at.preferred_username, at.idtyp, at.tid, at.oid, at.appid], [SERVER, USER, USER, 'user', TENANT, '99999999-8888-4777-8666-555555555555', CLIENT]);
    const id = decodeJwt(body.id_token);
    assert.deepEqual([id.aud, id.iss, id.preferred_username, id.name, id.nonce], [CLIENT, `${emu.url}/${TENANT}/v2.0`, USER, 'Bob', undefined]);
    assert.deepEqual(JSON.parse(Buffer.from(body.client_info, 'base64url').toString()), { uid: at.oid, utid: TENANT });
  });

  test('no offline_access, no openid: only an access token', async () => {
    const { body } = await ropc({ scope: `${SERVER}/.default`, client_info: undefined });
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'ext_expires_in', 'scope', 'token_type']);
  });

  test('wrong password AADSTS50126, unknown user AADSTS50034, confidential app without secret AADSTS7000218', async () => {
    assert.deepEqual((await ropc({ password: 'x' })).body.error_codes, [50126]);
    assert.deepEqual((await ropc({ username: 'nobody@contoso.example' })).body.error_codes, [50034]);
    const conf = await ropc({ client_id: 'confidential' });
    assert.equal(conf.status, 401);
    assert.deepEqual(conf.body.error_codes, [7000218]);
    assert.equal((await ropc({ client_id: 'confidential', client_secret: 's' })).status, 200);
  });

  test('refresh rotates; old tokens stay valid unless strictRefreshRotation', async () => {
    const rt1 = (await ropc()).body.refresh_token;
    const r2 = await refresh(rt1);
    assert.equal(r2.status, 200);
    assert.notEqual(r2.body.refresh_token, rt1);
    assert.equal((await refresh(rt1)).status, 200);
    emu.strictRefreshRotation = true;
    const reused = await refresh(rt1);
    assert.equal(reused.body.error, 'invalid_grant');
    const fresh = r2.body.refresh_token;
    assert.equal((await refresh(fresh)).status, 200);
    assert.equal((await refresh(fresh)).body.error, 'invalid_grant');
  });

  test('refresh errors: other client, unknown token, revoked (50173), expired (700082)', async () => {
    const rt = (await ropc()).body.refresh_token;
    assert.equal((await refresh(rt, 'other-public')).body.error, 'invalid_grant');
    assert.equal((await refresh('garbage')).body.error, 'invalid_grant');
    emu.revokeRefreshTokens({ username: 'someone-else' });
    assert.equal((await refresh(rt)).status, 200);
    emu.revokeRefreshTokens({ username: USER.toUpperCase(), clientId: CLIENT });
    const revoked = await refresh(rt);
    assert.deepEqual([revoked.status, revoked.body.error, revoked.body.error_codes[0]], [400, 'invalid_grant', 50173]);
    const rt2 = (await ropc()).body.refresh_token;
    emu.refreshTokenLifetimeSeconds = 0;
    assert.deepEqual((await refresh(rt2)).body.error_codes, [700082]);
  });
});

describe('device code', () => {
  const start = (tenant = TENANT) => post(`${emu.url}/${tenant}/oauth2/v2.0/devicecode`, { client_id: CLIENT, scope: SCOPE });
  const poll = (deviceCode: string) =>
    post(v2('token'), { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: CLIENT, device_code: deviceCode, client_info: '1' });

  test('the devicecode response, then pending until approveDeviceCode, then tokens once', async () => {
    emu.deviceCode.interval = 2;
    const { status, body } = await start();
    assert.equal(status, 200);
    assert.match(body.user_code, /^[A-Z0-9]{9}$/);
    assert.equal(body.verification_uri, `${emu.url}/devicelogin`);
    assert.equal(body.interval, 2);
    assert.equal(body.expires_in, 900);
    assert.equal(body.message, `To sign in, use a web browser to open the page ${emu.url}/devicelogin and enter the code ${body.user_code} to authenticate.`);
    assert.deepEqual(emu.lastDeviceCode(), { userCode: body.user_code, deviceCode: body.device_code, clientId: CLIENT, scope: SCOPE });
    assert.equal((await poll(body.device_code)).body.error, 'authorization_pending');
    emu.approveDeviceCode(body.user_code.toLowerCase(), USER);
    const ok = await poll(body.device_code);
    assert.equal(ok.status, 200);
    assert.equal(decodeJwt(ok.body.access_token).upn, USER);
    assert.ok(ok.body.refresh_token && ok.body.id_token && ok.body.client_info);
    assert.equal((await poll(body.device_code)).body.error, 'invalid_grant');
  });

  test('slow_down for the first polls, then auto-approval after the first pending poll', async () => {
    Object.assign(emu.deviceCode, { slowDownTimes: 2, autoApproveAs: USER });
    const { body } = await start();
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push((await poll(body.device_code)).body.error ?? 'ok');
    assert.deepEqual(answers, ['slow_down', 'slow_down', 'authorization_pending', 'ok']);
  });

  test('declined, denyAll and expired', async () => {
    const declined = (await start()).body;
    const page = await request(`${emu.url}/devicelogin`, { body: { code: declined.user_code, username: USER, action: 'deny' }, ca: emu.caPem });
    assert.equal(page.status, 200);
    assert.equal((await poll(declined.device_code)).body.error, 'authorization_declined');
    emu.deviceCode.denyAll = true;
    assert.equal((await poll((await start()).body.device_code)).body.error, 'authorization_declined');
    emu.deviceCode.denyAll = false;
    emu.deviceCode.expiresIn = 0;
    const expired = (await start()).body;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await poll(expired.device_code)).body.error, 'expired_token');
  });

  test('a person approves through the /devicelogin page', async () => {
    const before = emu.count({ endpoint: 'devicelogin' });
    const { body } = await start('organizations');
    const form = await request(`${emu.url}/devicelogin`, { ca: emu.caPem });
    assert.match(form.text, /<form method="POST"/);
    const unknown = await request(`${emu.url}/devicelogin`, { body: { code: 'NOPE', username: USER }, ca: emu.caPem });
    assert.equal(unknown.status, 400);
    const approve = await request(`${emu.url}/devicelogin`, { body: { code: body.user_code, username: USER }, ca: emu.caPem });
    assert.equal(approve.status, 200);
    const ok = await poll(body.device_code);
    assert.equal(decodeJwt(ok.body.access_token).tid, TENANT);
    assert.equal(emu.count({ endpoint: 'devicelogin' }) - before, 3);
  });

  test('v1: /oauth2/devicecode with resource, polled at /oauth2/token with grant_type device_code and code', async () => {
    emu.deviceCode.autoApproveAs = USER;
    const { body } = await post(`${emu.url}/${TENANT}/oauth2/devicecode`, { client_id: CLIENT, resource: SERVER });
    assert.equal(body.verification_url, `${emu.url}/devicelogin`);
    assert.equal(body.interval, '1');
    assert.equal(body.expires_in, '900');
    const v1poll = () => post(`${emu.url}/${TENANT}/oauth2/token`, { grant_type: 'device_code', client_id: CLIENT, code: body.device_code, resource: SERVER });
    assert.equal((await v1poll()).body.error, 'authorization_pending');
    const ok = await v1poll();
    assert.equal(ok.status, 200);
    assert.equal(ok.body.resource, SERVER);
    assert.match(ok.body.expires_on, /^\d+$/);
    assert.equal(decodeJwt(ok.body.access_token).aud, `spn:${SERVER}`);
    assert.ok(ok.body.refresh_token);
  });
});

describe('authorization code', () => {
  const verifier = 'a'.repeat(43);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const redirect = 'http://localhost:12345/';
  const authorizeUrl = (over: Record<string, string> = {}) => {
    const q = new URLSearchParams({
      client_id: CLIENT, response_type: 'code', redirect_uri: redirect, scope: SCOPE, state: 'st&"<',
      code_challenge: challenge, code_challenge_method: 'S256', login_hint: USER, ...over,
    });
    return `${v2('authorize')}?${q.toString()}`;
  };
  const redeem = (code: string, over: Record<string, string | undefined> = {}) =>
    post(v2('token'), { grant_type: 'authorization_code', client_id: CLIENT, code, redirect_uri: redirect, code_verifier: verifier, scope: SCOPE, client_info: '1', ...over });

  test('query mode: 302 with code and state; PKCE checked; nonce lands in the id token; one redemption', async () => {
    const res = await request(authorizeUrl({ nonce: 'n-0S6' }), { ca: emu.caPem });
    assert.equal(res.status, 302);
    const loc = new URL(String(res.headers.location));
    assert.equal(loc.origin + loc.pathname, redirect.slice(0, -1) + '/');
    assert.equal(loc.searchParams.get('state'), 'st&"<');
    const code = loc.searchParams.get('code')!;
    assert.equal((await redeem(code, { code_verifier: 'b'.repeat(43) })).body.error_codes[0], 501481);
    assert.equal((await redeem(code, { redirect_uri: 'http://localhost:1/' })).body.error_codes[0], 500112);
    const ok = await redeem(code);
    assert.equal(ok.status, 200);
    assert.equal(decodeJwt(ok.body.id_token).nonce, 'n-0S6');
    assert.equal((await redeem(code)).body.error_codes[0], 54005);
  });

  test('form_post: an auto-submitting form with code, state and client_info, HTML-escaped', async () => {
    const res = await request(authorizeUrl({ response_mode: 'form_post' }), { ca: emu.caPem });
    assert.equal(res.status, 200);
    assert.match(res.text, new RegExp(`<form method="POST" name="hiddenform" action="${redirect}">`));
    assert.match(res.text, /name="state" value="st&amp;&quot;&lt;"/);
    assert.match(res.text, /name="code" value="[\w-]+"/);
    assert.match(res.text, /name="client_info" value="[\w-]+"/);
  });

  test('no user to sign in: error redirect; unknown client: error page', async () => {
    const res = await request(authorizeUrl({ login_hint: '' }), { ca: emu.caPem });
    assert.equal(new URL(String(res.headers.location)).searchParams.get('error'), 'login_required');
    const bad = await request(authorizeUrl({ client_id: 'ghost' }), { ca: emu.caPem });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /AADSTS700016/);
  });
});
