// Which certificate authorities the miss path trusts: Node's bundled roots plus the operating
// system's store, as Go's kubelogin does (behind a TLS-inspecting proxy the proxy's CA is only there):
// SSL_CERT_FILE, SSL_CERT_DIR, the distribution bundles Go reads on Linux, Node's own view of the
// system store where it has one (tls.getCACertificates('system')), and NODE_EXTRA_CA_CERTS. Only the
// heavy bundle imports this: a cache hit reads no CA file.
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import type { Env } from '../cli/env';
import { readBounded } from './read-bounded';

/** Go's crypto/x509 list for Linux: the first that can be read is used unless SSL_CERT_FILE is set. */
export const DISTRIBUTION_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Gentoo, Arch
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL 6
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS, RHEL 7
  '/etc/ssl/cert.pem', // Alpine
];
/** Go's directories, read when SSL_CERT_DIR is not set. */
export const DISTRIBUTION_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs'];

export const MAX_FILE_BYTES = 8 * 1024 * 1024;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;
/** Files in a certificate directory: OpenSSL's hashed names (`5ed36f99.0`) and *.pem / *.crt / *.cer. */
const CERT_FILE_NAME = /^(?:[0-9a-f]{8}\.\d+|.+\.(?:pem|crt|cer))$/i;

export interface TrustSources {
  env: Env;
  platform?: NodeJS.Platform;
  /** For tests: stands in for the distribution paths above. */
  bundles?: string[];
  dirs?: string[];
  system?: () => string[] | undefined;
}

/** The OS store as Node reads it (macOS keychain, Windows store, OpenSSL's paths), on versions that can. */
function nodeSystemStore(): string[] | undefined {
  const get = (tls as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  try {
    return get?.('system');
  } catch {
    return undefined; // builds that know only 'default' and 'bundled'
  }
}

export interface Trust {
  /** PEM certificates to trust beyond Node's bundled roots (deduplicated, none of them bundled). */
  extra: string[];
  /** Where they came from, for -v and for the "certificate not trusted" error. */
  read: string[];
  /** Sources named by the user that gave nothing (missing file, no certificate in it). */
  problems: string[];
}

/** Gathers the OS store; cheap (file reads and string compares), the TLS parsing happens in secureContextFor. */
export function gatherTrust(src: TrustSources): Trust {
  const { env } = src;
  const platform = src.platform ?? process.platform;
  const seen = new Set(tls.rootCertificates.map(normalize));
  const trust: Trust = { extra: [], read: [], problems: [] };
  const add = (pems: string[], from: string) => {
    let added = 0;
    for (const pem of pems) {
      const key = normalize(pem);
      if (seen.has(key)) continue;
      seen.add(key);
      trust.extra.push(pem);
      added++;
    }
    if (pems.length > 0) trust.read.push(`${from} (${pems.length} certificates, ${added} not in Node's roots)`);
    return pems.length;
  };

  const system = (src.system ?? nodeSystemStore)();
  if (system) add(system, "the system store (Node's tls.getCACertificates('system'))");
  if (env.NODE_EXTRA_CA_CERTS) userFile(env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS', add, trust);

  // Go reads the distribution bundles and folders on Linux and the BSDs; SSL_CERT_FILE / SSL_CERT_DIR
  // replace them. Users set those for Go tools on macOS too, so they count everywhere.
  const unix = platform !== 'win32' && platform !== 'darwin';
  let bundleFound = false;
  if (env.SSL_CERT_FILE) bundleFound = userFile(env.SSL_CERT_FILE, 'SSL_CERT_FILE', add, trust);
  else if (unix) {
    for (const file of src.bundles ?? DISTRIBUTION_BUNDLES) {
      const pems = readPemFile(file);
      if (pems === undefined) continue;
      add(pems, file);
      bundleFound = true;
      break;
    }
  }
  // Go also reads the default folders; update-ca-certificates writes the same certificates to them as
  // to the bundle, so they are read only when no bundle was found.
  const userDirs = (env.SSL_CERT_DIR ?? '').split(path.delimiter).filter(Boolean);
  const dirs = userDirs.length > 0 ? userDirs : unix && !bundleFound ? (src.dirs ?? DISTRIBUTION_DIRS) : [];
  for (const dir of dirs) {
    const count = add(readPemDir(dir), userDirs.length > 0 ? `SSL_CERT_DIR ${dir}` : dir);
    if (count === 0 && userDirs.length > 0) trust.problems.push(`SSL_CERT_DIR ${dir} holds no readable PEM certificate`);
  }
  return trust;
}

function userFile(file: string, name: string, add: (pems: string[], from: string) => number, trust: Trust): boolean {
  const pems = readPemFile(file);
  if (pems === undefined) trust.problems.push(`${name}=${file} cannot be read`);
  else if (pems.length === 0) trust.problems.push(`${name}=${file} holds no PEM certificate`);
  else add(pems, `${name}=${file}`);
  return pems !== undefined;
}

/** The PEM certificates of a file; undefined when it cannot be read. */
export function readPemFile(file: string): string[] | undefined {
  try {
    return readBounded(file, MAX_FILE_BYTES).toString('latin1').match(PEM_BLOCK) ?? [];
  } catch {
    return undefined;
  }
}

function readPemDir(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => CERT_FILE_NAME.test(n)).flatMap((n) => readPemFile(path.join(dir, n)) ?? []);
}

function normalize(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
}

export interface OsTrust extends Trust {
  /** Node's roots plus the OS store, or null when the OS adds nothing to Node's roots. */
  context: tls.SecureContext | null;
}

/** Reads the OS store and builds one TLS context from it (`ca` replaces Node's roots, so they go in first). */
export function osTrustContext(env: Env): OsTrust {
  const trust = gatherTrust({ env });
  const context = trust.extra.length > 0 ? tls.createSecureContext({ ca: [...tls.rootCertificates, ...trust.extra] }) : null;
  return { ...trust, context };
}
