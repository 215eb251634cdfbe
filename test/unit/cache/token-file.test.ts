// The access-token file as the hit path reads it: a table of contents that are a miss, and the file
// properties (mode, owner, symlink) that make even a valid token a miss.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isFresh, parseTokenFile, readTokenFile, REFRESH_AHEAD_MS, tokenFilePath } from '../../../src/cache/token-file';
import { makeTempDir } from '../../helpers/tmp';

const GOOD = { v: 1, token: 'eyJ.a.b', expiresOn: 1_900_000_000_000 };

describe('parseTokenFile', () => {
  const misses: Array<[string, string]> = [
    ['empty', ''],
    ['truncated', JSON.stringify(GOOD).slice(0, 20)],
    ['NUL bytes', '\0'.repeat(64)],
    ['JSON null', 'null'],
    ['an array', '[1,2]'],
    ['unknown version', JSON.stringify({ ...GOOD, v: 2 })],
    ['no token', JSON.stringify({ v: 1, expiresOn: GOOD.expiresOn })],
    ['empty token', JSON.stringify({ ...GOOD, token: '' })],
    ['token not a string', JSON.stringify({ ...GOOD, token: 42 })],
    ['expiry as a string', JSON.stringify({ ...GOOD, expiresOn: '2030-01-01' })],
  ];
  for (const [name, text] of misses) it(`${name} → miss`, () => assert.equal(parseTokenFile(text), undefined));

  it('a valid file → the entry, without extra fields', () => {
    assert.deepEqual(parseTokenFile(JSON.stringify({ ...GOOD, extra: 'x' })), GOOD);
  });
});

describe('readTokenFile', () => {
  function write(mode = 0o600): string {
    const file = tokenFilePath(makeTempDir(), 'k');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(GOOD));
    fs.chmodSync(file, mode);
    return file;
  }

  it('reads a 0600 file', () => assert.deepEqual(readTokenFile(write()), GOOD));
  it('a file readable by others is a miss (the full path tightens it first)', () => assert.equal(readTokenFile(write(0o644)), undefined));
  it('a symlink is a miss', () => {
    const file = write();
    const link = path.join(path.dirname(file), 'link.json');
    fs.symlinkSync(file, link);
    assert.equal(readTokenFile(link), undefined);
  });
  it('another user\'s file is a miss', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, () => {
    const file = write();
    fs.chownSync(file, 12345, 12345);
    assert.equal(readTokenFile(file), undefined);
  });
  it('a missing file is a miss', () => assert.equal(readTokenFile('/nonexistent/x.json'), undefined));
});

describe('isFresh', () => {
  const now = 1_000_000_000_000;
  const cases: Array<[string, number, boolean]> = [
    ['an hour left', now + 3600_000, true],
    ['just over the refresh margin', now + REFRESH_AHEAD_MS + 1000, true],
    ['inside the refresh margin', now + REFRESH_AHEAD_MS - 1000, false],
    ['expired', now - 1, false],
  ];
  for (const [name, expiresOn, want] of cases) it(name, () => assert.equal(isFresh({ v: 1, token: 't', expiresOn }, now), want));
});
