// readClientCertificate against real files made by openssl: every shape --client-certificate may point at.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, createVerify, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { readClientCertificate } from '../../../src/login/certificate';
import { certificateAssertion } from '../../../src/login/client-assertion';
import { makeClientCertificate, type ClientCertificate as TestCert } from '../../helpers/certs';
import { makeTempDir } from '../../helpers/tmp';

describe('readClientCertificate', () => {
  let dir: string;
  let rsa: TestCert;
  let withPassword: TestCert;
  let other: TestCert;
  let ec: TestCert;

  before(async () => {
    dir = makeTempDir('kubelogin-cert-unit-');
    [rsa, withPassword, other, ec] = await Promise.all([
      makeClientCertificate({ dir, name: 'rsa' }),
      makeClientCertificate({ dir, name: 'pw', password: 'p@ss word' }),
      makeClientCertificate({ dir, name: 'other' }),
      makeClientCertificate({ dir, name: 'ec', keyType: 'ec' }),
    ]);
  });

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  const good = [
    { name: 'PEM, PKCS#8 key', file: () => rsa.pemFile, password: '', cert: () => rsa },
    { name: 'PEM, key labelled RSA PRIVATE KEY (PKCS#1)', file: () => rsa.rsaKeyLabelPemFile, password: '', cert: () => rsa },
    { name: 'PFX without password', file: () => rsa.pfxFile, password: '', cert: () => rsa },
    { name: 'PFX with password', file: () => withPassword.pfxFile, password: 'p@ss word', cert: () => withPassword },
  ];
  for (const c of good) {
    it(`reads ${c.name}`, () => {
      const got = readClientCertificate(c.file(), c.password);
      const want = c.cert();
      assert.equal(got.thumbprintSha256, want.thumbprintSha256);
      assert.equal(got.thumbprintSha1, want.thumbprintSha1);
      assert.equal(new X509Certificate(got.chainPem).fingerprint256, new X509Certificate(want.certPem).fingerprint256);
      assert.match(got.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      const pub = createPublicKey(got.privateKeyPem).export({ type: 'spki', format: 'der' });
      assert.deepEqual(pub, new X509Certificate(want.certPem).publicKey.export({ type: 'spki', format: 'der' }));
    });
  }

  it('puts the certificate that matches the key first in the chain, whatever the file order', () => {
    const file = write('ca-first.pem', other.certPem + rsa.keyPem + rsa.certPem);
    const got = readClientCertificate(file, '');
    assert.equal(got.thumbprintSha256, rsa.thumbprintSha256);
    assert.equal(got.chainDer.length, 2);
    assert.equal(new X509Certificate(Buffer.from(got.chainDer[0], 'base64')).fingerprint256, new X509Certificate(rsa.certPem).fingerprint256);
    assert.equal(new X509Certificate(Buffer.from(got.chainDer[1], 'base64')).fingerprint256, new X509Certificate(other.certPem).fingerprint256);
    assert.equal((got.chainPem.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
  });

  it('reads a PFX in the older 3DES/SHA-1 format (as Windows exports them)', () => {
    const file = path.join(dir, 'des.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1',
      '-in', path.join(dir, 'rsa.crt'), '-inkey', path.join(dir, 'rsa.key'), '-out', file, '-passout', 'pass:des-pw']);
    assert.equal(readClientCertificate(file, 'des-pw').thumbprintSha256, rsa.thumbprintSha256);
  });

  it('reads an encrypted PKCS#8 key with the certificate password', () => {
    const encrypted = createPrivateKey(rsa.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw1' }) as string;
    const file = write('encrypted.pem', rsa.certPem + encrypted);
    assert.equal(readClientCertificate(file, 'pw1').thumbprintSha256, rsa.thumbprintSha256);
    assert.throws(() => readClientCertificate(file, 'wrong'), /failed to read certificate: failed to decrypt the private key.*--client-certificate-password/);
  });

  const bad: Array<{ name: string; file: () => string; password?: string; error: RegExp }> = [
    { name: 'a missing file', file: () => path.join(dir, 'nope.pem'), error: /^failed to read certificate: failed to read the certificate file \(.*nope\.pem\): ENOENT.*; check --client-certificate \(AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE/ },
    { name: 'a directory', file: () => dir, error: /failed to read the certificate file \(.*\): EISDIR/ },
    { name: 'a PEM without a key', file: () => write('cert-only.pem', rsa.certPem), error: /^failed to read certificate: failed to decode a pem block from private key; / },
    { name: 'a key whose certificate is missing', file: () => write('mismatch.pem', other.certPem + rsa.keyPem), error: /^failed to read certificate: unable to find a matching public certificate; / },
    { name: 'an EC key (PKCS#8)', file: () => ec.pemFile, error: /^failed to read certificate: pkcs8 contained non-RSA key\. Expected RSA key; .*\(this one is ec\)/ },
    { name: 'an EC key (SEC1 label)', file: () => ec.rsaKeyLabelPemFile, error: /pkcs8 contained non-RSA key\. Expected RSA key/ },
    { name: 'an EC key in a PFX', file: () => ec.pfxFile, error: /pkcs8 contained non-RSA key\. Expected RSA key/ },
    { name: 'a PFX with the wrong password', file: () => withPassword.pfxFile, password: 'wrong', error: /^failed to read certificate: pkcs12: decryption password incorrect; check --client-certificate-password/ },
    { name: 'a PEM file named .pfx', file: () => write('not-really.pfx', fs.readFileSync(rsa.pemFile, 'utf8')), error: /^failed to read certificate: failed to decode the PKCS#12 \(\.pfx\) file/ },
    { name: 'a garbled key block', file: () => write('garbled.pem', rsa.certPem + '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), error: /failed to parse private key as Pkcs#1 or Pkcs#8/ },
  ];
  for (const c of bad) {
    it(`rejects ${c.name} with upstream's wording and a remedy`, () => {
      assert.throws(() => readClientCertificate(c.file(), c.password ?? ''), (err: Error) => {
        assert.equal(err.name, 'ConfigError');
        assert.match(err.message, c.error);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      });
    });
  }

  it('keeps the PFX password out of its error', () => {
    assert.throws(() => readClientCertificate(withPassword.pfxFile, 'hunter2-secret'), (err: Error) => !err.message.includes('hunter2-secret'));
  });

  it('signs a v1 client assertion (RS256, x5t = SHA-1 thumbprint, x5c chain) that verifies with the certificate', () => {
    const cert = readClientCertificate(rsa.pemFile, '');
    const jwt = certificateAssertion(cert, 'app-1', 'https://login.example/t/oauth2/token', 1_700_000_000_000);
    const [h, p, s] = jwt.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    assert.equal(header.alg, 'RS256');
    assert.equal(Buffer.from(header.x5t, 'base64url').toString('hex').toUpperCase(), rsa.thumbprintSha1);
    assert.deepEqual(header.x5c, cert.chainDer);
    assert.deepEqual([claims.aud, claims.iss, claims.sub, claims.nbf, claims.exp], ['https://login.example/t/oauth2/token', 'app-1', 'app-1', 1_700_000_000, 1_700_000_600]);
    const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(new X509Certificate(rsa.certPem).publicKey, Buffer.from(s, 'base64url'));
    assert.equal(ok, true);
  });
});
