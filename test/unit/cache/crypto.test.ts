// The MSAL cache envelope: round trips, and every way a sealed file must fail to open.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyId, openSealed, parseEnvelope, seal, type Envelope } from '../../../src/cache/crypto';

const KEY = randomBytes(32);
const AAD = 'kubelogin-msal-cache:abc';
const PLAIN = JSON.stringify({ RefreshToken: { x: { secret: 'rt-secret-value' } } });

function sealed(): Extract<Envelope, { alg: 'A256GCM' }> {
  const env = parseEnvelope(seal(PLAIN, KEY, AAD));
  assert.ok(env && env.alg === 'A256GCM');
  return env;
}

describe('seal / openSealed', () => {
  it('round-trips with the key, and the file does not contain the plaintext', () => {
    const text = seal(PLAIN, KEY, AAD);
    assert.ok(!text.includes('rt-secret-value'));
    assert.equal(openSealed(sealed(), KEY, AAD), PLAIN);
    assert.equal(sealed().kid, keyId(KEY));
  });

  it('uses a fresh IV each time', () => assert.notEqual(sealed().iv, sealed().iv));

  it('without a key writes a plain envelope', () => {
    assert.deepEqual(parseEnvelope(seal(PLAIN, undefined, AAD)), { v: 1, alg: 'none', data: PLAIN });
  });

  const failures: Array<[string, () => void]> = [
    ['another key (the keyring key changed)', () => openSealed(sealed(), randomBytes(32), AAD)],
    ['another identity (file copied to another key)', () => openSealed(sealed(), KEY, 'kubelogin-msal-cache:other')],
    ['a flipped ciphertext byte', () => {
      const env = sealed();
      const data = Buffer.from(env.data, 'base64');
      data[0] ^= 1;
      openSealed({ ...env, data: data.toString('base64') }, KEY, AAD);
    }],
    ['a short tag', () => openSealed({ ...sealed(), tag: 'AAAA' }, KEY, AAD)],
  ];
  for (const [name, fn] of failures) it(`fails for ${name}`, () => assert.throws(fn));
});

describe('parseEnvelope', () => {
  const bad: Array<[string, string]> = [
    ['empty', ''],
    ['truncated', seal(PLAIN, KEY, AAD).slice(0, 30)],
    ['NUL bytes', '\0\0\0\0'],
    ['unknown version', JSON.stringify({ v: 2, alg: 'none', data: '{}' })],
    ['unknown algorithm', JSON.stringify({ v: 1, alg: 'ROT13', data: '{}' })],
    ['encrypted without iv', JSON.stringify({ v: 1, alg: 'A256GCM', kid: 'k', tag: 't', data: 'd' })],
    ['a bare MSAL cache (no envelope)', JSON.stringify({ Account: {} })],
  ];
  for (const [name, text] of bad) it(`${name} → undefined`, () => assert.equal(parseEnvelope(text), undefined));
});
