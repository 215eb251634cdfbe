// Client certificate files (PEM bundle or PKCS#12 by the `.pfx` suffix) → the RSA key, the matching
// certificate and its chain, in the shapes MSAL and a hand-signed client assertion need.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { ConfigError, errorMessage } from '../errors';
import { MIB, readBounded, UnreadableFileError } from '../platform/read-bounded';

export interface ClientCertificate {
  /** PKCS#8 PEM of the RSA private key. */
  privateKeyPem: string;
  /** PEM certificates, the one matching the key first: MSAL's `x5c` (subject name + issuer auth needs the chain). */
  chainPem: string;
  /** Base64 DER of the same certificates, for a JWT `x5c` header. */
  chainDer: string[];
  /** Upper-case hex, as the Azure portal shows them. */
  thumbprintSha1: string;
  thumbprintSha256: string;
}

interface Parts {
  certs: X509Certificate[];
  /** The first private key found; a parse failure is kept to report once we know no key worked. */
  key?: KeyObject | Error;
}

const PATH_HINT = 'check --client-certificate (AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE, AZURE_CLIENT_CERTIFICATE_PATH or, with --use-azurerm-env-vars, ARM_CLIENT_CERTIFICATE_PATH)';
const PASSWORD_HINT = 'check --client-certificate-password (AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE_PASSWORD, AZURE_CLIENT_CERTIFICATE_PASSWORD or ARM_CLIENT_CERTIFICATE_PASSWORD)';

function certError(detail: string, remedy: string, cause?: unknown): ConfigError {
  return new ConfigError(`failed to read certificate: ${detail}; ${remedy}`, { cause });
}

/** A PEM bundle or PFX with a long chain is a few tens of KiB. */
const MAX_CERTIFICATE_BYTES = MIB;

export function readClientCertificate(file: string, password: string): ClientCertificate {
  let data: Buffer;
  try {
    data = readBounded(file, MAX_CERTIFICATE_BYTES);
  } catch (err) {
    const why = err instanceof UnreadableFileError ? err.detail : errorMessage(err);
    throw certError(`failed to read the certificate file (${file}): ${why}`, PATH_HINT, err);
  }
  const parts = file.endsWith('.pfx') ? parsePfx(data, password) : parsePem(data.toString('utf8'), password);
  return assemble(parts);
}

function assemble({ certs, key }: Parts): ClientCertificate {
  if (!key) throw certError('failed to decode a pem block from private key', `the file must hold a "PRIVATE KEY" (or "RSA PRIVATE KEY") block; ${PATH_HINT}`);
  if (key instanceof Error) throw certError(`failed to parse private key as Pkcs#1 or Pkcs#8: ${key.message}`, PATH_HINT, key);
  if (key.asymmetricKeyType !== 'rsa') {
    throw certError('pkcs8 contained non-RSA key. Expected RSA key', `Entra ID client certificates need an RSA key (this one is ${key.asymmetricKeyType}); create the certificate with an RSA key`);
  }
  const publicDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const leaf = certs.find((c) => c.publicKey.export({ type: 'spki', format: 'der' }).equals(publicDer));
  if (!leaf) throw certError('unable to find a matching public certificate', `put the certificate that belongs to the private key in the same file; ${PATH_HINT}`);
  const chain = [leaf, ...certs.filter((c) => c !== leaf)];
  return {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    chainPem: chain.map((c) => c.toString()).join(''),
    chainDer: chain.map((c) => c.raw.toString('base64')),
    thumbprintSha1: leaf.fingerprint.replace(/:/g, ''),
    thumbprintSha256: leaf.fingerprint256.replace(/:/g, ''),
  };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
// Upstream reads only "PRIVATE KEY"; PKCS#1 and SEC1 labels are accepted too, so the error says what is wrong.
const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

function parsePem(text: string, password: string): Parts {
  const parts: Parts = { certs: [] };
  for (const [block, label] of text.matchAll(PEM_BLOCK)) {
    if (label === 'CERTIFICATE') parts.certs.push(parseCertificate(block));
    else if (KEY_LABELS.has(label) && !parts.key) parts.key = parseKey(block, label, password);
  }
  return parts;
}

function parseCertificate(data: string | Buffer): X509Certificate {
  try {
    return new X509Certificate(data);
  } catch (err) {
    throw certError(`unable to parse certificate: ${errorMessage(err)}`, PATH_HINT, err);
  }
}

function parseKey(block: string, label: string, password: string): KeyObject | Error {
  try {
    return createPrivateKey(label === 'ENCRYPTED PRIVATE KEY' ? { key: block, passphrase: password } : block);
  } catch (err) {
    if (label === 'ENCRYPTED PRIVATE KEY') throw certError(`failed to decrypt the private key: ${errorMessage(err)}`, PASSWORD_HINT, err);
    return err as Error;
  }
}

function parsePfx(data: Buffer, password: string): Parts {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(data.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (err) {
    const wrongPassword = /password/i.test(errorMessage(err));
    if (wrongPassword) throw certError('pkcs12: decryption password incorrect', PASSWORD_HINT, err);
    throw certError(`failed to decode the PKCS#12 (.pfx) file: ${errorMessage(err)}`, PATH_HINT, err);
  }
  const parts: Parts = { certs: [] };
  for (const bag of p12.safeContents.flatMap((c) => c.safeBags)) {
    if (bag.type === forge.pki.oids.certBag) {
      parts.certs.push(parseCertificate(bagDer(bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1)));
    }
    else if (!parts.key && (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag)) {
      // forge only models RSA keys; other key types arrive as raw PrivateKeyInfo ASN.1.
      const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
      parts.key = derKey(bagDer(info));
    }
  }
  return parts;
}

function bagDer(asn1: forge.asn1.Asn1 | undefined): Buffer {
  if (!asn1) throw certError('the PKCS#12 (.pfx) file holds an empty bag', PATH_HINT);
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function derKey(der: Buffer): KeyObject | Error {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (err) {
    return err as Error;
  }
}
