// Which cache folder kubelogin may use and tighten (src/cache/folder.ts): a table of folders → verdict
// and mode afterwards, the hit path's quick check, and remove-cache-dir deleting only kubelogin's files.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cacheFolderReady, MARKER, prepareCacheFolder, removeCacheFolder } from '../../../src/cache/folder';
import { makeTempDir } from '../../helpers/tmp';

const mode = (p: string) => fs.lstatSync(p).mode & 0o7777;
const isRoot = process.getuid?.() === 0;

interface Case {
  name: string;
  /** Makes the folder under `base`; returns the --cache-dir path. */
  make: (base: string) => string;
  env?: (base: string) => Record<string, string>;
  ok: boolean;
  reason?: RegExp;
  /** The folder's mode afterwards (where there is one). */
  modeAfter?: number;
  skip?: string | false;
}

const dir = (p: string, m: number, files: string[] = []) => {
  fs.mkdirSync(p, { recursive: true });
  for (const f of files) fs.writeFileSync(path.join(p, f), f === MARKER ? 'created\n' : 'x');
  fs.chmodSync(p, m);
  return p;
};

const cases: Case[] = [
  { name: 'absent: created 0700 with the marker', make: (b) => path.join(b, 'a', 'cache'), ok: true, modeAfter: 0o700 },
  { name: 'created by kubelogin, loosened to 0755: tightened', make: (b) => dir(path.join(b, 'c'), 0o755, [MARKER]), ok: true, modeAfter: 0o700 },
  { name: 'created by kubelogin, loosened to 1777: tightened', make: (b) => dir(path.join(b, 'c'), 0o1777, [MARKER]), ok: true, modeAfter: 0o700 },
  { name: 'the default path, 0755 with upstream kubelogin\'s auth.json: tightened', make: (b) => dir(path.join(b, '.kube', 'cache', 'kubelogin'), 0o755, ['auth.json']), env: (b) => ({ HOME: b }), ok: true, modeAfter: 0o700 },
  { name: 'empty, 0750, the user\'s: adopted, not chmod-ed', make: (b) => dir(path.join(b, 'e'), 0o750), ok: true, modeAfter: 0o750 },
  { name: 'the user\'s own files, 0755: adopted, not chmod-ed', make: (b) => dir(path.join(b, 'p'), 0o755, ['notes.txt']), ok: true, modeAfter: 0o755 },
  { name: 'empty but 1777: refused, sticky bit kept', make: (b) => dir(path.join(b, 's'), 0o1777), ok: false, reason: /is writable by other users \(mode 1777\)/, modeAfter: 0o1777 },
  { name: 'empty but group-writable: refused', make: (b) => dir(path.join(b, 'g'), 0o770), ok: false, reason: /is writable by other users \(mode 770\)/, modeAfter: 0o770 },
  { name: 'a symlink to a folder kubelogin created: refused (never followed)', make: (b) => { dir(path.join(b, 'real'), 0o755, [MARKER]); fs.symlinkSync(path.join(b, 'real'), path.join(b, 'link')); return path.join(b, 'link'); }, ok: false, reason: /is a symbolic link/ },
  { name: 'a regular file: refused', make: (b) => { fs.writeFileSync(path.join(b, 'f'), 'x'); return path.join(b, 'f'); }, ok: false, reason: /is not a directory/ },
  { name: 'another user\'s, with a marker: refused', make: (b) => { const d = dir(path.join(b, 't'), 0o755, [MARKER]); fs.chownSync(d, 12345, 12345); return d; }, ok: false, reason: /is owned by another user \(uid 12345\)/, modeAfter: 0o755, skip: !isRoot && 'needs root to chown' },
];

