// bin/kubelogin doctor against the emulator: a healthy user passes every check; each ✗ is provoked
// here (exec command, inputs, cache folder, cached token, keyring, authority TLS/reachability/answer,
// proxy, clock, az, azd, managed identity), prints its fix, and makes the exit code 1.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { tokenOf } from '../helpers/assert';
import { emulatorEnv, imdsEnv } from '../helpers/env';
import { FakeCli, writeAzureProfile } from '../helpers/fake-az';
import { execUser, writeKubeconfigContexts, type KubeUser } from '../helpers/kubeconfig';
import { kubeloginBin } from '../helpers/paths';
import { startProxy } from '../helpers/proxy';
import { runKubelogin, type EnvPatch, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = 'd0c70000-1111-4222-8333-444455556666';
const SPN = { clientId: 'd0c70000-aaaa-4bbb-8ccc-000000000001', secret: 'doctor~Spn.Secret-0123456789' };
const MI = { clientId: 'd0c70000-aaaa-4bbb-8ccc-0000000000a1' };
const BUS = process.env.DBUS_SESSION_BUS_ADDRESS;

/** A loopback port nothing listens on (fetch refuses port 1 as a "bad port" before connecting). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface DoctorJson {
  ok: boolean;
  users: Array<{
    user: string; contexts: string[]; login: string | null; ok: boolean;
    checks: Array<{ check: string; ok: boolean; message: string; fix: string | null }>;
  }>;
}

describe('kubelogin doctor', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ ...SPN, tenantId: TENANT });
    emu.addManagedIdentity(MI);
  });
  after(() => emu.close());

  const spnArgs = (cacheDir: string, extra: string[] = []) => ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', SPN.clientId,
    '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...extra];
  /** An spn user as convert-kubeconfig would leave it, with the secret and the CA in the exec env. */
  const spnUser = (cacheDir: string, env: Record<string, string> = {}, extra: string[] = []): KubeUser =>
    execUser(spnArgs(cacheDir, extra), { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret, NODE_EXTRA_CA_CERTS: emu.caFile, ...env });

  function kubeconfig(users: Record<string, KubeUser>): string {
    return writeKubeconfigContexts(path.join(makeTempDir(), 'config'), 'https://127.0.0.1:1', emu.caPem, Object.entries(users).map(([context, user]) => ({ context, user })));
  }

  async function doctor(file: string, args: string[] = [], env: EnvPatch = {}): Promise<RunResult & { json: DoctorJson }> {
    const [r, j] = await Promise.all([
      runKubelogin(['doctor', '--kubeconfig', file, ...args], { env, timeoutMs: 30_000 }),
      runKubelogin(['doctor', '--kubeconfig', file, '-o', 'json', ...args], { env, timeoutMs: 30_000 }),
    ]);
    assert.ok(!(r.stdout + r.stderr + j.stdout).includes(SPN.secret), 'the secret is never printed');
    assert.equal(j.code, r.code, j.stderr);
    return { ...r, json: JSON.parse(j.stdout) as DoctorJson };
  }

  /** The one check of that id (of the first user), which must exist. */
  function check(r: { json: DoctorJson }, id: string, user = 0) {
    const c = r.json.users[user].checks.find((x) => x.check === id);
    assert.ok(c, `a ${id} check in ${JSON.stringify(r.json.users[user].checks.map((x) => x.check))}`);
    return c;
  }

  /** The check failed, with its ✗ line and fix in the text output, and the exit code is 1. */
  function failed(r: RunResult & { json: DoctorJson }, id: string, message: RegExp, fix: RegExp) {
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const c = check(r, id);
    assert.equal(c.ok, false, c.message);
    assert.match(c.message, message);
    assert.match(c.fix ?? '', fix);
    assert.ok(r.stdout.split('\n').includes(`  ✗ ${c.message} — fix: ${c.fix}`), r.stdout);
  }

  it('a healthy spn user: ✓ on every line, exit 0; a get-token run makes the cached token fresh', async () => {
    const cacheDir = path.join(makeTempDir(), 'cache');
    const file = kubeconfig({ ci: spnUser(cacheDir) });
    const r = await doctor(file, [], { DBUS_SESSION_BUS_ADDRESS: BUS });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'user ci (context ci)');
    assert.ok(lines.slice(1, -1).every((l) => l.startsWith('  ✓ ')), r.stdout);
    assert.match(lines.at(-1)!, /^all \d+ checks passed \(1 user\)$/);
    assert.deepEqual(r.json.users[0].checks.map((c) => c.check), ['exec', 'inputs', 'cache-folder', 'cached-token', 'keyring', 'proxy', 'authority', 'clock']);
    assert.equal(check(r, 'exec').message, `exec command ${kubeloginBin} get-token`);
    assert.equal(check(r, 'inputs').message, 'login spn: server id, client id, tenant id, client secret or certificate present');
    assert.match(check(r, 'cache-folder').message, /does not exist yet/);
    assert.match(check(r, 'cached-token').message, /^cached token: none/);
    assert.equal(check(r, 'proxy').message, 'proxy: none');
    assert.equal(check(r, 'authority').message, `authority ${emu.authorityHost} reachable: HTTP 200, TLS verified with Node's bundled CAs + NODE_EXTRA_CA_CERTS (${emu.caFile})`);
    assert.match(check(r, 'clock').message, /within a second or two of the authority's clock/);

    tokenOf(await runKubelogin(spnArgs(cacheDir), { env: { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret } }));
    const after = await doctor(file, ['--context', 'ci']);
    assert.equal(after.code, 0, after.stdout);
    assert.equal(check(after, 'cache-folder').message, `cache folder ${cacheDir}: 0700, yours`);
    assert.match(check(after, 'cached-token').message, /^cached token: fresh, expires \S+Z \(in (59|60)m\)$/);
  });

  it('a bare command resolves on PATH', async () => {
    const bin = makeTempDir();
    fs.symlinkSync(kubeloginBin, path.join(bin, 'kubelogin'));
    const user = spnUser(makeTempDir());
    if ('exec' in user) user.exec.command = 'kubelogin';
    const r = await doctor(kubeconfig({ ci: user }), [], { PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    assert.equal(check(r, 'exec').message, `exec command kubelogin → ${path.join(bin, 'kubelogin')} get-token`);
  });

  describe('exec command ✗', () => {
    it('not on PATH', async () => {
      const user = spnUser(makeTempDir());
      if ('exec' in user) user.exec.command = 'kubelogin';
      failed(await doctor(kubeconfig({ ci: user })), 'exec', /^exec command "kubelogin" is not on PATH$/, /install kubelogin on PATH/);
    });

    it('a relative path (against the kubeconfig folder) that is not executable', async () => {
      const file = kubeconfig({ ci: spnUser(makeTempDir()) });
      fs.mkdirSync(path.join(path.dirname(file), 'tools'));
      fs.writeFileSync(path.join(path.dirname(file), 'tools', 'kubelogin'), '#!/bin/sh\n', { mode: 0o644 });
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`command: ${kubeloginBin}`, 'command: ./tools/kubelogin'));
      const full = path.join(path.dirname(file), 'tools', 'kubelogin');
      failed(await doctor(file), 'exec', new RegExp(`is not executable`), new RegExp(`^chmod \\+x ${full}$`));
    });

    it('args that do not run get-token', async () => {
      failed(await doctor(kubeconfig({ ci: execUser(['version']) })), 'exec', /runs "version", not get-token/, /kubelogin convert-kubeconfig --context ci/);
    });
  });

  describe('inputs ✗ (named, never shown)', () => {
    it('spn without a secret or certificate', async () => {
      const user = execUser(spnArgs(makeTempDir()), { NODE_EXTRA_CA_CERTS: emu.caFile });
      failed(await doctor(kubeconfig({ ci: user })), 'inputs', /^login spn: client secret or certificate missing$/, /AAD_SERVICE_PRINCIPAL_CLIENT_SECRET/);
    });

    it('no --server-id, and a login mode that does not exist', async () => {
      failed(await doctor(kubeconfig({ ci: execUser(['get-token', '--login', 'devicecode', '--client-id', 'c', '--tenant-id', 't']) })), 'inputs', /^login devicecode: server id missing$/, /add --server-id/);
      failed(await doctor(kubeconfig({ ci: execUser(['get-token', '--login', 'magic', '--server-id', SERVER_ID]) })), 'inputs', /not valid get-token input: 'magic' is not a supported login method/, /fix the exec entry/);
    });
  });

  describe('cache ✗', () => {
    it('a folder open to others, a symlinked folder', async () => {
      const open = path.join(makeTempDir(), 'cache');
      fs.mkdirSync(open, { mode: 0o755 });
      fs.chmodSync(open, 0o755);
      failed(await doctor(kubeconfig({ ci: spnUser(open) })), 'cache-folder', /has mode 0755, open to other users$/, new RegExp(`^chmod 700 ${open}$`));
      const link = path.join(makeTempDir(), 'cache');
      fs.symlinkSync(makeTempDir(), link);
      failed(await doctor(kubeconfig({ ci: spnUser(link) })), 'cache-folder', /is a symbolic link$/, /replace it with a real folder/);
    });

    it('a folder owned by another user', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, async () => {
      const dir = path.join(makeTempDir(), 'cache');
      fs.mkdirSync(dir, { mode: 0o700 });
      fs.chownSync(dir, 54321, 54321);
      failed(await doctor(kubeconfig({ ci: spnUser(dir) })), 'cache-folder', /is owned by another user \(uid 54321\)$/, /--cache-dir/);
    });

    it('a damaged token file', async () => {
      const cacheDir = makeTempDir();
      tokenOf(await runKubelogin(spnArgs(cacheDir), { env: { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret } }));
      const [name] = fs.readdirSync(path.join(cacheDir, 'tokens'));
      fs.writeFileSync(path.join(cacheDir, 'tokens', name), '{"v":1,"tok');
      failed(await doctor(kubeconfig({ ci: spnUser(cacheDir) })), 'cached-token', /is damaged or of an unknown version; get-token ignores it$/, /^kubelogin remove-tokens --context ci$/);
    });

    it('an expired token is reported, not a failure', async () => {
      const cacheDir = makeTempDir();
      emu.tokenLifetimeSeconds = 60;
      try {
        tokenOf(await runKubelogin(spnArgs(cacheDir), { env: { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret } }));
      } finally {
        emu.tokenLifetimeSeconds = 3600;
      }
      const c = check(await doctor(kubeconfig({ ci: spnUser(cacheDir) })), 'cached-token');
      assert.equal(c.ok, true);
      assert.match(c.message, /^cached token: expired \(or within 5 minutes of it\) at \S+Z; the next kubectl command refreshes it$/);
    });
  });

  it('keyring ✗: the cached sign-in is encrypted with a keyring key that cannot be reached now', { skip: !BUS && 'needs the D-Bus session npm test starts' }, async () => {
    const cacheDir = makeTempDir();
    const env = { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret, DBUS_SESSION_BUS_ADDRESS: BUS };
    tokenOf(await runKubelogin(spnArgs(cacheDir), { env }));
    const file = kubeconfig({ ci: spnUser(cacheDir) });
    assert.equal(check(await doctor(file, [], { DBUS_SESSION_BUS_ADDRESS: BUS }), 'keyring').message, 'OS keyring: Secret Service reachable (refresh tokens encrypted with a key kept there)');
    failed(await doctor(file, [], { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }), 'keyring', /^OS keyring not reachable \(cannot reach the session bus: .*\), but this user's cached sign-in is encrypted with its key/, /kubelogin remove-tokens --context ci/);
    // Without a cached sign-in, no keyring is the file fallback, not a failure.
    const fresh = check(await doctor(kubeconfig({ ci: spnUser(makeTempDir()) }), [], { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }), 'keyring');
    assert.deepEqual([fresh.ok, /file fallback/.test(fresh.message)], [true, true]);
  });

  describe('authority and network ✗', () => {
    /** Node 22.15+ and 24 read the system store themselves (tls.getCACertificates('system')); doctor names it first. */
    const SYSTEM_STORE = "(?:the system store \\(Node's tls\\.getCACertificates\\('system'\\)\\) \\(\\d+ certificates, \\d+ not in Node's roots\\), )?";
    it('TLS: the authority\'s certificate is not trusted without its CA (named)', async () => {
      const user = execUser(spnArgs(makeTempDir()), { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret });
      failed(await doctor(kubeconfig({ ci: user })), 'authority', /TLS: the certificate of 127\.0\.0\.1:\d+ is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\) by Node's bundled CAs nor the OS store \(.*\)$/, /SSL_CERT_FILE \(or NODE_EXTRA_CA_CERTS\)/);
    });

    it('TLS: a CA given only in SSL_CERT_FILE verifies, as it does for get-token', async () => {
      const user = execUser(spnArgs(makeTempDir()), { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret, SSL_CERT_FILE: emu.caFile });
      assert.match(check(await doctor(kubeconfig({ ci: user })), 'authority').message, new RegExp(`reachable: HTTP 200, TLS verified with Node's bundled CAs \\+ the OS store \\(${SYSTEM_STORE}SSL_CERT_FILE=${emu.caFile.replace(/[.]/g, '\\.')} \\(1 certificates, 1 not in Node's roots\\)\\)$`));
    });

    it('unreachable, and an answer other than 200', async () => {
      const closed = spnUser(makeTempDir(), {}, ['--authority-host', 'https://127.0.0.1:1/']);
      failed(await doctor(kubeconfig({ ci: closed })), 'authority', /^authority https:\/\/127\.0\.0\.1:1\/\S+: cannot reach it \(ECONNREFUSED/, /check the network/);
      emu.failNext('discovery', 2, 400);
      failed(await doctor(kubeconfig({ ci: spnUser(makeTempDir()) })), 'authority', /answered HTTP 400$/, /check --tenant-id/);
    });

    it('proxy in use: named (without credentials), and the authority is reached through it; a dead proxy fails the authority check', async () => {
      const proxy = await startProxy();
      try {
        const url = proxy.url.replace('http://', 'http://user:pa55@');
        const r = await doctor(kubeconfig({ ci: spnUser(makeTempDir(), { HTTPS_PROXY: url }) }));
        assert.equal(r.code, 0, r.stdout);
        assert.equal(check(r, 'proxy').message, `proxy: ${proxy.url.replace('http://', 'http://***@')} (HTTPS_PROXY)`);
        assert.ok(proxy.targets.includes(emu.host), JSON.stringify(proxy.targets));
        assert.ok(!r.stdout.includes('pa55'));
      } finally {
        await proxy.close();
      }
      failed(await doctor(kubeconfig({ ci: spnUser(makeTempDir(), { HTTPS_PROXY: 'http://127.0.0.1:1' }) })), 'authority', /cannot reach it/, /HTTPS_PROXY/);
    });

    for (const [skew, word] of [[600, 'behind'], [-420, 'ahead of']] as const) {
      it(`clock: ${Math.abs(skew / 60)} minutes ${word} the authority's Date header fails; 4 minutes passes`, async () => {
        const file = kubeconfig({ ci: spnUser(makeTempDir()) });
        emu.clockSkewSeconds = skew;
        try {
          failed(await doctor(file), 'clock', new RegExp(`^clock: this machine is ${Math.abs(skew / 60)}m ${word} the authority's clock \\(more than 5 minutes`), /synchronise the system clock/);
          emu.clockSkewSeconds = Math.sign(skew) * 240;
          const ok = check(await doctor(file), 'clock');
          assert.deepEqual([ok.ok, ok.message], [true, `clock: this machine is 4m ${word} the authority's clock`]);
        } finally {
          emu.clockSkewSeconds = 0;
        }
      });
    }
  });

  describe('az / azd ✗', () => {
    const cliUser = (login: string, fake: FakeCli) => execUser(['get-token', '--login', login, '--server-id', SERVER_ID], { AZURE_CONFIG_DIR: fake.azureConfigDir });

    it('az: not installed, not signed in, then signed in', async () => {
      const fake = new FakeCli(makeTempDir(), { imdsUrl: emu.miUrl });
      const file = kubeconfig({ cli: cliUser('azurecli', fake) });
      failed(await doctor(file, [], { PATH: '/usr/bin:/bin' }), 'az', /^Azure CLI \(az\) is not on PATH$/, /aka\.ms\/azure-cli/);
      failed(await doctor(file, [], fake.env()), 'az', /is not signed in/, /^run az login/);
      writeAzureProfile(fake.azureConfigDir, [{ id: 'sub-1', tenantId: TENANT, user: 'dev@contoso.com', isDefault: true }]);
      const r = await doctor(file, [], fake.env());
      assert.equal(r.code, 0, r.stdout);
      assert.deepEqual(r.json.users[0].checks.map((c) => c.check), ['exec', 'inputs', 'cache-folder', 'cached-token', 'az']);
    });

    it('azd: not installed, not signed in, then signed in', async () => {
      const fake = new FakeCli(makeTempDir(), { imdsUrl: emu.miUrl, azd: { loggedIn: false } });
      const file = kubeconfig({ dev: cliUser('azd', fake) });
      failed(await doctor(file, [], { PATH: '/usr/bin:/bin' }), 'azd', /^Azure Developer CLI \(azd\) is not on PATH$/, /aka\.ms\/azd-install/);
      failed(await doctor(file, [], fake.env()), 'azd', /is not signed in \(status unauthenticated\)$/, /^run azd auth login$/);
      fake.configure({ imdsUrl: emu.miUrl, azd: {} });
      assert.equal(check(await doctor(file, [], fake.env()), 'azd').ok, true);
    });
  });

  describe('managed identity ✗ (short timeout)', () => {
    const miUser = (env: Record<string, string>, clientId = MI.clientId) => execUser(['get-token', '--login', 'msi', '--server-id', SERVER_ID, '--client-id', clientId], env);

    it('answers for an assigned identity; an unknown identity, a closed port and a silent endpoint fail', async () => {
      const ok = await doctor(kubeconfig({ mi: miUser(imdsEnv(emu)) }));
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(check(ok, 'managed-identity').message, /^managed identity endpoint \(IMDS at http:\/\/127\.0\.0\.1:\d+\/metadata\/identity\/oauth2\/token\) answers: a token is available for this identity$/);
      failed(await doctor(kubeconfig({ mi: miUser(imdsEnv(emu), 'd0c70000-aaaa-4bbb-8ccc-0000000000ff') })), 'managed-identity', /does not know this identity \(HTTP 400: Identity not found\)$/, /assign the user-assigned identity/);
      failed(await doctor(kubeconfig({ mi: miUser({ AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${await closedPort()}` }) })), 'managed-identity', /is not answering \(ECONNREFUSED\)$/, /managed identity/);
      const silent = net.createServer(() => {});
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const port = (silent.address() as net.AddressInfo).port;
        const started = Date.now();
        failed(await doctor(kubeconfig({ mi: miUser({ AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${port}` }) })), 'managed-identity', /is not answering \(no answer within 2s\)$/, /pick another --login/);
        assert.ok(Date.now() - started < 15_000);
      } finally {
        silent.close();
      }
    });
  });

  describe('which users', () => {
    it('every user that runs kubelogin (not the others), each under its contexts; --context picks one', async () => {
      const file = kubeconfig({ ci: spnUser(makeTempDir()), bad: execUser(spnArgs(makeTempDir())), static: { token: 'static-token' } });
      const r = await doctor(file);
      assert.equal(r.code, 1);
      assert.deepEqual(r.json.users.map((u) => [u.user, u.contexts, u.login, u.ok]), [['ci', ['ci'], 'spn', true], ['bad', ['bad'], 'spn', false]]);
      assert.match(r.stdout, /^\d+ of \d+ checks failed \(2 users\)$/m);
      const one = await doctor(file, ['--context', 'ci']);
      assert.deepEqual([one.code, one.json.users.map((u) => u.user)], [0, ['ci']]);
    });

    it('an unknown or non-plugin context is a one-line error; no plugin user at all is a failed check', async () => {
      const file = kubeconfig({ ci: spnUser(makeTempDir()), static: { token: 'static-token' } });
      for (const [context, want] of [['nope', /^Error: no context exists with the name: "nope"/], ['static', /^Error: context "static" does not log in with kubelogin get-token/]] as const) {
        const r = await runKubelogin(['doctor', '--kubeconfig', file, '--context', context]);
        assert.deepEqual([r.code, r.stdout], [1, '']);
        assert.match(r.stderr, want);
      }
      failed(await doctor(kubeconfig({ static: { token: 'static-token' } })), 'exec', /^no user in \S+ runs kubelogin get-token$/, /convert-kubeconfig/);
    });
  });
});
