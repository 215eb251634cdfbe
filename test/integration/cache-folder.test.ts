// Which cache folder get-token may use and change, and what remove-cache-dir deletes (issue 10 point
// 3), through bin/kubelogin --login spn: a folder kubelogin did not make is never chmod-ed; a
// symlinked, foreign or shared one means no file cache for the run (one warning, token still printed,
// nothing written); remove-cache-dir deletes only kubelogin's own files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { execCredentialOf, oneErrorLine } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { runKubelogin, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://folder-cluster';
const TENANT = 'tenant-folder';
const APP = { clientId: 'app-folder', secret: 'secret-folder-0123456789' };
const isRoot = process.getuid?.() === 0;
const MARKER = '.kubelogin-cache';

const mode = (p: string) => fs.lstatSync(p).mode & 0o7777;
/** Every path under `dir` with its mode: what "left untouched" means. */
function snapshot(dir: string): Record<string, number> {
  const out: Record<string, number> = { '.': mode(dir) };
  for (const sub of fs.readdirSync(dir, { recursive: true }) as string[]) out[sub] = mode(path.join(dir, sub));
  return out;
}
const warnings = (r: RunResult) => r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
const REMEDY = 'point --cache-dir (or KUBECACHEDIR) at a new path for kubelogin to create, or at a folder of your own that others cannot write';

