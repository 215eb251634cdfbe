// The access-token file as the hit path reads it: a table of contents that are a miss, and the file
// properties (mode, owner, symlink) that make even a valid token a miss.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { expiryProblem, isFresh, MAX_TOKEN_LIFETIME_MS, parseTokenFile, readTokenFile, REFRESH_AHEAD_MS, tokenFilePath } from '../../../src/cache/token-file';
import { makeTempDir } from '../../helpers/tmp';

const KEY = 'k'.repeat(40);
const GOOD = { v: 1, id: KEY, token: 'eyJ.a.b', expiresOn: 1_900_000_000_000 };

describe('parseTokenFile', () => {
  const misses: Array<[string, string]> = [
    ['empty', ''],
    ['truncated', JSON.stringify(GOOD).slice(0, 20)],
    ['NUL bytes', '\0'.repeat(64)],
    ['JSON null', 'null'],
    ['an array', '[1,2]'],
    ['unknown version', JSON.stringify({ ...GOOD, v: 2 })],
    ['no token', JSON.stringify({ v: 1, id: KEY, expiresOn: GOOD.expiresOn })],
    ['no key (written before entries named their identity)', JSON.stringify({ v: 1, token: 'eyJ.a.b', expiresOn: GOOD.expiresOn })],
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
  function write(mode = 0o600, entry: object = GOOD): string {
    const dir = makeTempDir();
    const file = tokenFilePath(dir, KEY);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(entry));
    fs.chmodSync(file, mode);
    return dir;
  }

  it('reads a 0600 file', () => assert.deepEqual(readTokenFile(write(), KEY), GOOD));
  it('a file readable by others is a miss (the full path tightens it first)', () => assert.equal(readTokenFile(write(0o644), KEY), undefined));
  it('a symlink is a miss', () => {
    const dir = write();
    const other = 'o'.repeat(40);
    fs.symlinkSync(tokenFilePath(dir, KEY), tokenFilePath(dir, other));
    assert.equal(readTokenFile(dir, other), undefined);
  });
  it('an entry written for another identity is a miss (a file copied under this key\'s name)', () => {
    const dir = write();
    const other = 'o'.repeat(40);
    fs.copyFileSync(tokenFilePath(dir, KEY), tokenFilePath(dir, other));
    assert.equal(readTokenFile(dir, other), undefined);
    assert.deepEqual(readTokenFile(dir, KEY), GOOD);
  });
  it('another user\'s file is a miss', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, () => {
    const dir = write();
    fs.chownSync(tokenFilePath(dir, KEY), 12345, 12345);
    assert.equal(readTokenFile(dir, KEY), undefined);
  });
  it('a missing file is a miss', () => assert.equal(readTokenFile('/nonexistent', KEY), undefined));
});

describe('isFresh', () => {
  const now = 1_000_000_000_000;
  const cases: Array<[string, number, boolean]> = [
    ['an hour left', now + 3600_000, true],
    ['just over the refresh margin', now + REFRESH_AHEAD_MS + 1000, true],
    ['inside the refresh margin', now + REFRESH_AHEAD_MS - 1000, false],
    ['expired', now - 1, false],
    ['a year and a day away: not a time anyone meant', now + MAX_TOKEN_LIFETIME_MS + 1, false],
    ['1e303 (az\'s expires_on 1e300, in ms)', 1e303, false],
  ];
  for (const [name, expiresOn, want] of cases) it(name, () => assert.equal(isFresh({ expiresOn }, now), want));
});

describe('expiryProblem', () => {
  const now = 1_000_000_000_000;
  const cases: Array<[string, number, string | undefined]> = [
    ['an hour left', now + 3600_000, undefined],
    ['a minute left (printed, though not worth serving from cache later)', now + 60_000, undefined],
    ['now', now, 'expired'],
    ['1969', -1000, 'expired'],
    ['NaN', NaN, 'invalid'],
    ['Infinity', Infinity, 'invalid'],
    ['1e303', 1e303, 'invalid'],
    ['beyond the longest lifetime', now + MAX_TOKEN_LIFETIME_MS + 1, 'invalid'],
  ];
  for (const [name, expiresOn, want] of cases) it(name, () => assert.equal(expiryProblem(expiresOn, now), want));
});
