// The plain-JS SHA-256 behind the cache key must equal node:crypto's, or every cached token would
// be orphaned when the implementation changes.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { sha256Hex } from '../../../src/cache/sha256';

const ref = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

it('matches the FIPS 180-2 test vectors', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

it('matches node:crypto for every length across block boundaries and for non-ASCII text', () => {
  for (let n = 0; n < 300; n++) {
    const s = randomBytes(n).toString('latin1');
    assert.equal(sha256Hex(s), ref(s), `length ${n}`);
  }
  for (const s of ['ünïcødé', '日本語のテキスト', '🔑'.repeat(40)]) assert.equal(sha256Hex(s), ref(s));
});
