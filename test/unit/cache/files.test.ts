// Private cache files (src/platform/files.ts): 0700/0600 whatever the umask, tightening, refusing
// symlinks and other users' files, whole-file writes, and age-based orphan cleanup.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { assertReplaceable, ensurePrivateDir, readPrivateFile, RefusedFileError, removeOrphans, writeFileAtomic } from '../../../src/platform/files';
import { makeTempDir } from '../../helpers/tmp';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const isRoot = process.getuid?.() === 0;

function withUmask<T>(mask: number, fn: () => T): T {
  const old = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(old);
  }
}

describe('writeFileAtomic', () => {
  it('creates a 0700 subfolder and a 0600 file even under umask 000', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'tokens', 'f.json');
    withUmask(0, () => writeFileAtomic(file, 'hello'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'hello');
    assert.equal(mode(file), 0o600);
    assert.equal(mode(path.dirname(file)), 0o700);
  });

  it('never creates the cache folder itself (src/cache/folder.ts decides on that)', () => {
    const dir = path.join(makeTempDir(), 'cache');
    assert.throws(() => writeFileAtomic(path.join(dir, 'tokens', 'f.json'), 'x'), /ENOENT/);
    assert.equal(fs.existsSync(dir), false);
  });

  it('tightens an existing 0755 folder and replaces a 0644 file with a 0600 one, leaving no temp file', () => {
    const dir = makeTempDir();
    const sub = path.join(dir, 'tokens');
    fs.mkdirSync(sub, { mode: 0o755 });
    fs.chmodSync(sub, 0o755);
    const file = path.join(sub, 'f.json');
    fs.writeFileSync(file, 'old', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    writeFileAtomic(file, 'new');
    assert.equal(mode(sub), 0o700);
    assert.equal(mode(file), 0o600);
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(fs.readdirSync(sub), ['f.json']);
  });

  it('refuses to replace a symlink, and leaves its target alone', () => {
    const dir = makeTempDir();
    const target = path.join(dir, 'target');
    fs.writeFileSync(target, 'precious');
    const link = path.join(dir, 'f.json');
    fs.symlinkSync(target, link);
    assert.throws(() => writeFileAtomic(link, 'x'), RefusedFileError);
    assert.equal(fs.readFileSync(target, 'utf8'), 'precious');
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.deepEqual(fs.readdirSync(dir).sort(), ['f.json', 'target']);
  });

  it('refuses to replace another user\'s file', { skip: !isRoot && 'needs root to chown' }, () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'f.json');
    fs.writeFileSync(file, 'theirs', { mode: 0o600 });
    fs.chownSync(file, 12345, 12345);
    assert.throws(() => writeFileAtomic(file, 'x'), /owned by another user/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'theirs');
  });

  it('refuses a cache folder owned by another user', { skip: !isRoot && 'needs root to chown' }, () => {
    const dir = path.join(makeTempDir(), 'cache');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, 12345, 12345);
    assert.throws(() => ensurePrivateDir(dir), RefusedFileError);
  });

  it('refuses a symlinked subfolder and leaves its target alone', () => {
    const dir = makeTempDir();
    fs.mkdirSync(path.join(dir, 'real'), { mode: 0o755 });
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'tokens'));
    assert.throws(() => writeFileAtomic(path.join(dir, 'tokens', 'f.json'), 'x'), /is a symbolic link/);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'real')), []);
    assert.equal(mode(path.join(dir, 'real')), 0o755);
  });
});

describe('readPrivateFile', () => {
  it('reads a 0600 file', () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'data', { mode: 0o600 });
    const r = readPrivateFile(file, 100);
    assert.equal(r.kind, 'ok');
    assert.equal(r.kind === 'ok' && r.data.toString(), 'data');
  });

  it('tightens a 0644 file to 0600 while reading it', () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'data');
    fs.chmodSync(file, 0o644);
    assert.equal(readPrivateFile(file, 100).kind, 'ok');
    assert.equal(mode(file), 0o600);
  });

  const refused: Array<[string, (dir: string) => string, RegExp]> = [
    ['a symlink', (d) => (fs.writeFileSync(path.join(d, 't'), 'x'), fs.symlinkSync(path.join(d, 't'), path.join(d, 'f')), path.join(d, 'f')), /symbolic link/],
    ['a folder', (d) => (fs.mkdirSync(path.join(d, 'f')), path.join(d, 'f')), /not a regular file/],
    ['a file over the size limit', (d) => (fs.writeFileSync(path.join(d, 'f'), 'x'.repeat(101)), path.join(d, 'f')), /larger than 100 bytes/],
    ['a FIFO (would block a plain open)', (d) => (execFileSync('mkfifo', [path.join(d, 'f')]), path.join(d, 'f')), /not a regular file/],
  ];
  for (const [name, make, why] of refused) {
    it(`refuses ${name}`, () => {
      const r = readPrivateFile(make(makeTempDir()), 100);
      assert.equal(r.kind, 'refused');
      assert.match(r.kind === 'refused' ? r.reason : '', why);
    });
  }

  it('refuses another user\'s file', { skip: !isRoot && 'needs root to chown' }, () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'x', { mode: 0o600 });
    fs.chownSync(file, 12345, 12345);
    const r = readPrivateFile(file, 100);
    assert.equal(r.kind, 'refused');
  });

  it('reports an absent file as absent', () => {
    assert.equal(readPrivateFile(path.join(makeTempDir(), 'nope', 'f'), 100).kind, 'absent');
  });
});

describe('assertReplaceable', () => {
  it('accepts a missing or own regular file', () => {
    const dir = makeTempDir();
    assertReplaceable(path.join(dir, 'missing'));
    fs.writeFileSync(path.join(dir, 'mine'), '');
    assertReplaceable(path.join(dir, 'mine'));
  });
});

describe('removeOrphans', () => {
  it('removes *.tmp and *.stale files older than the age, keeps young ones and everything else', () => {
    const dir = makeTempDir();
    const old = new Date(Date.now() - 3600_000);
    for (const name of ['a.json.123.abcd.tmp', 'b.lock.ff.stale', 'c.json']) {
      fs.writeFileSync(path.join(dir, name), '');
      fs.utimesSync(path.join(dir, name), old, old);
    }
    fs.writeFileSync(path.join(dir, 'young.json.1.2.tmp'), '');
    assert.equal(removeOrphans(dir, 600_000, Date.now()), 2);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['c.json', 'young.json.1.2.tmp']);
  });

  it('ignores a missing folder', () => {
    assert.equal(removeOrphans(path.join(makeTempDir(), 'none'), 1, Date.now()), 0);
  });
});
