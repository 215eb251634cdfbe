// The OS keyring key, against the real gnome-keyring that `npm test` starts (dbus-run-session), and
// the fast fallbacks when no Secret Service answers: no bus, a bus path that does not exist, a bus
// that accepts connections but never answers (which would hang @napi-rs/keyring forever).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busSocket, probeSecretService } from '../../../src/cache/dbus-probe';
import { deleteEncryptionKey, keyringAccount, KEYRING_SERVICE, loadEncryptionKey } from '../../../src/cache/keyring';
import { createLogger } from '../../../src/platform/log';
import { makeTempDir } from '../../helpers/tmp';

const BUS = process.env.DBUS_SESSION_BUS_ADDRESS;
const NO_BUS = !BUS && 'DBUS_SESSION_BUS_ADDRESS is unset: run through `npm test`, which starts dbus-run-session with an unlocked gnome-keyring';

function logger() {
  const lines: string[] = [];
  return { log: createLogger(9, (l) => lines.push(l)), lines };
}

function hasSecretTool(): boolean {
  try {
    execFileSync('secret-tool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

describe('busSocket', () => {
  const cases: Array<[string | undefined, { path: string } | { error: RegExp }]> = [
    [undefined, { error: /not set/ }],
    ['unix:path=/run/user/1000/bus', { path: '/run/user/1000/bus' }],
    ['unix:path=/tmp/dbus-abc,guid=0123', { path: '/tmp/dbus-abc' }],
    ['unix:abstract=/tmp/dbus-xyz,guid=0123', { path: '\0/tmp/dbus-xyz' }],
    ['tcp:host=localhost,port=1;unix:path=/b%20c', { path: '/b c' }],
    ['tcp:host=localhost,port=1', { error: /unsupported D-Bus address/ }],
  ];
  for (const [address, want] of cases) {
    it(String(address), () => {
      const got = busSocket(address);
      if ('path' in want) assert.deepEqual(got, want);
      else assert.match('error' in got ? got.error : '', want.error);
    });
  }
});

describe('keyring fallbacks', () => {
  let server: net.Server;
  let hangPath: string;
  before(async () => {
    hangPath = path.join(makeTempDir(), 'bus');
    server = net.createServer((s) => s.on('data', () => {}));
    await new Promise<void>((r) => server.listen(hangPath, r));
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const cases: Array<[string, string | undefined, number, RegExp]> = [
    ['no bus address', undefined, 100, /DBUS_SESSION_BUS_ADDRESS is not set/],
    ['a bus path that does not exist', 'unix:path=/nonexistent', 100, /cannot reach the session bus/],
    ['a bus that never answers', 'HANG', 1500, /did not answer within 1000 ms/],
  ];
  for (const [name, address, maxMs, why] of cases) {
    it(`${name}: no key, said once at -v 1, within ${maxMs} ms`, async () => {
      const { log, lines } = logger();
      const t0 = Date.now();
      const key = await loadEncryptionKey({ env: { DBUS_SESSION_BUS_ADDRESS: address === 'HANG' ? `unix:path=${hangPath}` : address }, log, cacheDir: makeTempDir() });
      const took = Date.now() - t0;
      assert.equal(key, undefined);
      assert.ok(took < maxMs, `took ${took} ms`);
      assert.equal(lines.length, 1, lines.join(''));
      assert.match(lines[0], why);
      assert.match(lines[0], /^cache: no usable OS keyring .* plain 0600 file/);
      const quiet = logger();
      await loadEncryptionKey({ env: { DBUS_SESSION_BUS_ADDRESS: address === 'HANG' ? `unix:path=${hangPath}` : address }, log: createLogger(0, (l) => quiet.lines.push(l)), cacheDir: makeTempDir() });
      assert.deepEqual(quiet.lines, [], 'nothing at the default verbosity');
    });
  }
});

function hasDbusDaemon(): boolean {
  try {
    execFileSync('dbus-daemon', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a session bus without a Secret Service', { skip: !hasDbusDaemon() && 'dbus-daemon is not installed (scripts/setup.sh installs it)' }, () => {
  let daemon: ReturnType<typeof spawn>;
  let address: string;
  before(async () => {
    const dir = makeTempDir();
    const config = path.join(dir, 'bus.conf');
    fs.writeFileSync(config, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=${dir}/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`);
    daemon = spawn('dbus-daemon', ['--config-file', config, '--nofork', '--print-address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    address = await new Promise<string>((resolve) => daemon.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim())));
  });
  after(() => daemon.kill());

  it('the probe says so from the bus\'s error reply, fast', async () => {
    const t0 = Date.now();
    const why = await probeSecretService(address, 2000);
    assert.match(why ?? 'answered', /no Secret Service on the session bus \(org\.freedesktop\.DBus\.Error\.ServiceUnknown\)/);
    assert.ok(Date.now() - t0 < 500);
  });

  it('loadEncryptionKey falls back without touching the native keyring', async () => {
    const { log, lines } = logger();
    assert.equal(await loadEncryptionKey({ env: { DBUS_SESSION_BUS_ADDRESS: address }, log, cacheDir: makeTempDir() }), undefined);
    assert.match(lines.join(''), /no Secret Service/);
  });
});

describe('keyring against the Secret Service', { skip: NO_BUS }, () => {
  it('answers a ping', async () => assert.equal(await probeSecretService(BUS, 2000), undefined));

  it('creates a 32-byte key once per cache folder, stores it in the Secret Service and returns it again', async () => {
    const { log } = logger();
    const cacheDir = makeTempDir();
    const env = { DBUS_SESSION_BUS_ADDRESS: BUS };
    const first = await loadEncryptionKey({ env, log, cacheDir });
    assert.ok(first);
    assert.equal(first.length, 32);
    const again = await loadEncryptionKey({ env, log, cacheDir });
    assert.deepEqual(again, first);
    const other = await loadEncryptionKey({ env, log, cacheDir: makeTempDir() });
    assert.ok(other && !other.equals(first), 'another cache folder has its own key');
    if (hasSecretTool()) {
      const stored = execFileSync('secret-tool', ['lookup', 'service', KEYRING_SERVICE, 'username', keyringAccount(cacheDir)]);
      assert.deepEqual(stored, first, 'secret-tool sees the same bytes');
    }
    assert.equal(await deleteEncryptionKey(env, cacheDir), true);
    const fresh = await loadEncryptionKey({ env, log, cacheDir });
    assert.ok(fresh && !fresh.equals(first), 'after deletion a new key is made');
    await deleteEncryptionKey(env, cacheDir);
  });

  it('8 processes creating the same folder\'s key at once all end up with one key', async () => {
    const cacheDir = makeTempDir();
    const script = `require('tsx/cjs'); const { loadEncryptionKey } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/cache/keyring.ts'))});
      const { createLogger } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/platform/log.ts'))});
      loadEncryptionKey({ env: process.env, log: createLogger(0), cacheDir: process.argv[1] }).then((k) => process.stdout.write(k ? k.toString('hex') : 'none'));`;
    const outs = await Promise.all(Array.from({ length: 8 }, () => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['-e', script, cacheDir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', () => resolve(out));
    })));
    assert.equal(new Set(outs).size, 1, outs.join('\n'));
    assert.match(outs[0], /^[0-9a-f]{64}$/);
    assert.equal(fs.existsSync(path.join(cacheDir, 'locks')), true, 'creation ran under the folder lock');
    await deleteEncryptionKey({ DBUS_SESSION_BUS_ADDRESS: BUS }, cacheDir);
  });
});
