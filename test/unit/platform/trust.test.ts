import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import tls from 'node:tls';
import { gatherTrust, readPemFile } from '../../../src/platform/trust';
import { makeTempDir } from '../../helpers/tmp';

let dir: string;
let ca1: string;
let ca2: string;

function makeCa(name: string): string {
  const file = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, `${name}.key`), '-out', file, '-days', '1', '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return fs.readFileSync(file, 'utf8');
}

before(() => {
  dir = makeTempDir();
  ca1 = makeCa('one');
  ca2 = makeCa('two');
});

const write = (name: string, text: string) => {
  const file = path.join(makeTempDir(), name);
  fs.writeFileSync(file, text);
  return file;
};
const none = { bundles: ['/nonexistent/bundle.pem'], dirs: ['/nonexistent/certs'], platform: 'linux' as const, system: () => undefined };

test('SSL_CERT_FILE replaces the distribution bundle; certificates Node already bundles are not added twice', () => {
  const bundle = write('bundle.pem', ca2);
  const file = write('mine.pem', `junk\n${ca1}\n${tls.rootCertificates[0]}\n${ca1}`);
  const t = gatherTrust({ env: { SSL_CERT_FILE: file }, ...none, bundles: [bundle] });
  assert.deepEqual(t.extra.map((p) => p.trim()), [ca1.trim()]);
  assert.match(t.read.join(), /SSL_CERT_FILE=.*mine\.pem \(3 certificates, 1 not in Node's roots\)/);
  assert.deepEqual(t.problems, []);
});

test("without SSL_CERT_FILE the first readable distribution bundle is used, as Go does; its folders only when there is none", () => {
  const b1 = write('b1.pem', ca1);
  const b2 = write('b2.pem', ca2);
  assert.deepEqual(gatherTrust({ env: {}, ...none, bundles: ['/nonexistent/x.pem', b1, b2] }).extra.map((p) => p.trim()), [ca1.trim()]);
  const folder = makeTempDir();
  fs.writeFileSync(path.join(folder, 'x.crt'), ca2);
  assert.deepEqual(gatherTrust({ env: {}, ...none, dirs: [folder] }).extra.map((p) => p.trim()), [ca2.trim()]);
  assert.deepEqual(gatherTrust({ env: {}, ...none, bundles: [b1], dirs: [folder] }).extra.map((p) => p.trim()), [ca1.trim()]);
});

test('SSL_CERT_DIR: colon-separated folders; hashed names and *.pem/*.crt/*.cer, other files ignored', () => {
  const a = makeTempDir();
  const b = makeTempDir();
  fs.writeFileSync(path.join(a, '1a2b3c4d.0'), ca1);
  fs.writeFileSync(path.join(b, 'corp.cer'), ca2);
  fs.writeFileSync(path.join(b, 'README'), ca2.replace('two', 'x'));
  const t = gatherTrust({ env: { SSL_CERT_DIR: `${a}:${b}` }, ...none });
  assert.equal(t.extra.length, 2);
  const empty = makeTempDir();
  assert.deepEqual(gatherTrust({ env: { SSL_CERT_DIR: empty }, ...none }).problems, [`SSL_CERT_DIR ${empty} holds no readable PEM certificate`]);
});

test('NODE_EXTRA_CA_CERTS is part of the set (a context with the OS store replaces Node\'s default one)', () => {
  const t = gatherTrust({ env: { NODE_EXTRA_CA_CERTS: write('extra.pem', ca2) }, ...none });
  assert.deepEqual(t.extra.map((p) => p.trim()), [ca2.trim()]);
});

test('a named file that is missing or holds no certificate is reported; unreadable files are skipped', () => {
  assert.deepEqual(gatherTrust({ env: { SSL_CERT_FILE: '/nonexistent/ca.pem' }, ...none }).problems, ['SSL_CERT_FILE=/nonexistent/ca.pem cannot be read']);
  const junk = write('junk.pem', 'not a certificate');
  assert.deepEqual(gatherTrust({ env: { SSL_CERT_FILE: junk }, ...none }).problems, [`SSL_CERT_FILE=${junk} holds no PEM certificate`]);
  assert.equal(readPemFile(makeTempDir()), undefined, 'a folder is not a file');
});
