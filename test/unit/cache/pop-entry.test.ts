// The PoP entry: sealed with the keyring's key or plain, opened by readPopEntry (the light and full
// paths) and, when plain, by plainPopEntry (bin/kubelogin's fast hit), which must agree with it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { plainPopEntry, popFilePath, readPopEntry, sealPopEntry, type PopEntry } from '../../../src/cache/pop-entry';
import { newPopKey, popKid, type RsaPrivateJwk } from '../../../src/login/pop-token';
import { makeTempDir } from '../../helpers/tmp';

const KEY = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);

describe('the PoP entry', () => {
  let jwk: RsaPrivateJwk;
  let entry: PopEntry;
  before(async () => {
    jwk = await newPopKey();
    entry = { v: 1, token: 'pop-access-token', expiresOn: Date.now() + 3600_000, key: jwk, kid: popKid(jwk) };
  });
  const write = (text: string) => {
    const file = popFilePath(makeTempDir(), KEY);
    fs.mkdirSync(path.dirname(file), { mode: 0o700 });
    fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  const noKey = () => Promise.resolve(undefined);

  it('plain: both readers open it to the same entry', async () => {
    const text = sealPopEntry(entry, KEY, undefined);
    const read = await readPopEntry(write(text), KEY, noKey);
    assert.equal(read.kind, 'ok');
    const plain = plainPopEntry(text, KEY);
    assert.ok(plain);
    assert.deepEqual(plain, read.kind === 'ok' ? read.entry : undefined);
    assert.equal(plain.token, 'pop-access-token');
    assert.deepEqual(plain.key, jwk);
  });

  it('sealed: readPopEntry opens it with the keyring\'s key; the fast hit leaves it alone', async () => {
    const k = randomBytes(32);
    const text = sealPopEntry(entry, KEY, k);
    assert.doesNotMatch(text, /pop-access-token|"d"/);
    assert.equal(plainPopEntry(text, KEY), undefined);
    const read = await readPopEntry(write(text), KEY, () => Promise.resolve(k));
    assert.equal(read.kind === 'ok' && read.entry.token, 'pop-access-token');
    assert.equal((await readPopEntry(write(text), KEY, noKey)).kind, 'locked');
    const wrong = await readPopEntry(write(text), KEY, () => Promise.resolve(randomBytes(32)));
    assert.match(wrong.kind === 'bad' ? wrong.why : '', /the keyring key changed/);
  });

  it('another identity\'s entry is no entry for this one', async () => {
    const text = sealPopEntry(entry, OTHER, undefined);
    assert.equal(plainPopEntry(text, KEY), undefined);
    const read = await readPopEntry(write(text), KEY, noKey);
    assert.match(read.kind === 'bad' ? read.why : '', /belongs to another identity/);
  });

  const damaged: Array<[string, (text: string) => string]> = [
    ['torn', (t) => t.slice(0, t.length / 2)],
    ['not an envelope', () => JSON.stringify({ v: 1, token: 'x' })],
    ['without the private key', (t) => {
      const env = JSON.parse(t);
      const inner = JSON.parse(env.data);
      delete inner.key.d;
      return JSON.stringify({ ...env, data: JSON.stringify(inner) });
    }],
  ];
  for (const [name, spoil] of damaged) {
    it(`an entry ${name} is no entry, and readPopEntry says why`, async () => {
      const text = spoil(sealPopEntry(entry, KEY, undefined));
      assert.equal(plainPopEntry(text, KEY), undefined);
      const read = await readPopEntry(write(text), KEY, noKey);
      assert.equal(read.kind, 'bad');
    });
  }
});
