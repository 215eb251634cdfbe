// MSAL's cache encrypted with a key in the real Secret Service (gnome-keyring under `npm test`), and
// the fallbacks: key changed → one warning and one new login, then quiet again; no bus, or a bus that
// never answers → a plain 0600 file, said once at -v 1, no warning, no hang.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openSealed, parseEnvelope } from '../../src/cache/crypto';
import { KEYRING_SERVICE, keyringAccount, loadEncryptionKey } from '../../src/cache/keyring';
import { msalCacheProblem } from '../../src/cache/msal-shape';
import { createLogger } from '../../src/platform/log';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorEnv } from '../helpers/env';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://keyring-cluster';
const TENANT = 'tenant-keyring';
const APP = { clientId: 'app-keyring', secret: 'secret-keyring-0123456789' };
const BUS = process.env.DBUS_SESSION_BUS_ADDRESS;
const NO_BUS = !BUS && 'DBUS_SESSION_BUS_ADDRESS is unset: run through `npm test`, which starts dbus-run-session with an unlocked gnome-keyring';

describe('the MSAL cache and the OS keyring', () => {
  let emu: Emulator;
  let hangServer: net.Server;
  let hangPath: string;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ ...APP, tenantId: TENANT });
    hangPath = path.join(makeTempDir(), 'bus');
    hangServer = net.createServer((s) => s.on('data', () => {}));
    await new Promise<void>((r) => hangServer.listen(hangPath, r));
  });
  after(async () => {
    await emu.close();
    await new Promise<void>((r) => hangServer.close(() => r()));
  });

  const getToken = (cacheDir: string, bus: string | undefined, extra: string[] = []) =>
    runKubelogin(['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP.clientId, '--tenant-id', TENANT, '--client-secret', APP.secret,
      '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...extra], { env: { ...emulatorEnv(emu), DBUS_SESSION_BUS_ADDRESS: bus } });
  const files = (cacheDir: string, sub: string) => fs.readdirSync(path.join(cacheDir, sub)).map((f) => path.join(cacheDir, sub, f));
  const keyFor = (cacheDir: string) => loadEncryptionKey({ env: { DBUS_SESSION_BUS_ADDRESS: BUS }, log: createLogger(0), cacheDir });

  describe('with a Secret Service', { skip: NO_BUS }, () => {
    it('stores the MSAL cache encrypted with the folder\'s keyring key; a later run decrypts it (no new request)', async () => {
      const cacheDir = makeTempDir();
      emu.reset();
      const first = await getToken(cacheDir, BUS);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, '');
      const [msalFile] = files(cacheDir, 'msal');
      const text = fs.readFileSync(msalFile, 'utf8');
      const token = JSON.parse(first.stdout).status.token as string;
      assert.ok(!text.includes(token.split('.')[2]), 'the access token is not on disk in the clear');
      const env = parseEnvelope(text);
      assert.ok(env?.alg === 'A256GCM', text.slice(0, 40));
      const key = await keyFor(cacheDir);
      assert.ok(key);
      const plain = openSealed(env, key, `kubelogin-msal-cache:${path.basename(msalFile, '.json')}`);
      assert.equal(msalCacheProblem(plain), undefined);
      for (const f of files(cacheDir, 'tokens')) fs.rmSync(f);
      const second = await getToken(cacheDir, BUS);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(emu.count({ endpoint: 'token' }), 1, 'the second run was served from the decrypted MSAL cache');
      assert.equal(second.stderr, '');
    });

    it('a changed keyring key: one warning and one new request, then quiet again (no login on every call)', async () => {
      const cacheDir = makeTempDir();
      assert.equal((await getToken(cacheDir, BUS)).code, 0);
      const { AsyncEntry } = await import('@napi-rs/keyring');
      await new AsyncEntry(KEYRING_SERVICE, keyringAccount(cacheDir), { linux: { store: 'secret-service' } }).setSecret(randomBytes(32));
      for (const f of files(cacheDir, 'tokens')) fs.rmSync(f);
      emu.reset();
      const r = await getToken(cacheDir, BUS);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(emu.count({ endpoint: 'token' }), 1);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^warning: the MSAL cache .* cannot be decrypted \(the keyring key changed\); ignoring it \(it will be replaced\)$/m);
      for (const f of files(cacheDir, 'tokens')) fs.rmSync(f);
      const again = await getToken(cacheDir, BUS);
      assert.equal(again.code, 0);
      assert.equal(again.stderr, '');
      assert.equal(emu.count({ endpoint: 'token' }), 1, 'the replaced cache opens with the new key');
    });

    it('an encrypted cache while the keyring is unreachable: a quiet miss, then a plain file the keyring session reads back', async () => {
      const cacheDir = makeTempDir();
      assert.equal((await getToken(cacheDir, BUS)).code, 0);
      for (const f of files(cacheDir, 'tokens')) fs.rmSync(f);
      emu.reset();
      const away = await getToken(cacheDir, 'unix:path=/nonexistent', ['-v', '1']);
      assert.equal(away.code, 0, away.stderr);
      assert.equal(emu.count({ endpoint: 'token' }), 1);
      assert.doesNotMatch(away.stderr, /^warning/m);
      assert.match(away.stderr, /encrypted with the OS keyring's key, which is not reachable now/);
      assert.equal(parseEnvelope(fs.readFileSync(files(cacheDir, 'msal')[0], 'utf8'))?.alg, 'none');
      for (const f of files(cacheDir, 'tokens')) fs.rmSync(f);
      const back = await getToken(cacheDir, BUS);
      assert.equal(back.code, 0);
      assert.equal(back.stderr, '');
      assert.equal(emu.count({ endpoint: 'token' }), 1);
    });
  });

  const fallbacks: Array<[string, () => string | undefined, number]> = [
    ['no D-Bus at all', () => undefined, 3000],
    ['DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent', () => 'unix:path=/nonexistent', 3000],
    ['a session bus that accepts but never answers', () => `unix:path=${hangPath}`, 4500],
  ];
  for (const [name, bus, maxMs] of fallbacks) {
    it(`${name}: plain 0600 MSAL cache, said once at -v 1, silent by default, no hang`, async () => {
      const cacheDir = makeTempDir();
      const loud = await getToken(cacheDir, bus(), ['-v', '1']);
      assert.equal(loud.code, 0, loud.stderr);
      assert.ok(loud.durationMs < maxMs, `took ${loud.durationMs} ms`);
      assert.equal(loud.stderr.match(/no usable OS keyring/g)?.length, 1, loud.stderr);
      const [msalFile] = files(cacheDir, 'msal');
      assert.equal(parseEnvelope(fs.readFileSync(msalFile, 'utf8'))?.alg, 'none');
      assert.equal(fs.statSync(msalFile).mode & 0o777, 0o600);
      for (const f of files(cacheDir, 'tokens')) fs.rmSync(f);
      const quiet = await getToken(cacheDir, bus());
      assert.equal(quiet.code, 0);
      assert.equal(quiet.stderr, '', 'no warning on every run');
    });
  }
});
