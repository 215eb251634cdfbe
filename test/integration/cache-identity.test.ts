// A cached token is served only to the identity it was written for, and only an expiry that is a sane
// future time is cached or printed (issue 10 point 4), through bin/kubelogin with the fake az and azd.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { execCredentialOf, oneErrorLine, verifiedClaims } from '../helpers/assert';
import { FakeCli, type FakeCliConfig } from '../helpers/fake-az';
import { runKubelogin, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '5e5e5e5e-0000-4000-8000-000000000001';
const SUB_1 = '5e5e5e5e-0000-4000-8000-0000000000a1';
const SUB_2 = '5e5e5e5e-0000-4000-8000-0000000000a2';

describe('cached tokens: bound to their identity, sane expiries only', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addManagedIdentity({ clientId: '5e5e5e5e-0000-4000-8000-0000000000c1', systemAssigned: true });
  });
  after(() => emu.close());

  function setUp(config: Omit<FakeCliConfig, 'imdsUrl'> = {}) {
    const fake = new FakeCli(makeTempDir('kubelogin-az-'), { imdsUrl: emu.miUrl, ...config });
    fake.signIn([
      { id: SUB_1, tenantId: TENANT, user: 'dev@contoso.example', isDefault: true },
      { id: SUB_2, tenantId: TENANT, user: 'dev@contoso.example' },
    ]);
    const cacheDir = path.join(makeTempDir(), 'cache');
    const run = (login: 'azurecli' | 'azd', ...args: string[]) =>
      runKubelogin(['get-token', '--login', login, '--server-id', SERVER_ID, '--cache-dir', cacheDir, ...args], { env: fake.env(), timeoutMs: 25_000 });
    const tokenFiles = () => (fs.existsSync(path.join(cacheDir, 'tokens')) ? fs.readdirSync(path.join(cacheDir, 'tokens')) : []);
    return { fake, cacheDir, run, tokenFiles };
  }
  const tokenCalls = (fake: FakeCli) => fake.calls().filter((c) => c.args.includes('get-access-token') || c.args.includes('token')).length;
  const verified = async (r: RunResult) => {
    const { status } = execCredentialOf(r);
    await verifiedClaims(emu, status.token, SERVER_ID);
    return status.token;
  };

  it('an entry copied under another identity\'s name is a miss, never served to it', async () => {
    const { fake, cacheDir, run, tokenFiles } = setUp();
    const first = await verified(await run('azurecli'));
    const [fileOfSub1] = tokenFiles();
    await verified(await run('azurecli', '--subscription', SUB_2));
    const fileOfSub2 = tokenFiles().find((f) => f !== fileOfSub1)!;
    assert.equal(tokenCalls(fake), 2);
    // Sub 1's entry (valid, 0600, ours) planted as sub 2's.
    fs.copyFileSync(path.join(cacheDir, 'tokens', fileOfSub1), path.join(cacheDir, 'tokens', fileOfSub2));
    const r = await run('azurecli', '--subscription', SUB_2);
    assert.notEqual(await verified(r), first, 'sub 1\'s token is not handed to sub 2');
    assert.equal(tokenCalls(fake), 3, 'a miss: az is asked again');
    assert.equal(r.stderr, '');
    // ... and the entry was replaced with sub 2's own, which is a hit again.
    assert.equal(await verified(await run('azurecli', '--subscription', SUB_2)), await verified(r));
    assert.equal(tokenCalls(fake), 3);
  });

  const insane: Array<{ name: string; login: 'azurecli' | 'azd'; config: FakeCliConfig; error: RegExp }> = [
    { name: 'az answering expires_on 1e300', login: 'azurecli', config: { az: { expiresOn: 1e300 } }, error: /^Error: the token --login azurecli returned has an expiry that is not a valid time \(1e\+303 ms since 1970\); not caching or printing it: check `az account get-access-token`/ },
    { name: 'az answering a time in 1970', login: 'azurecli', config: { az: { expiresOn: 1 } }, error: /^Error: the token --login azurecli returned had already expired \(at 1970-01-01T00:00:01\.000Z\); not printing it: check `az account get-access-token`, sign in again with `az login`/ },
    { name: 'az before 2.54 answering a local time in 1969', login: 'azurecli', config: { az: { expiresOn: -86_400, format: 'old' } }, error: /^Error: the token --login azurecli returned had already expired \(at 1969-12-3\dT.*\); not printing it/ },
    { name: 'azd answering the year 9999', login: 'azd', config: { azd: { expiresOnText: '9999-12-31T23:59:59Z' } }, error: /^Error: the token --login azd returned has an expiry that is not a valid time \(253402300799000 ms since 1970\); not caching or printing it: check `azd auth token`/ },
    { name: 'azd answering a time an hour ago', login: 'azd', config: { azd: { expiresOnText: new Date(Date.now() - 3600_000).toISOString() } }, error: /^Error: the token --login azd returned had already expired \(at .*\); not printing it: check `azd auth token`/ },
  ];
  for (const c of insane) {
    it(`${c.name}: one-line error, nothing cached, and the next good answer is served`, async () => {
      const { fake, run, tokenFiles } = setUp(c.config);
      const r = await run(c.login);
      assert.match(oneErrorLine(r), c.error);
      assert.deepEqual(tokenFiles(), [], 'not cached');
      fake.configure({ imdsUrl: emu.miUrl });
      await verified(await run(c.login));
      assert.equal(tokenFiles().length, 1);
    });
  }

  it('a cache already poisoned by an older build (expiry 1e303 ms) is a miss and is replaced', async () => {
    const { fake, cacheDir, run, tokenFiles } = setUp();
    await verified(await run('azurecli'));
    const file = path.join(cacheDir, 'tokens', tokenFiles()[0]);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...entry, expiresOn: 1e303 }));
    const r = await run('azurecli');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(tokenCalls(fake), 2);
    assert.ok(JSON.parse(fs.readFileSync(file, 'utf8')).expiresOn < Date.now() + 2 * 86400_000, 'replaced');
  });
});
