// Issue 10, point 6: input bin/kubelogin used to accept (or crash on) now gets one error line, exit 1,
// nothing on stdout and no file changed: KUBERNETES_EXEC_INFO that is not an object, -v that klog
// rejects, a --timeout beyond Node's timers, a read-only or Latin-1 kubeconfig; and twelve kubeconfig
// files convert without Node's MaxListenersExceededWarning.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { execCredentialOf, oneErrorLine } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { runKubelogin, type EnvPatch } from '../helpers/run';
import { azureProviderKubeconfig } from '../helpers/kubeconfig';
import { makeTempDir } from '../helpers/tmp';

const S = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '5a5a5a5a-0000-4000-8000-00000000000a';
const APP = '5a5a5a5a-0000-4000-8000-0000000000a1';
const SECRET = 'bad-input-secret-0123456789';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';

describe('bad input to get-token', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ clientId: APP, tenantId: TENANT, secret: SECRET });
  });
  after(() => emu.close());

  const getToken = (args: string[], env: EnvPatch = {}, cacheDir = makeTempDir('kubelogin-bad-cache-')) =>
    runKubelogin(['get-token', '--login', 'spn', '--server-id', S, '--client-id', APP, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...args], {
      env: { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET, ...env },
      timeoutMs: 20_000,
    });

  const rejectedExecInfo: Array<[string, RegExp]> = [
    ['[]', /^Error: cannot unmarshal "\[\]" to ExecCredential: the value is an array, not an object; KUBERNETES_EXEC_INFO must be the ExecCredential JSON kubectl sets/],
    ['42', /cannot unmarshal "42" to ExecCredential: the value is a number, not an object/],
    ['"v1"', /cannot unmarshal ""v1"" to ExecCredential: the value is a string, not an object/],
    ['true', /the value is a boolean, not an object/],
    ['{"apiVersion":7}', /apiVersion is a number, not a string/],
    ['{"apiVersion":"client.authentication.k8s.io/v1","spec":[]}', /spec is an array, not an object/],
    ['{"spec":{"interactive":"yes"}}', /spec.interactive is a string, not true or false/],
    ['not json', /cannot unmarshal "not json" to ExecCredential/],
  ];
  for (const [raw, want] of rejectedExecInfo) {
    it(`KUBERNETES_EXEC_INFO=${raw} is one error line, before any request`, async () => {
      emu.reset();
      const r = await getToken([], { KUBERNETES_EXEC_INFO: raw });
      assert.match(oneErrorLine(r), want);
      assert.equal(emu.count({ endpoint: 'token' }), 0);
    });
  }

  it('KUBERNETES_EXEC_INFO=null answers v1beta1, and says so at -v 1 (on a miss and on a hit)', async () => {
    const cacheDir = makeTempDir('kubelogin-bad-cache-');
    const quiet = await getToken([], { KUBERNETES_EXEC_INFO: 'null' }, cacheDir);
    assert.equal(execCredentialOf(quiet).apiVersion, V1BETA1);
    assert.equal(quiet.stderr, '');
    const hit = await getToken(['-v', '1'], { KUBERNETES_EXEC_INFO: 'null' }, cacheDir);
    assert.equal(execCredentialOf(hit).apiVersion, V1BETA1);
    assert.match(hit.stderr, /KUBERNETES_EXEC_INFO is JSON null; answering with client\.authentication\.k8s\.io\/v1beta1/);
    const miss = await getToken(['-v', '1'], { KUBERNETES_EXEC_INFO: 'null' });
    assert.match(miss.stderr, /KUBERNETES_EXEC_INFO is JSON null/);
  });

  const verbosity: Array<[string[], RegExp]> = [
    [['-v', 'abc'], /^Error: invalid argument "abc" for "-v, --v" flag: strconv\.ParseInt: parsing "abc": invalid syntax/],
    [['--v=5x'], /invalid argument "5x" for "-v, --v" flag: strconv\.ParseInt: parsing "5x": invalid syntax/],
    [['-v', '99999999999'], /parsing "99999999999": value out of range/],
  ];
  for (const [args, want] of verbosity) {
    it(`${args.join(' ')} is pflag's error line, and nothing runs`, async () => {
      const cacheDir = makeTempDir('kubelogin-bad-cache-');
      emu.reset();
      const r = await getToken(args, {}, cacheDir);
      assert.match(oneErrorLine(r), want);
      assert.equal(emu.count(), 0);
      assert.deepEqual(fs.readdirSync(cacheDir), [], 'no lock taken, nothing cached');
    });
  }

  it('-v 0 and a negative level (klog accepts it) log nothing', async () => {
    for (const level of ['0', '-1']) {
      const r = await getToken(['-v', level]);
      execCredentialOf(r);
      assert.equal(r.stderr, '');
    }
  });

  const timeouts: Array<[string, string[], EnvPatch, RegExp]> = [
    ['--timeout 1000h', ['--timeout', '1000h'], {}, /^Error: timeout 1000h0m0s is out of range: --timeout \(or AZURE_CLI_TIMEOUT\) must be greater than 0 and at most 596h31m23\.647s$/],
    ['--timeout 596h31m24s', ['--timeout', '596h31m24s'], {}, /timeout 596h31m24s is out of range/],
    ['AZURE_CLI_TIMEOUT=10000h', [], { AZURE_CLI_TIMEOUT: '10000h' }, /timeout 10000h0m0s is out of range: --timeout \(or AZURE_CLI_TIMEOUT\)/],
    ['--timeout 3000000h (beyond Go durations)', ['--timeout', '3000000h'], {}, /invalid argument "3000000h" for "--timeout" flag: time: invalid duration/],
    ['--timeout -5s', ['--timeout', '-5s'], {}, /timeout must be greater than 0/],
  ];
  for (const [name, args, env, want] of timeouts) {
    it(`${name} is one line naming the allowed range`, async () => {
      const r = await getToken(args, env);
      assert.match(oneErrorLine(r), want);
      assert.doesNotMatch(r.stderr, /delay/);
    });
  }

  it('an unparsable AZURE_CLI_TIMEOUT is ignored, as upstream does; 1ns and 1.5ms are valid durations', async () => {
    execCredentialOf(await getToken([], { AZURE_CLI_TIMEOUT: 'soon' }));
    execCredentialOf(await getToken(['--timeout', '596h31m23s']));
    const tiny = await getToken(['--timeout', '1ns']);
    assert.doesNotMatch(tiny.stderr, /delay|out of range|unexpected/);
    const r = await getToken(['--timeout', '1.5ms']);
    assert.doesNotMatch(r.stderr, /delay|out of range|unexpected/);
  });
});

