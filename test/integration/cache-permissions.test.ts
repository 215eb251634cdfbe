// File-system hazards around the cache, through bin/kubelogin --login spn: loose modes are tightened,
// umask 000 changes nothing, symlinked or foreign files are refused (the run goes on uncached), and a
// read-only or full cache folder still yields a token with one warning (private mounts via unshare).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { emulatorEnv } from '../helpers/env';
import { kubeloginBin } from '../helpers/paths';
import { cleanEnv, collect, runKubelogin, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://perm-cluster';
const TENANT = 'tenant-perm';
const APP = { clientId: 'app-perm', secret: 'secret-perm-0123456789' };
const isRoot = process.getuid?.() === 0;
const canUnshare = isRoot && spawnSync('unshare', ['-m', 'true']).status === 0;
const NO_UNSHARE = !canUnshare && 'needs root and `unshare -m` for a private tmpfs mount (root ignores mode 0500)';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

function allModes(dir: string): Record<string, number> {
  const out: Record<string, number> = { '.': mode(dir) };
  for (const sub of fs.readdirSync(dir, { recursive: true }) as string[]) out[sub] = mode(path.join(dir, sub));
  return out;
}

function warnings(r: RunResult): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
}

describe('cache folder permissions and hazards', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ ...APP, tenantId: TENANT });
  });
  after(() => emu.close());

  const args = (cacheDir: string) => ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP.clientId, '--tenant-id', TENANT,
    '--client-secret', APP.secret, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const getToken = (cacheDir: string) => runKubelogin(args(cacheDir), { env: emulatorEnv(emu) });

  async function warmFiles(): Promise<{ cacheDir: string; tokenFile: string }> {
    const cacheDir = path.join(makeTempDir(), 'cache');
    const r = await getToken(cacheDir);
    assert.equal(r.code, 0, r.stderr);
    const tokens = path.join(cacheDir, 'tokens');
    return { cacheDir, tokenFile: path.join(tokens, fs.readdirSync(tokens)[0]) };
  }

  it('a pre-existing 0755 folder and 0644 token file are tightened to 0700/0600 (and the token still served)', async () => {
    const { cacheDir, tokenFile } = await warmFiles();
    for (const d of [cacheDir, path.dirname(tokenFile)]) fs.chmodSync(d, 0o755);
    fs.chmodSync(tokenFile, 0o644);
    emu.reset();
    const r = await getToken(cacheDir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(emu.count({ endpoint: 'token' }), 0, 'served from the (now private) file');
    assert.equal(mode(cacheDir), 0o700);
    assert.equal(mode(path.dirname(tokenFile)), 0o700);
    assert.equal(mode(tokenFile), 0o600);
  });

  it('under umask 000 every folder is 0700 and every file 0600', async () => {
    const cacheDir = path.join(makeTempDir(), 'cache');
    const child = spawn('sh', ['-c', 'umask 000; exec "$@"', 'sh', process.execPath, kubeloginBin, ...args(cacheDir)], { env: cleanEnv(emulatorEnv(emu)) });
    const r = await collect(child);
    assert.equal(r.code, 0, r.stderr);
    const modes = allModes(cacheDir);
    for (const [p, m] of Object.entries(modes)) {
      const isDir = fs.statSync(path.join(cacheDir, p)).isDirectory();
      assert.equal(m, isDir ? 0o700 : 0o600, `${p} is ${m.toString(8)}`);
    }
    assert.ok(Object.keys(modes).some((p) => p.startsWith('tokens/')) && Object.keys(modes).some((p) => p.startsWith('msal/')));
  });

  it('a symlinked token file is refused: token printed, one warning, the link and its target untouched', async () => {
    const { cacheDir, tokenFile } = await warmFiles();
    const target = path.join(makeTempDir(), 'elsewhere.json');
    fs.writeFileSync(target, JSON.stringify({ v: 1, id: path.basename(tokenFile, '.json'), token: 'planted-token', expiresOn: Date.now() + 86400_000 }), { mode: 0o600 });
    fs.rmSync(tokenFile);
    fs.symlinkSync(target, tokenFile);
    const before = fs.readFileSync(target, 'utf8');
    emu.reset();
    const r = await getToken(cacheDir);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(JSON.parse(r.stdout).status.token, 'planted-token');
    assert.equal(emu.count({ endpoint: 'token' }) <= 1, true);
    assert.deepEqual(warnings(r), [`warning: not using the token cache: ${tokenFile} is a symbolic link`]);
    assert.ok(fs.lstatSync(tokenFile).isSymbolicLink());
    assert.equal(fs.readFileSync(target, 'utf8'), before);
  });

  it('another user\'s token file is refused: token printed, one warning, file untouched', { skip: !isRoot && 'needs root to chown' }, async () => {
    const { cacheDir, tokenFile } = await warmFiles();
    fs.writeFileSync(tokenFile, JSON.stringify({ v: 1, id: path.basename(tokenFile, '.json'), token: 'their-token', expiresOn: Date.now() + 86400_000 }), { mode: 0o600 });
    fs.chownSync(tokenFile, 12345, 12345);
    const r = await getToken(cacheDir);
    assert.equal(r.code, 0, r.stderr);
    assert.notEqual(JSON.parse(r.stdout).status.token, 'their-token');
    assert.equal(warnings(r).length, 1, r.stderr);
    assert.match(warnings(r)[0], /not using the token cache: .* is owned by another user \(uid 12345\)/);
    assert.equal(fs.statSync(tokenFile).uid, 12345);
    assert.match(fs.readFileSync(tokenFile, 'utf8'), /their-token/);
  });

  /** Runs get-token with the cache folder on a private tmpfs mount prepared by `setup` (shell). */
  function onPrivateMount(cacheDir: string, setup: string): Promise<RunResult> {
    fs.mkdirSync(cacheDir, { recursive: true });
    const script = `mount -t tmpfs -o size=64k,mode=0700 tmpfs "$0" && ${setup} && exec "$@"`;
    const child = spawn('unshare', ['-m', 'sh', '-c', script, cacheDir, process.execPath, kubeloginBin, ...args(cacheDir)], { env: cleanEnv(emulatorEnv(emu)) });
    return collect(child);
  }

  it('a read-only cache folder: token printed, exit 0, exactly one warning', { skip: NO_UNSHARE }, async () => {
    const r = await onPrivateMount(path.join(makeTempDir(), 'cache'), 'mount -o remount,ro "$0"');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).status.token);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(warnings(r)[0], /could not save the (MSAL|token) cache in .*: .*read-only file system.*; continuing without caching/i);
  });

  it('a full disk: token printed, exit 0, exactly one warning', { skip: NO_UNSHARE }, async () => {
    const r = await onPrivateMount(path.join(makeTempDir(), 'cache'), 'mkdir -m 700 "$0/tokens" "$0/msal" "$0/locks" && : > "$0/.kubelogin-cache" && (dd if=/dev/zero of="$0/filler" bs=4k 2>/dev/null || true)');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).status.token);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    assert.match(warnings(r)[0], /could not save the (MSAL|token) cache in .*no space left on device.*; continuing without caching/i);
  });
});
