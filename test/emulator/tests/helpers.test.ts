// The test helpers themselves: certificates in every file shape, kubeconfig files, the clean child environment.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import yaml from 'js-yaml';
import forge from 'node-forge';
import { makeClientCertificate, makeServerCert, makeTestCA } from '../../helpers/certs';
import { execUser, writeKubeconfig } from '../../helpers/kubeconfig';
import { kubeloginBin } from '../../helpers/paths';
import { cleanEnv, collect } from '../../helpers/run';
import { makeTempDir } from '../../helpers/tmp';

function readPfx(file: string, password: string) {
  const der = fs.readFileSync(file).toString('binary');
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password);
  const keys = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? [];
  const certs = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  return { keys: keys.length, cert: certs[0]?.cert };
}

describe('certs', { concurrency: true }, () => {
  test('the CA is cached per process and signs a 127.0.0.1/localhost server certificate', async () => {
    assert.equal(await makeTestCA(), await makeTestCA());
    const ca = await makeTestCA();
    const server = new X509Certificate((await makeServerCert()).certPem);
    assert.ok(server.verify(new X509Certificate(ca.caPem).publicKey));
    assert.ok(server.checkIP('127.0.0.1'));
    assert.ok(server.checkHost('localhost'));
    assert.equal(fs.readFileSync(ca.caFile, 'utf8'), ca.caPem);
  });

  test('RSA client certificate: PEM bundle, PKCS#1-labelled bundle, PFX with a password, thumbprints', async () => {
    const c = await makeClientCertificate({ dir: makeTempDir(), name: 'rsa', password: 'p@ss w0rd' });
    const pem = fs.readFileSync(c.pemFile, 'utf8');
    assert.match(pem, /^-----BEGIN CERTIFICATE-----[\s\S]+-----BEGIN PRIVATE KEY-----/);
    assert.match(fs.readFileSync(c.rsaKeyLabelPemFile, 'utf8'), /-----BEGIN CERTIFICATE-----[\s\S]+-----BEGIN RSA PRIVATE KEY-----/);
    assert.equal(createPrivateKey(c.keyPem).asymmetricKeyType, 'rsa');
    const pfx = readPfx(c.pfxFile, 'p@ss w0rd');
    assert.equal(pfx.keys, 1);
    assert.equal(pfx.cert!.subject.getField('CN').value, 'rsa');
    assert.throws(() => readPfx(c.pfxFile, 'wrong'));
    const x509 = new X509Certificate(c.certPem);
    assert.equal(c.thumbprintSha1, x509.fingerprint.replace(/:/g, ''));
    assert.match(c.thumbprintSha256, /^[0-9A-F]{64}$/);
  });

  test('EC client certificate with an empty-password PFX', async () => {
    const c = await makeClientCertificate({ dir: makeTempDir(), name: 'ec', keyType: 'ec' });
    assert.equal(createPrivateKey(c.keyPem).asymmetricKeyType, 'ec');
    assert.match(fs.readFileSync(c.rsaKeyLabelPemFile, 'utf8'), /BEGIN EC PRIVATE KEY/);
    // node-forge cannot read EC keys, so check the empty password with openssl.
    const r = await collect(spawn('openssl', ['pkcs12', '-in', c.pfxFile, '-passin', 'pass:', '-nokeys']));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /BEGIN CERTIFICATE/);
  });
});

describe('kubeconfig', () => {
  test('exec user with env map, default v1beta1, absolute kubelogin path', () => {
    const file = writeKubeconfig(path.join(makeTempDir(), 'nested', 'config'), {
      server: 'https://127.0.0.1:1', caPem: 'PEM', context: 'aks',
      user: execUser(['get-token', '--login', 'spn'], { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: 's' }),
    });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const doc = yaml.load(fs.readFileSync(file, 'utf8')) as any;
    assert.equal(doc['current-context'], 'aks');
    assert.equal(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), 'PEM');
    const exec = doc.users[0].user.exec;
    assert.equal(exec.command, kubeloginBin);
    assert.ok(path.isAbsolute(exec.command));
    assert.deepEqual(exec.args, ['get-token', '--login', 'spn']);
    assert.deepEqual(exec.env, [{ name: 'AAD_SERVICE_PRINCIPAL_CLIENT_SECRET', value: 's' }]);
    assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1beta1');
    assert.equal(exec.interactiveMode, undefined);
  });

  test('v1 exec gets interactiveMode; auth-provider users are written as such', () => {
    const dir = makeTempDir();
    const v1 = yaml.load(fs.readFileSync(writeKubeconfig(path.join(dir, 'a'), {
      server: 's', caPem: 'c', user: execUser(['get-token'], undefined, { apiVersion: 'client.authentication.k8s.io/v1' }),
    }), 'utf8')) as any;
    assert.equal(v1.users[0].user.exec.interactiveMode, 'IfAvailable');
    const ap = yaml.load(fs.readFileSync(writeKubeconfig(path.join(dir, 'b'), {
      server: 's', caPem: 'c', user: { authProvider: { name: 'azure', config: { 'apiserver-id': 'x', 'client-id': 'y', 'tenant-id': 'z' } } },
    }), 'utf8')) as any;
    assert.deepEqual(ap.users[0].user['auth-provider'], { name: 'azure', config: { 'apiserver-id': 'x', 'client-id': 'y', 'tenant-id': 'z' } });
  });
});

describe('run', () => {
  test('cleanEnv: only PATH, a fresh HOME and the patch; undefined deletes', () => {
    process.env.AZURE_CLIENT_ID = 'leak';
    process.env.KUBECACHEDIR = '/leak';
    try {
      const env = cleanEnv({ AAD_LOGIN_METHOD: 'spn', HOME: undefined });
      assert.deepEqual(Object.keys(env).sort(), ['AAD_LOGIN_METHOD', 'PATH']);
      const a = cleanEnv();
      const b = cleanEnv();
      assert.notEqual(a.HOME, b.HOME);
      assert.ok(fs.statSync(a.HOME).isDirectory());
      assert.equal(cleanEnv({ HOME: '/given' }).HOME, '/given');
    } finally {
      delete process.env.AZURE_CLIENT_ID;
      delete process.env.KUBECACHEDIR;
    }
  });

  test('collect: output, exit code, input, timeout', async () => {
    const echo = spawn(process.execPath, ['-e', 'process.stdin.pipe(process.stdout); process.stderr.write("e"); process.exitCode = 3']);
    const r = await collect(echo, { input: 'hello' });
    assert.deepEqual([r.code, r.stdout, r.stderr, r.timedOut], [3, 'hello', 'e', false]);
    const hang = await collect(spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']), { timeoutMs: 200 });
    assert.equal(hang.timedOut, true);
    assert.equal(hang.signal, 'SIGKILL');
  });
});