const AZURE_USER = (name: string) => azureProviderKubeconfig(name, { serverId: S, clientId: '80faf920-1908-4b52-b5ef-a8e7bedfc67a', tenantId: TENANT });

describe('bad input to convert-kubeconfig', () => {
  const convert = (env: EnvPatch, ...args: string[]) => runKubelogin(['convert-kubeconfig', '--login', 'azurecli', ...args], { env, timeoutMs: 20_000 });

  it('a read-only (0444) kubeconfig is refused, also for root, and left as it was', async () => {
    const dir = makeTempDir('kubelogin-bad-');
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, AZURE_USER('aks'));
    fs.chmodSync(file, 0o444);
    const r = await convert({}, '--kubeconfig', file);
    assert.match(oneErrorLine(r), /^Error: unable to write kubeconfig .*config: permission denied: the file is read-only \(mode 0444\)/);
    assert.equal(fs.readFileSync(file, 'utf8'), AZURE_USER('aks'));
    assert.equal(fs.statSync(file).mode & 0o777, 0o444);
    assert.deepEqual(fs.readdirSync(dir), ['config'], 'no temp or lock file left');
  });

  it('a Latin-1 kubeconfig is refused, byte for byte unchanged', async () => {
    const dir = makeTempDir('kubelogin-bad-');
    const file = path.join(dir, 'config');
    const latin1 = Buffer.from(AZURE_USER('café'), 'latin1');
    fs.writeFileSync(file, latin1);
    const r = await convert({}, '--kubeconfig', file);
    assert.match(oneErrorLine(r), /^Error: unable to load kubeconfig: .*config is not UTF-8 text .*; save it as UTF-8/);
    assert.deepEqual(fs.readFileSync(file), latin1);
  });

  it('the same file in UTF-8 converts, the é intact', async () => {
    const dir = makeTempDir('kubelogin-bad-');
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, AZURE_USER('café'));
    const r = await convert({}, '--kubeconfig', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(file, 'utf8'), /name: café\n[\s\S]*- azurecli/);
  });

  it('twelve kubeconfig files in KUBECONFIG convert with nothing on stderr (no MaxListenersExceededWarning)', async () => {
    const dir = makeTempDir('kubelogin-bad-');
    const files = Array.from({ length: 12 }, (_, i) => path.join(dir, `config-${i}`));
    files.forEach((f, i) => fs.writeFileSync(f, AZURE_USER(`aks-${i}`)));
    const r = await convert({ KUBECONFIG: files.join(path.delimiter) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    for (const f of files) assert.match(fs.readFileSync(f, 'utf8'), /- get-token[\s\S]*- azurecli/);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.lock')), [], 'every lock released');
  });
});
