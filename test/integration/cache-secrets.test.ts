// At maximum verbosity (-v 9, MSAL trace logging included), through cold runs, cache hits, refreshes and
// cache warnings, stderr carries no access token, refresh token, id token, client secret or password.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEnvelope } from '../../src/cache/crypto';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorEnv } from '../helpers/env';
import { runKubelogin, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://secrets-cluster';
const TENANT = 'tenant-secrets';
const SPN = { clientId: 'app-secrets-spn', secret: 'Sp~n-Secret-Value-0123456789abcdef' };
const PUBLIC_APP = 'app-secrets-public';
const USER = { username: 'sam@example.com', password: 'P@ssw0rd-Never-Printed-42' };

/** Every secret-bearing string in the MSAL cache file (plain envelope: no keyring in these runs). */
function cacheSecrets(cacheDir: string): string[] {
  const dir = path.join(cacheDir, 'msal');
  const out: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    const env = parseEnvelope(fs.readFileSync(path.join(dir, f), 'utf8'));
    assert.ok(env?.alg === 'none');
    const cache = JSON.parse(env.data) as Record<string, Record<string, { secret?: string }>>;
    for (const section of ['AccessToken', 'RefreshToken', 'IdToken']) for (const e of Object.values(cache[section] ?? {})) if (e.secret) out.push(e.secret);
  }
  return out;
}

function assertClean(r: RunResult, secrets: string[]): void {
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.ok(r.stderr.length > 1000, 'a -v 9 run logs a lot');
  for (const s of secrets) {
    assert.ok(s.length >= 8, 'a meaningful secret');
    assert.ok(!r.stderr.includes(s), `stderr contains a secret (${s.slice(0, 6)}…)`);
    // JWTs leak by their signature part too, e.g. when a log line cuts the token.
    const sig = s.split('.')[2];
    if (sig) assert.ok(!r.stderr.includes(sig), 'stderr contains a JWT signature');
  }
}

describe('-v 9 prints no secrets', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ tokenLifetimeSeconds: 200 });
    emu.addApp({ ...SPN, tenantId: TENANT });
    emu.addApp({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
    emu.addUser({ ...USER, tenantId: TENANT });
  });
  after(() => emu.close());

  it('spn: cold run, refresh, and a run with a damaged cache file', async () => {
    const cacheDir = makeTempDir();
    const args = ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', SPN.clientId, '--tenant-id', TENANT, '--client-secret', SPN.secret,
      '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, '-v', '9'];
    const runs: RunResult[] = [];
    runs.push(await runKubelogin(args, { env: emulatorEnv(emu) }));
    runs.push(await runKubelogin(args, { env: emulatorEnv(emu) }));
    const tokenFile = path.join(cacheDir, 'tokens', fs.readdirSync(path.join(cacheDir, 'tokens'))[0]);
    fs.writeFileSync(tokenFile, fs.readFileSync(tokenFile, 'utf8').slice(0, 40));
    runs.push(await runKubelogin(args, { env: emulatorEnv(emu) }));
    const secrets = [SPN.secret, ...runs.map((r) => JSON.parse(r.stdout).status.token), ...cacheSecrets(cacheDir)];
    for (const r of runs) assertClean(r, secrets);
    assert.match(runs[2].stderr, /warning: the token cache file/);
  });

  it('ropc: password sign-in, then a silent refresh through the MSAL cache', async () => {
    const cacheDir = makeTempDir();
    const args = ['get-token', '--login', 'ropc', '--server-id', SERVER_ID, '--client-id', PUBLIC_APP, '--tenant-id', TENANT,
      '--username', USER.username, '--password', USER.password, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, '-v', '9'];
    emu.reset();
    const first = await runKubelogin(args, { env: emulatorEnv(emu) });
    const refreshTokensBefore = cacheSecrets(cacheDir);
    const second = await runKubelogin(args, { env: emulatorEnv(emu) });
    assert.equal(emu.count({ endpoint: 'token', grantType: 'refresh_token' }), 1, 'the second run refreshed');
    const tokens = [first, second].map((r) => JSON.parse(r.stdout).status.token as string);
    const secrets = [USER.password, ...tokens, ...refreshTokensBefore, ...cacheSecrets(cacheDir)];
    assert.ok(secrets.length >= 6, 'access, refresh and id tokens collected');
    for (const r of [first, second]) assertClean(r, secrets);
  });
});