describe('prepareCacheFolder', () => {
  for (const c of cases) {
    it(c.name, { skip: c.skip }, () => {
      const base = makeTempDir();
      const target = c.make(base);
      const markedBefore = fs.existsSync(path.join(target, MARKER));
      const verdict = prepareCacheFolder(target, c.env?.(base) ?? { HOME: makeTempDir() });
      assert.equal(verdict.ok, c.ok, JSON.stringify(verdict));
      if (!verdict.ok) assert.match(verdict.reason, c.reason!);
      if (c.modeAfter !== undefined) assert.equal(mode(target).toString(8), c.modeAfter.toString(8));
      if (c.ok) assert.ok(fs.lstatSync(path.join(target, MARKER)).isFile() && cacheFolderReady(target, {}));
      else if (!fs.lstatSync(target).isSymbolicLink() && fs.lstatSync(target).isDirectory()) assert.equal(fs.existsSync(path.join(target, MARKER)), markedBefore, 'nothing written');
    });
  }

  it('an adopted folder is never tightened later', () => {
    const d = dir(path.join(makeTempDir(), 'e'), 0o750);
    assert.ok(prepareCacheFolder(d, {}).ok);
    assert.ok(prepareCacheFolder(d, {}).ok);
    assert.equal(mode(d), 0o750);
  });
});

describe('cacheFolderReady (the hit path)', () => {
  it('needs the marker, a real folder of ours, and no write access for others', () => {
    const d = dir(path.join(makeTempDir(), 'c'), 0o700, [MARKER]);
    assert.equal(cacheFolderReady(d, {}), true);
    fs.chmodSync(d, 0o777);
    assert.equal(cacheFolderReady(d, {}), false);
    fs.chmodSync(d, 0o700);
    fs.rmSync(path.join(d, MARKER));
    assert.equal(cacheFolderReady(d, {}), false);
    assert.equal(cacheFolderReady(path.join(d, 'absent'), {}), false);
  });
});

describe('removeCacheFolder', () => {
  it('removes kubelogin\'s subfolders\' files and the marker; keeps everything else, and so the folder', () => {
    const d = dir(path.join(makeTempDir(), 'c'), 0o700, [MARKER, 'notes.txt']);
    for (const sub of ['tokens', 'msal', 'locks']) dir(path.join(d, sub), 0o700, ['a.json', 'b.tmp']);
    fs.mkdirSync(path.join(d, 'tokens', 'nested'));
    assert.equal(removeCacheFolder(d), false);
    assert.deepEqual((fs.readdirSync(d, { recursive: true }) as string[]).sort(), ['notes.txt', 'tokens', path.join('tokens', 'nested')]);
  });

  it('a folder of only kubelogin\'s files goes entirely; an absent one is fine', () => {
    const d = dir(path.join(makeTempDir(), 'c'), 0o700, [MARKER]);
    dir(path.join(d, 'tokens'), 0o700, ['a.json']);
    assert.equal(removeCacheFolder(d), true);
    assert.equal(fs.existsSync(d), false);
    assert.equal(removeCacheFolder(d), true);
  });

  it('a symlinked subfolder is not followed: its target\'s files stay', () => {
    const base = makeTempDir();
    const elsewhere = dir(path.join(base, 'elsewhere'), 0o755, ['precious']);
    const d = dir(path.join(base, 'c'), 0o700, [MARKER]);
    fs.symlinkSync(elsewhere, path.join(d, 'tokens'));
    assert.equal(removeCacheFolder(d), false);
    assert.deepEqual(fs.readdirSync(elsewhere), ['precious']);
    assert.ok(fs.lstatSync(path.join(d, 'tokens')).isSymbolicLink());
  });

  it('refuses a symlink as the folder', () => {
    const base = makeTempDir();
    const real = dir(path.join(base, 'real'), 0o700, [MARKER]);
    fs.symlinkSync(real, path.join(base, 'link'));
    assert.throws(() => removeCacheFolder(path.join(base, 'link')), /is a symbolic link/);
    assert.ok(fs.existsSync(path.join(real, MARKER)));
  });
});
