// One sign-in per tenant: the MSAL cache (accounts, refresh tokens) is shared by every server id of the same
// authority, tenant and client id, while access-token files stay per identity. --login-hint selects the
// account (interactive, and devicecode among cached accounts); without one the single account is used.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, oneErrorLine, tokenOf } from '../helpers/assert';
import { browserEnv, emulatorEnv } from '../helpers/env';
import { collect, runKubelogin, spawnKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVERS = ['api://tenant-cluster-one', 'api://tenant-cluster-two', 'api://tenant-cluster-three'];
const CLIENT_ID = 'sign-in-per-tenant-client';
const TENANT = 'sign-in-per-tenant';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const execInfo = (interactive: boolean) => JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive } });

describe('one sign-in per tenant', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
    emu.addApp({ clientId: CLIENT_ID, publicClient: true });
    emu.addApp({ clientId: 'another-client', publicClient: true });
    for (const username of [ALICE, BOB]) emu.addUser({ username, password: 'not-used' });
  });
  after(() => emu.close());
  beforeEach(() => {
    emu.reset();
    emu.delayMs = 0;
    emu.deviceCode = { interval: 0.2, expiresIn: 900, slowDownTimes: 0, autoApproveAs: ALICE };
    emu.interactiveUser = ALICE;
  });

  interface Run { server?: string; login?: 'devicecode' | 'interactive'; hint?: string; canPrompt?: boolean; clientId?: string; extra?: string[] }
  const args = (dir: string, r: Run) => ['get-token', '--login', r.login ?? 'devicecode', '--server-id', r.server ?? SERVERS[0], '--client-id', r.clientId ?? CLIENT_ID,
    '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', dir, ...(r.hint ? ['--login-hint', r.hint] : []), ...(r.extra ?? [])];
  const env = (r: Run) => ({ ...emulatorEnv(emu), ...browserEnv(), KUBERNETES_EXEC_INFO: execInfo(r.canPrompt ?? true) });
  const get = (dir: string, r: Run = {}) => runKubelogin(args(dir, r), { env: env(r), timeoutMs: 20_000 });
  const signIns = () => emu.count({ endpoint: 'devicecode' }) + emu.count({ endpoint: 'authorize' });
  const files = (dir: string, sub: string) => fs.readdirSync(path.join(dir, sub)).filter((f) => f.endsWith('.json'));

  it('devicecode: a second server id of the tenant is served from the first sign-in, without a person', async () => {
    const dir = makeTempDir();
    const one = claimsOf(tokenOf(await get(dir, { server: SERVERS[0] })));
    const two = await get(dir, { server: SERVERS[1], canPrompt: false });
    const claims = claimsOf(tokenOf(two));
    assert.deepEqual([one.aud, claims.aud, claims.upn], [SERVERS[0], SERVERS[1], ALICE]);
    assert.equal(signIns(), 1, 'one device code sign-in for two clusters');
    assert.doesNotMatch(two.stderr, /enter the code/);
    assert.equal(files(dir, 'tokens').length, 2, 'access tokens stay per identity');
    assert.equal(files(dir, 'msal').length, 1, 'one sign-in cache for the tenant');
  });

  it('devicecode: three cold clusters at once make one sign-in (the others wait for it, then refresh)', async () => {
    const dir = makeTempDir();
    emu.delayMs = 100;
    const start = (server: string) => collect(spawnKubelogin(args(dir, { server }), { env: env({}) }), { timeoutMs: 30_000 });
    const results = await Promise.all(SERVERS.map(start));
    const auds = results.map((r) => claimsOf(tokenOf(r)).aud);
    assert.deepEqual(auds, SERVERS);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 1, results.map((r) => r.stderr).join('\n'));
    assert.equal(emu.requests.filter((r) => r.endpoint === 'token' && r.error && r.error !== 'authorization_pending').length, 0, 'no refresh token used twice');
  });

  it('ropc with single-use refresh tokens: parallel runs of different clusters take turns on the shared refresh token', async () => {
    emu.strictRefreshRotation = true;
    try {
      const dir = makeTempDir();
      const ropc = (server: string) => ['get-token', '--login', 'ropc', '--server-id', server, '--client-id', CLIENT_ID, '--tenant-id', TENANT,
        '--username', ALICE, '--password', 'not-used', '--authority-host', emu.authorityHost, '--cache-dir', dir];
      tokenOf(await runKubelogin(ropc(SERVERS[0]), { env: emulatorEnv(emu) }));
      emu.delayMs = 150;
      const results = await Promise.all([SERVERS[1], SERVERS[2], 'api://tenant-cluster-four'].map((s) => collect(spawnKubelogin(ropc(s), { env: emulatorEnv(emu) }))));
      results.forEach(tokenOf);
      assert.equal(emu.count({ endpoint: 'token', grantType: 'refresh_token' }), 3);
      assert.equal(emu.requests.filter((r) => r.error).length, 0, 'no refresh token was used twice');
      assert.equal(emu.count({ endpoint: 'token', grantType: 'password' }), 1, 'never fell back to the password');
    } finally {
      emu.strictRefreshRotation = false;
    }
  });

  it('another client id (or tenant) is another sign-in', async () => {
    const dir = makeTempDir();
    tokenOf(await get(dir));
    tokenOf(await get(dir, { server: SERVERS[1], clientId: 'another-client' }));
    assert.equal(signIns(), 2);
    assert.equal(files(dir, 'msal').length, 2);
  });

  it('interactive: a sign-in made with --login-hint serves a later run of another cluster without it', async () => {
    const dir = makeTempDir();
    emu.interactiveUser = BOB; // whoever the browser would pick: the hint decides
    assert.equal(claimsOf(tokenOf(await get(dir, { login: 'interactive', hint: ALICE }))).upn, ALICE);
    const later = await get(dir, { login: 'interactive', server: SERVERS[1], canPrompt: false });
    assert.equal(claimsOf(tokenOf(later)).upn, ALICE);
    assert.equal(signIns(), 1);
  });

  it('two users of one tenant are kept apart by their hints; without a hint the run names them', async () => {
    const dir = makeTempDir();
    assert.equal(claimsOf(tokenOf(await get(dir, { login: 'interactive', hint: ALICE }))).upn, ALICE);
    assert.equal(claimsOf(tokenOf(await get(dir, { login: 'interactive', hint: BOB }))).upn, BOB, 'a new hint is a new sign-in, not alice\'s account');
    assert.equal(signIns(), 2);
    for (const [hint, upn] of [[ALICE, ALICE], [BOB, BOB], [BOB.toUpperCase(), BOB]]) {
      const res = await get(dir, { login: 'interactive', server: SERVERS[1], hint, canPrompt: false });
      assert.equal(claimsOf(tokenOf(res)).upn, upn);
    }
    assert.equal(signIns(), 2, 'both served silently from the shared cache');
    const none = await get(dir, { login: 'interactive', server: SERVERS[2] });
    assert.match(oneErrorLine(none), /^Error: several accounts are signed in for this tenant and client \(alice@example\.com, bob@example\.com\); choose one with --login-hint/);
    assert.equal(signIns(), 2);
  });

  it('devicecode: --login-hint selects among cached accounts; an unknown hint signs in that user', async () => {
    const dir = makeTempDir();
    assert.equal(claimsOf(tokenOf(await get(dir, { hint: ALICE }))).upn, ALICE);
    emu.deviceCode.autoApproveAs = BOB;
    const bob = await get(dir, { hint: BOB });
    assert.equal(claimsOf(tokenOf(bob)).upn, BOB);
    assert.match(bob.stderr, /Sign in as bob@example\.com \(--login-hint\)/);
    assert.equal(signIns(), 2);
    emu.deviceCode.autoApproveAs = undefined;
    assert.equal(claimsOf(tokenOf(await get(dir, { server: SERVERS[1], hint: ALICE, canPrompt: false }))).upn, ALICE);
    assert.equal(claimsOf(tokenOf(await get(dir, { server: SERVERS[1], hint: BOB, canPrompt: false }))).upn, BOB);
    assert.equal(signIns(), 2);
  });

  it('devicecode: a sign-in as someone other than --login-hint is refused (and kept for that user)', async () => {
    const dir = makeTempDir();
    emu.deviceCode.autoApproveAs = BOB;
    const res = await get(dir, { hint: ALICE });
    assert.match(oneErrorLine(res, { besides: /^(To sign in|Sign in as)/ }), /signed in as bob@example\.com, but --login-hint asks for alice@example\.com; sign in as alice@example\.com/);
    assert.equal(fs.existsSync(path.join(dir, 'tokens')) ? files(dir, 'tokens').length : 0, 0, 'no token kept under alice\'s name');
    const bob = await get(dir, { server: SERVERS[1], canPrompt: false });
    assert.equal(claimsOf(tokenOf(bob)).upn, BOB);
  });

  it('remove-cache-dir of one cluster removes the tenant\'s sign-in: the next run of any cluster signs in again', async () => {
    const dir = makeTempDir();
    tokenOf(await get(dir));
    tokenOf(await get(dir, { server: SERVERS[1] }));
    const removed = await runKubelogin(['remove-cache-dir', ...args(dir, {}).slice(1)]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(files(dir, 'msal').length, 0);
    assert.equal(files(dir, 'tokens').length, 1, 'the other cluster\'s access token stays until it expires');
    const res = await get(dir, { server: SERVERS[2], canPrompt: false });
    assert.match(oneErrorLine(res), /sign-in needs a person/);
  });
});
