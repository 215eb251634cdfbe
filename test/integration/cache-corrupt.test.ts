// Damaged cache state is a miss, never a failure: corrupted token and MSAL cache files, abandoned
// locks, leftovers of killed writers, and processes killed while writing. bin/kubelogin --login spn
// against the emulator (no keyring here: the MSAL cache is a plain envelope; cache-keyring covers the rest).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEnvelope } from '../../src/cache/crypto';
import { msalCacheProblem } from '../../src/cache/msal-shape';
import { parseTokenFile } from '../../src/cache/token-file';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorEnv } from '../helpers/env';
import { collect, runKubelogin, spawnKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://corrupt-cluster';
const TENANT = 'tenant-corrupt';
const APP = { clientId: 'app-corrupt', secret: 'secret-corrupt-0123456789' };

function only(dir: string): string {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1, `one file in ${dir}: ${files.join(', ')}`);
  return path.join(dir, files[0]);
}

describe('damaged cache state', () => {
  let emu: Emulator;
  let template: string;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ ...APP, tenantId: TENANT });
    template = makeTempDir();
    const r = await getToken(template);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => emu.close());

  const args = (cacheDir: string) => ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP.clientId, '--tenant-id', TENANT,
    '--client-secret', APP.secret, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const getToken = (cacheDir: string, env: Record<string, string> = {}) =>
    runKubelogin(args(cacheDir), { env: { ...emulatorEnv(emu), ...env } });

  /** A copy of the cache folder one successful run left: tokens/<key>.json and msal/<key>.json (the key does not depend on the folder). */
  async function warm(): Promise<{ cacheDir: string; tokenFile: string; msalFile: string }> {
    const cacheDir = makeTempDir();
    fs.cpSync(template, cacheDir, { recursive: true });
    return { cacheDir, tokenFile: only(path.join(cacheDir, 'tokens')), msalFile: only(path.join(cacheDir, 'msal')) };
  }

  const damage: Array<[string, (good: string) => string | Buffer]> = [
    ['empty', () => ''],
    ['truncated', (good) => good.slice(0, Math.floor(good.length / 2))],
    ['NUL bytes', (good) => Buffer.alloc(good.length)],
    ['wrong shape', () => JSON.stringify({ hello: 'world' })],
    ['unknown version', (good) => JSON.stringify({ ...JSON.parse(good), v: 99 })],
  ];

  for (const [name, corrupt] of damage) {
    it(`token file ${name}: a miss, 1 request, one warning, file replaced, exit 0`, async () => {
      const { cacheDir, tokenFile, msalFile } = await warm();
      fs.writeFileSync(tokenFile, corrupt(fs.readFileSync(tokenFile, 'utf8')));
      fs.rmSync(msalFile);
      emu.reset();
      const r = await getToken(cacheDir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(emu.count({ endpoint: 'token' }), 1);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^warning: the token cache file .* is damaged or of an unknown version; ignoring it \(it will be replaced\)$/m);
      assert.equal(parseTokenFile(fs.readFileSync(tokenFile, 'utf8'))?.token, JSON.parse(r.stdout).status.token);
    });

    it(`MSAL cache ${name}: a miss, 1 request, one warning, file replaced, exit 0`, async () => {
      const { cacheDir, tokenFile, msalFile } = await warm();
      fs.writeFileSync(msalFile, corrupt(fs.readFileSync(msalFile, 'utf8')));
      fs.rmSync(tokenFile);
      emu.reset();
      const r = await getToken(cacheDir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(emu.count({ endpoint: 'token' }), 1);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^warning: the MSAL cache .* (is damaged or of an unknown version|is not a valid MSAL cache)/m);
      const env = parseEnvelope(fs.readFileSync(msalFile, 'utf8'));
      assert.ok(env?.alg === 'none' && msalCacheProblem(env.data) === undefined, 'replaced by a valid cache');
    });
  }

  const badMsal: Array<[string, string]> = [
    ['an envelope around text that is not JSON', JSON.stringify({ v: 1, alg: 'none', data: '{"AccessToken":' })],
    ['an envelope around entries of the wrong type', JSON.stringify({ v: 1, alg: 'none', data: JSON.stringify({ AccessToken: { x: { secret: 5 } } }) })],
    ['an encrypted envelope with no keyring to open it', JSON.stringify({ v: 1, alg: 'A256GCM', kid: 'k', iv: 'aaaa', tag: 'bbbb', data: 'cccc' })],
  ];
  for (const [name, text] of badMsal) {
    it(`MSAL cache with ${name}: never reaches MSAL, a miss, exit 0`, async () => {
      const { cacheDir, tokenFile, msalFile } = await warm();
      fs.writeFileSync(msalFile, text);
      fs.rmSync(tokenFile);
      emu.reset();
      const r = await getToken(cacheDir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(emu.count({ endpoint: 'token' }), 1);
      assert.ok(r.stderr.trimEnd().split('\n').filter(Boolean).length <= 1, r.stderr);
      assert.doesNotMatch(r.stderr, /^Error/m);
    });
  }

  const locks: Array<[string, () => Promise<string>, Date?]> = [
    ['a dead pid', async () => JSON.stringify({ pid: await deadPid(), host: hostname(), nonce: 'x', started: 1 })],
    ['a dead pid and an mtime in the future', async () => JSON.stringify({ pid: await deadPid(), host: hostname(), nonce: 'x', started: 1 }), new Date(Date.now() + 86400_000)],
    ['garbage, an hour old', async () => 'garbage', new Date(Date.now() - 3600_000)],
  ];
  for (const [name, content, mtime] of locks) {
    it(`a lock left by ${name} is recovered: token printed promptly with 1 request`, async () => {
      const { cacheDir, tokenFile } = await warm();
      const key = path.basename(tokenFile, '.json');
      fs.rmSync(path.join(cacheDir, 'tokens'), { recursive: true });
      fs.rmSync(path.join(cacheDir, 'msal'), { recursive: true });
      const lock = path.join(cacheDir, 'locks', `${key}.lock`);
      fs.mkdirSync(path.dirname(lock), { recursive: true });
      fs.writeFileSync(lock, await content());
      if (mtime) fs.utimesSync(lock, mtime, mtime);
      emu.reset();
      const t0 = Date.now();
      const r = await getToken(cacheDir);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - t0 < 2000);
      assert.equal(emu.count({ endpoint: 'token' }), 1);
      assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'locks')), []);
    });
  }

  it('leftover temp files of killed writers are removed once old; young ones are kept', async () => {
    const { cacheDir, tokenFile } = await warm();
    const old = new Date(Date.now() - 3600_000);
    const orphans = [`${tokenFile}.999.dead.tmp`, path.join(cacheDir, 'msal', 'x.json.998.dead.tmp'), path.join(cacheDir, 'locks', 'y.lock.aa.stale')];
    for (const f of orphans) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, 'partial');
      fs.utimesSync(f, old, old);
    }
    const young = `${tokenFile}.997.busy.tmp`;
    fs.writeFileSync(young, 'in progress');
    fs.rmSync(tokenFile);
    const r = await getToken(cacheDir);
    assert.equal(r.code, 0, r.stderr);
    for (const f of orphans) assert.equal(fs.existsSync(f), false, `${f} removed`);
    assert.ok(fs.existsSync(young), 'a young temp file may belong to a live writer');
  });

  it('kill -9 at random moments of 10 cold runs: the files are always old or new, never torn', async () => {
    const { cacheDir, tokenFile, msalFile } = await warm();
    fs.rmSync(tokenFile);
    const full = (await getToken(cacheDir)).durationMs;
    let interrupted = 0;
    for (let i = 0; i < 10; i++) {
      fs.writeFileSync(tokenFile, JSON.stringify({ v: 1, id: path.basename(tokenFile, '.json'), token: 'expired', expiresOn: Date.now() - 1000 }));
      fs.rmSync(msalFile, { force: true });
      const child = spawnKubelogin(args(cacheDir), { env: emulatorEnv(emu) });
      const done = collect(child);
      await new Promise((r) => setTimeout(r, full * (0.3 + Math.random() * 0.6)));
      child.kill('SIGKILL');
      const r = await done;
      if (r.signal === 'SIGKILL') interrupted++;
      assert.ok(parseTokenFile(fs.readFileSync(tokenFile, 'utf8')), `token file intact after kill ${i}`);
      if (fs.existsSync(msalFile)) assert.ok(parseEnvelope(fs.readFileSync(msalFile, 'utf8')), `MSAL file intact after kill ${i}`);
    }
    assert.ok(interrupted >= 3, `${interrupted} of 10 runs were killed before finishing`);
  });
});

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}
