// bin/kubelogin --login ropc against the emulator: password grant, silent refresh, one-line errors.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, oneErrorLine, tokenOf } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'ropc-server';
const CLIENT_ID = 'ropc-client';
const TENANT = 'ropc-tenant';
const USER = 'rosa@example.com';
const PASSWORD = 'Correct-Horse-Battery-9';

let emu: Emulator;

before(async () => {
  emu = await startEmulator({ tokenLifetimeSeconds: 200 });
  emu.addApp({ clientId: CLIENT_ID, publicClient: true });
  emu.addUser({ username: USER, password: PASSWORD });
});
after(() => emu.close());
beforeEach(() => emu.reset());

// No KUBERNETES_EXEC_INFO and a piped stdin: nobody can be asked, which ropc does not need.
function login(cacheDir: string, extra: string[] = [], env: Record<string, string> = {}) {
  const args = ['get-token', '--login', 'ropc', '--server-id', SERVER_ID, '--client-id', CLIENT_ID, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...extra];
  return runKubelogin(args, { env: { ...emulatorEnv(emu), ...env }, timeoutMs: 20_000 });
}

describe('ropc', () => {
  const sources: Array<[string, string[], Record<string, string>]> = [
    ['flags', ['--username', USER, '--password', PASSWORD], {}],
    ['AAD_USER_PRINCIPAL_NAME/PASSWORD', [], { AAD_USER_PRINCIPAL_NAME: USER, AAD_USER_PRINCIPAL_PASSWORD: PASSWORD }],
    ['AZURE_USERNAME/PASSWORD over flags', ['--username', 'someone@else', '--password', 'Not-The-Password-7'], { AZURE_USERNAME: USER, AZURE_PASSWORD: PASSWORD }],
  ];
  for (const [name, extra, env] of sources) {
    test(`signs in with the password grant, no terminal needed: ${name}`, async () => {
      const res = await login(makeTempDir(), [...extra, '-v', '9'], env);
      const access = tokenOf(res);
      assert.equal(claimsOf(access).upn, USER);
      assert.equal(claimsOf(access).aud, SERVER_ID);
      assert.equal(emu.count({ grantType: 'password' }), 1);
      assert.ok(!res.stderr.includes(PASSWORD), 'the password is never logged');
      assert.ok(!res.stderr.includes(access), 'the token is never logged');
    });
  }

  test('the next run refreshes silently, without sending the password', async () => {
    const dir = makeTempDir();
    assert.equal((await login(dir, ['--username', USER, '--password', PASSWORD])).code, 0);
    emu.reset();
    const res = await login(dir, ['--username', USER, '--password', PASSWORD]);
    tokenOf(res);
    assert.equal(emu.count({ grantType: 'password' }), 0);
    assert.equal(emu.count({ grantType: 'refresh_token' }), 1);
  });

  test('a revoked refresh token falls back to the password grant', async () => {
    const dir = makeTempDir();
    assert.equal((await login(dir, ['--username', USER, '--password', PASSWORD])).code, 0);
    emu.revokeRefreshTokens({ username: USER });
    emu.reset();
    const res = await login(dir, ['--username', USER, '--password', PASSWORD]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(emu.requests.filter((r) => r.endpoint === 'token').map((r) => [r.grantType, r.error]), [['refresh_token', 'invalid_grant'], ['password', undefined]]);
  });

  const failures: Array<[string, string[], RegExp]> = [
    ['wrong password', ['--username', USER, '--password', 'Not-The-Password-7'], /^Error: failed to authenticate: UsernamePasswordCredential: invalid_grant: AADSTS50126: .*\(the username or password is wrong: check --username and --password/],
    ['unknown user', ['--username', 'nobody@example.com', '--password', 'x'], /AADSTS50034: .*check --username and --tenant-id/],
    ['no username', ['--password', PASSWORD], /^Error: failed to create azidentity credential: username cannot be empty; pass --username or set AAD_USER_PRINCIPAL_NAME or AZURE_USERNAME$/],
    ['no password', ['--username', USER], /^Error: failed to create azidentity credential: password cannot be empty; pass --password or set AAD_USER_PRINCIPAL_PASSWORD or AZURE_PASSWORD$/],
    ['no client id', ['--client-id', '', '--username', USER, '--password', PASSWORD], /^Error: failed to create azidentity credential: client ID cannot be empty/],
  ];
  for (const [name, extra, message] of failures) {
    test(`${name}: one line with the remedy`, async () => {
      const res = await login(makeTempDir(), extra);
      assert.match(oneErrorLine(res), message);
      assert.ok(!res.stderr.includes(PASSWORD));
    });
  }
});
