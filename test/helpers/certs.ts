// Test PKI made with the openssl CLI: one CA per process (for HTTPS servers) and client certificates
// in every file shape the plugin has to read (PEM bundle, PKCS#12, PKCS#1-labelled key).
import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from './tmp';

const run = promisify(execFile);

async function openssl(args: string[], env?: Record<string, string>): Promise<void> {
  try {
    await run('openssl', args, { env: { ...process.env, ...env } });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${err.stderr || err.message}`, { cause: e });
  }
}

export interface TestCA {
  dir: string;
  caPem: string;
  caFile: string;
  caKeyFile: string;
}

export interface ServerCert {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

let caPromise: Promise<TestCA> | undefined;
let serverCertPromise: Promise<ServerCert> | undefined;

/** The process-wide test CA (EC P-256, valid two days). */
export function makeTestCA(): Promise<TestCA> {
  caPromise ??= createCA();
  return caPromise;
}

async function createCA(): Promise<TestCA> {
  const dir = makeTempDir('kubelogin-ca-');
  const caFile = path.join(dir, 'ca.pem');
  const caKeyFile = path.join(dir, 'ca.key');
  await openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', caKeyFile, '-out', caFile, '-days', '2', '-subj', '/CN=kubelogin test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { dir, caPem: fs.readFileSync(caFile, 'utf8'), caFile, caKeyFile };
}

/** A server certificate for 127.0.0.1 and localhost signed by the test CA, shared by every server in the process. */
export function makeServerCert(): Promise<ServerCert> {
  serverCertPromise ??= createServerCert();
  return serverCertPromise;
}

async function createServerCert(): Promise<ServerCert> {
  const ca = await makeTestCA();
  const keyFile = path.join(ca.dir, 'server.key');
  const csrFile = path.join(ca.dir, 'server.csr');
  const certFile = path.join(ca.dir, 'server.pem');
  const extFile = path.join(ca.dir, 'server.ext');
  fs.writeFileSync(extFile, [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
  ].join('\n'));
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', csrFile, '-subj', '/CN=127.0.0.1']);
  await openssl(['x509', '-req', '-in', csrFile, '-CA', ca.caFile, '-CAkey', ca.caKeyFile,
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-extfile', extFile, '-out', certFile]);
  return { certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

export interface ClientCertificate {
  certPem: string;
  /** PKCS#8 (`-----BEGIN PRIVATE KEY-----`). */
  keyPem: string;
  /** Certificate followed by the PKCS#8 key: what `--client-certificate x.pem` reads. */
  pemFile: string;
  /** Certificate followed by the key labelled `RSA PRIVATE KEY` (PKCS#1; `EC PRIVATE KEY` for EC keys). */
  rsaKeyLabelPemFile: string;
  /** PKCS#12 written by OpenSSL 3 (AES-256/PBKDF2), protected by `password` or the empty password. */
  pfxFile: string;
  password: string;
  /** Upper-case hex, no separators, as the Azure portal shows them. */
  thumbprintSha1: string;
  thumbprintSha256: string;
}

export async function makeClientCertificate(opts: {
  dir: string;
  name: string;
  password?: string;
  keyType?: 'rsa' | 'ec';
}): Promise<ClientCertificate> {
  const { dir, name, password = '', keyType = 'rsa' } = opts;
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, name);
  const keyFile = `${base}.key`;
  const certFile = `${base}.crt`;
  const newkey = keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  await openssl(['req', '-x509', ...newkey, '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '2', '-subj', `/CN=${name}`]);
  const certPem = fs.readFileSync(certFile, 'utf8');
  const keyPem = createPrivateKey(fs.readFileSync(keyFile)).export({ type: 'pkcs8', format: 'pem' }) as string;

  const pemFile = `${base}.pem`;
  fs.writeFileSync(pemFile, certPem + keyPem, { mode: 0o600 });
  const legacyKey = createPrivateKey(keyPem).export({ type: keyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }) as string;
  const rsaKeyLabelPemFile = `${base}.rsa-label.pem`;
  fs.writeFileSync(rsaKeyLabelPemFile, certPem + legacyKey, { mode: 0o600 });

  const pfxFile = `${base}.pfx`;
  // The password goes through the environment so it never shows in a process listing.
  await openssl(['pkcs12', '-export', '-in', certFile, '-inkey', keyFile, '-name', name,
    '-out', pfxFile, '-passout', 'env:KUBELOGIN_TEST_PFX_PASSWORD'], { KUBELOGIN_TEST_PFX_PASSWORD: password });

  const x509 = new X509Certificate(certPem);
  return {
    certPem,
    keyPem,
    pemFile,
    rsaKeyLabelPemFile,
    pfxFile,
    password,
    thumbprintSha1: x509.fingerprint.replace(/:/g, '').toUpperCase(),
    thumbprintSha256: x509.fingerprint256.replace(/:/g, '').toUpperCase(),
  };
}
