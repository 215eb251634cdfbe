// readBounded: the one file reader. What it reads, what it refuses and why, without ever blocking or
// reading past its bound.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readBounded, readBoundedText, UnreadableFileError } from '../../../src/platform/read-bounded';
import { makeTempDir } from '../../helpers/tmp';

function refusal(fn: () => unknown): UnreadableFileError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UnreadableFileError, String(err));
    return err;
  }
  assert.fail('expected a refusal');
}

describe('readBounded', () => {
  it('reads a regular file whole, up to exactly the bound', () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'x'.repeat(100));
    assert.equal(readBounded(file, 100).length, 100);
    assert.equal(readBoundedText(file, 1000), 'x'.repeat(100));
  });

  it('reads a file that reports size 0 but has content (/proc), to EOF', () => {
    assert.match(readBoundedText('/proc/self/status', 1024 * 1024), /^Name:/);
  });

  it('refuses /proc content beyond the bound although its size says 0', () => {
    assert.equal(refusal(() => readBounded('/proc/self/status', 16)).code, 'EFBIG');
  });

  const refused: Array<[string, (dir: string) => string, string, RegExp, { noFollow?: boolean }?]> = [
    ['/dev/zero', () => '/dev/zero', 'ENOTREG', /^\/dev\/zero is not a regular file \(a character device\)$/],
    ['/dev/null', () => '/dev/null', 'ENOTREG', /is not a regular file \(a character device\)/],
    ['a FIFO with no writer', (d) => (execFileSync('mkfifo', [path.join(d, 'p')]), path.join(d, 'p')), 'ENOTREG', /p is not a regular file \(a FIFO\)$/],
    ['a folder', (d) => d, 'EISDIR', /is not a regular file \(a directory\)/],
    ['a file over the bound', (d) => (fs.writeFileSync(path.join(d, 'f'), 'x'.repeat(101)), path.join(d, 'f')), 'EFBIG', /f is larger than 100 bytes$/],
    ['a sparse 5 GiB file', (d) => (fs.writeFileSync(path.join(d, 'f'), ''), fs.truncateSync(path.join(d, 'f'), 5 * 1024 ** 3), path.join(d, 'f')), 'EFBIG', /larger than 100 bytes/],
    ['a missing file', (d) => path.join(d, 'none'), 'ENOENT', /none: no such file$/],
    ['a symlink, when told not to follow', (d) => (fs.writeFileSync(path.join(d, 't'), 'x'), fs.symlinkSync(path.join(d, 't'), path.join(d, 'l')), path.join(d, 'l')), 'ELOOP', /l is a symbolic link$/, { noFollow: true }],
    ['a symlink to /dev/zero', (d) => (fs.symlinkSync('/dev/zero', path.join(d, 'l')), path.join(d, 'l')), 'ENOTREG', /a character device/],
  ];
  for (const [name, make, code, message, opts] of refused) {
    it(`refuses ${name}`, () => {
      const err = refusal(() => readBounded(make(makeTempDir()), 100, opts));
      assert.equal(err.code, code);
      assert.match(err.message, message);
    });
  }

  it('refuses a Unix socket (open() says ENXIO)', async () => {
    const file = path.join(makeTempDir(), 's');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(file, resolve));
    try {
      const err = refusal(() => readBounded(file, 100));
      assert.equal(err.code, 'ENXIO');
      assert.match(err.message, /s is not a regular file \(a socket/);
    } finally {
      server.close();
    }
  });

  it('lets the caller refuse after fstat (owner or mode checks), before reading', () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, 'x');
    assert.throws(() => readBounded(file, 100, { inspect: (st) => { if (st.size === 1) throw new Error('no thanks'); } }), /no thanks/);
  });

  it('strict text refuses bytes that are not UTF-8; lenient text does not', () => {
    const file = path.join(makeTempDir(), 'f');
    fs.writeFileSync(file, Buffer.from('name: café\n', 'latin1'));
    assert.equal(refusal(() => readBoundedText(file, 100, { strict: true })).code, 'EILSEQ');
    assert.equal(readBoundedText(file, 100), 'name: caf\uFFFD\n');
    fs.writeFileSync(file, 'name: café\n');
    assert.equal(readBoundedText(file, 100, { strict: true }), 'name: café\n');
  });
});