describe('the cache folder', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ ...APP, tenantId: TENANT });
  });
  after(() => emu.close());

  const getToken = (cacheDir: string, env: Record<string, string> = {}) =>
    runKubelogin(['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP.clientId, '--tenant-id', TENANT,
      '--client-secret', APP.secret, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir], { env: { ...emulatorEnv(emu), ...env } });

  /** A user's folder with their own things in it (not made by kubelogin). */
  function victimFolder(folderMode: number): string {
    const dir = path.join(makeTempDir(), 'projects');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    fs.mkdirSync(path.join(dir, 'src'));
    fs.chmodSync(dir, folderMode);
    return dir;
  }

  /** Two runs: both print a token, each says once why there is no cache, both ask Entra ID, nothing under `watched` changes. */
  async function assertUncached(cacheDir: string, watched: string, reason: RegExp) {
    const before = snapshot(watched);
    emu.reset();
    for (let i = 0; i < 2; i++) {
      const r = await getToken(cacheDir);
      execCredentialOf(r);
      assert.equal(warnings(r).length, 1, r.stderr);
      assert.ok(warnings(r)[0].startsWith('warning: not using the token cache: ') && warnings(r)[0].endsWith(`; ${REMEDY}`), warnings(r)[0]);
      assert.match(warnings(r)[0], reason);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    }
    assert.equal(emu.count({ endpoint: 'token' }), 2, 'no run was served from a file cache');
    assert.deepEqual(snapshot(watched), before, 'nothing chmod-ed, created or removed');
  }

  it('--cache-dir a symlink to someone\'s 0755 folder: not followed, not re-moded, nothing written', async () => {
    const victim = victimFolder(0o755);
    const link = path.join(makeTempDir(), 'cache-link');
    fs.symlinkSync(victim, link);
    await assertUncached(link, victim, new RegExp(`${link} is a symbolic link`));
  });

  for (const m of [0o1777, 0o777, 0o775]) {
    it(`a folder others can write (mode ${m.toString(8)}) that kubelogin did not make: left as it is, never chmod-ed`, async () => {
      const shared = path.join(makeTempDir(), 'shared');
      fs.mkdirSync(shared);
      fs.chmodSync(shared, m);
      await assertUncached(shared, shared, new RegExp(`${shared} is writable by other users \\(mode ${m.toString(8)}\\)`));
    });
  }

  it('a 0755 folder of the user\'s own files: used as it is (cached), never chmod-ed, their files untouched', async () => {
    const mine = victimFolder(0o755);
    emu.reset();
    const first = await getToken(mine);
    const second = await getToken(mine);
    assert.equal(execCredentialOf(second).status.token, execCredentialOf(first).status.token);
    assert.equal(first.stderr + second.stderr, '');
    assert.equal(emu.count({ endpoint: 'token' }), 1);
    assert.equal(mode(mine), 0o755);
    assert.equal(fs.readFileSync(path.join(mine, 'notes.txt'), 'utf8'), 'mine');
    assert.equal(fs.readFileSync(path.join(mine, MARKER), 'utf8').split('\n')[0], 'adopted');
  });

  it('a folder owned by another user: not written, and never served from', { skip: !isRoot && 'needs root to chown' }, async () => {
    const theirs = path.join(makeTempDir(), 'theirs');
    fs.mkdirSync(theirs, { mode: 0o755 });
    fs.chownSync(theirs, 12345, 12345);
    await assertUncached(theirs, theirs, new RegExp(`${theirs} is owned by another user \\(uid 12345\\)`));
  });

  it('a folder kubelogin creates gets the marker and 0700; an empty folder of the user\'s is adopted without a chmod', async () => {
    const created = path.join(makeTempDir(), 'new', 'cache');
    execCredentialOf(await getToken(created));
    assert.equal(mode(created), 0o700);
    assert.ok(fs.lstatSync(path.join(created, MARKER)).isFile());

    const empty = makeTempDir();
    fs.chmodSync(empty, 0o750);
    emu.reset();
    const first = await getToken(empty);
    const second = await getToken(empty);
    assert.equal(execCredentialOf(second).status.token, execCredentialOf(first).status.token);
    assert.equal(emu.count({ endpoint: 'token' }), 1, 'the second run is a cache hit');
    assert.equal(mode(empty), 0o750, 'not chmod-ed');
    assert.equal(first.stderr + second.stderr, '');
  });

  it('a folder kubelogin made, later loosened, is tightened back; the default folder is tightened too', async () => {
    const made = path.join(makeTempDir(), 'cache');
    execCredentialOf(await getToken(made));
    fs.chmodSync(made, 0o777);
    const r = await getToken(made);
    execCredentialOf(r);
    assert.equal(mode(made), 0o700);
    assert.equal(r.stderr, '');

    const home = makeTempDir();
    const defaultDir = path.join(home, '.kube', 'cache', 'kubelogin');
    fs.mkdirSync(defaultDir, { recursive: true, mode: 0o777 });
    fs.chmodSync(defaultDir, 0o777);
    fs.writeFileSync(path.join(defaultDir, 'auth.json'), '{}');
    const d = await runKubelogin(['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP.clientId, '--tenant-id', TENANT,
      '--client-secret', APP.secret, '--authority-host', emu.authorityHost], { env: { ...emulatorEnv(emu), HOME: home } });
    execCredentialOf(d);
    assert.equal(d.stderr, '');
    assert.equal(mode(defaultDir), 0o700);
    assert.ok(fs.existsSync(path.join(defaultDir, 'tokens')));
  });

  it('a symlink higher up the path (~/.kube on another disk) is fine: only the cache folder itself must not be a link', async () => {
    const base = makeTempDir();
    fs.mkdirSync(path.join(base, 'disk'));
    fs.symlinkSync(path.join(base, 'disk'), path.join(base, 'kube'));
    const cacheDir = path.join(base, 'kube', 'cache');
    emu.reset();
    execCredentialOf(await getToken(cacheDir));
    execCredentialOf(await getToken(cacheDir));
    assert.equal(emu.count({ endpoint: 'token' }), 1);
    assert.ok(fs.existsSync(path.join(base, 'disk', 'cache', 'tokens')));
  });

  describe('remove-cache-dir', () => {
    it('deletes only what kubelogin wrote; the user\'s files (and so the folder) stay, with one line saying so', async () => {
      const cacheDir = path.join(makeTempDir(), 'cache');
      execCredentialOf(await getToken(cacheDir));
      fs.writeFileSync(path.join(cacheDir, 'notes.txt'), 'mine');
      fs.mkdirSync(path.join(cacheDir, 'kept'));
      fs.writeFileSync(path.join(cacheDir, 'kept', 'a.json'), '{}');
      const r = await runKubelogin(['remove-cache-dir', '--cache-dir', cacheDir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`^removed kubelogin's token cache from ${cacheDir}.*; kept the folder, which holds files kubelogin did not write\\n$`));
      assert.deepEqual(fs.readdirSync(cacheDir, { recursive: true }).sort(), ['kept', path.join('kept', 'a.json'), 'notes.txt']);
    });

    it('a folder holding only kubelogin\'s files is removed whole, quietly', async () => {
      const cacheDir = path.join(makeTempDir(), 'cache');
      execCredentialOf(await getToken(cacheDir));
      const r = await runKubelogin(['remove-tokens', '--token-cache-dir', cacheDir]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.existsSync(cacheDir), false);
    });

    it('a symlink as --cache-dir: one-line error, the link and its target untouched', async () => {
      const victim = victimFolder(0o755);
      fs.mkdirSync(path.join(victim, 'tokens'));
      fs.writeFileSync(path.join(victim, 'tokens', 'their.json'), 'x');
      const link = path.join(makeTempDir(), 'cache-link');
      fs.symlinkSync(victim, link);
      const before = snapshot(victim);
      const r = await runKubelogin(['remove-cache-dir', '--cache-dir', link]);
      assert.match(oneErrorLine(r), new RegExp(`^Error: unable to delete authentication record cache in "${link}": ${link} is a symbolic link; kubelogin does not follow it`));
      assert.deepEqual(snapshot(victim), before);
      assert.ok(fs.lstatSync(link).isSymbolicLink());
    });
  });
});
