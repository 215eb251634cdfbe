// One --timeout deadline across the light → full hand-over (issue 10 point 1), through bin/kubelogin:
// time spent waiting for another run's lock is not given back when the full bundle takes over, and a
// devicecode waiter never puts a second device code in front of the person already signing in.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { execCredentialOf, oneErrorLine } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { collect, runKubelogin, spawnKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://deadline-cluster';
const TENANT = 'tenant-deadline';
const APP = { clientId: 'app-deadline', secret: 'secret-deadline-0123456789' };
const PUBLIC_APP = 'app-deadline-public';
const USER = 'dee@example.com';
/** Node start-up before main() and the exit after it: the only time outside the deadline. */
const SLACK_MS = 700;

describe('one --timeout deadline for the whole run', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ ...APP, tenantId: TENANT });
    emu.addApp({ clientId: PUBLIC_APP, publicClient: true });
    emu.addUser({ username: USER, password: 'not-used' });
  });
  after(() => emu.close());

  it('spn, --timeout 2s, the lock held by a live process and a silent token endpoint: done within 2 s', async () => {
    const cacheDir = path.join(makeTempDir(), 'cache');
    const spn = ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP.clientId, '--tenant-id', TENANT,
      '--client-secret', APP.secret, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, '--timeout', '2s'];
    // Learn the identity's lock file from a real run, then plant a live holder in it.
    assert.equal((await runKubelogin(spn, { env: emulatorEnv(emu) })).code, 0);
    const key = path.basename(fs.readdirSync(path.join(cacheDir, 'tokens'))[0], '.json');
    for (const sub of ['tokens', 'msal']) fs.rmSync(path.join(cacheDir, sub), { recursive: true });
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(cacheDir, 'locks', `${key}.lock`), JSON.stringify({ pid: holder.pid, host: hostname(), nonce: 'n'.repeat(24), started: Date.now() }), { mode: 0o600 });
      emu.delayMs = 8_000;
      const r = await runKubelogin(spn, { env: emulatorEnv(emu), timeoutMs: 15_000 });
      assert.ok(r.durationMs < 2000 + SLACK_MS, `ran ${r.durationMs} ms`);
      assert.ok(r.durationMs >= 1900, `ran ${r.durationMs} ms: the deadline, not an early give-up`);
      assert.match(oneErrorLine(r, { besides: /^warning: another kubelogin \(pid \d+ .*\) has held the token cache lock for 1s; continuing without it/ }), /timed out|deadline exceeded/i);
    } finally {
      emu.delayMs = 0;
      holder.kill('SIGKILL');
    }
  });

  it('devicecode: a second run while the first waits for the person prints no device code and fails within its --timeout', async () => {
    emu.deviceCode = { interval: 0.25, expiresIn: 900, slowDownTimes: 0 };
    emu.reset();
    const cacheDir = path.join(makeTempDir(), 'cache');
    const args = (timeout: string) => ['get-token', '--server-id', SERVER_ID, '--client-id', PUBLIC_APP, '--tenant-id', TENANT,
      '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, '--timeout', timeout];
    const env = { ...emulatorEnv(emu), KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: true } }) };
    const first = spawnKubelogin(args('30s'), { env });
    const firstDone = collect(first);
    const code = await promptOf(first);

    const second = await runKubelogin(args('2s'), { env, timeoutMs: 15_000 });
    assert.ok(second.durationMs < 2000 + SLACK_MS, `ran ${second.durationMs} ms`);
    assert.match(oneErrorLine(second), /^Error: another kubelogin \(pid \d+ on .*\) is signing in to this identity; not starting a second sign-in: complete that one, then run the command again \(or raise --timeout\)$/);
    assert.doesNotMatch(second.stderr, /enter the code/);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 1, 'one device code for the two runs');

    // The person completes the first sign-in; a third run is served from its token.
    emu.approveDeviceCode(code, USER);
    const token = execCredentialOf(await firstDone).status.token;
    const third = await runKubelogin(args('2s'), { env });
    assert.equal(execCredentialOf(third).status.token, token);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 1);
  });
});

/** The user code from a devicecode run's prompt on stderr. */
function promptOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`no device code prompt: ${stderr}`)), 15_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const code = /enter the code (\w+)/.exec(stderr)?.[1];
      if (code) {
        clearTimeout(timer);
        resolve(code);
      }
    });
  });
}
