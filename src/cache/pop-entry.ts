// The PoP cache entry `<cache-dir>/pop/<key>.json`: one identity's PoP private key and the access token
// bound to it, sealed like MSAL's cache (AES-256-GCM with the keyring-held key where a keyring is
// usable, else plain; 0600, written whole). A hit signs a fresh PoP token from it without the network;
// a renewal makes a new key. Both the lean hit path and the miss path read it through here.
import { join } from 'node:path';
import { readPrivateFile } from '../platform/files';
import { keyId, openSealed, parseEnvelope, seal } from './crypto';
import type { CachedToken } from './token-file';

export const MAX_POP_FILE_BYTES = 64 * 1024;

/** An RSA private key as a JWK. */
export type PopKeyJwk = { kty: 'RSA'; n: string; e: string; d: string; p: string; q: string; dp: string; dq: string; qi: string };

/** The access token (and its expiry) as in the token file, plus the private key it is bound to. */
export interface PopEntry extends CachedToken {
  key: PopKeyJwk;
  /** The key's RFC 7638 thumbprint, kept so a hit need not hash it again. */
  kid?: string;
}

export type PopRead =
  | { kind: 'ok'; entry: PopEntry; writtenAt: number }
  | { kind: 'absent' }
  /** Encrypted, and the keyring's key is not reachable now: a miss, but nothing is wrong with the file. */
  | { kind: 'locked' }
  | { kind: 'bad'; why: string };

export function popFilePath(cacheDir: string, key: string): string {
  return join(cacheDir, 'pop', `${key}.json`);
}

const aad = (key: string) => `kubelogin-pop:${key}`;

/** Reads and opens the entry. Never throws: anything unusual is a miss with a reason. */
export async function readPopEntry(file: string, key: string, cacheKey: () => Promise<Buffer | undefined>): Promise<PopRead> {
  let read;
  try {
    read = readPrivateFile(file, MAX_POP_FILE_BYTES);
  } catch (err) {
    return { kind: 'bad', why: `${file}: ${(err as Error).message}` };
  }
  if (read.kind === 'absent') return read;
  if (read.kind === 'refused') return { kind: 'bad', why: read.reason };
  const envelope = parseEnvelope(read.data.toString('utf8'));
  if (!envelope) return { kind: 'bad', why: `${file} is damaged or of an unknown version` };
  let text = envelope.data;
  if (envelope.alg === 'A256GCM') {
    const k = await cacheKey();
    if (!k) return { kind: 'locked' };
    try {
      text = openSealed(envelope, k, aad(key));
    } catch {
      return { kind: 'bad', why: `${file} cannot be decrypted (${envelope.kid === keyId(k) ? 'it is damaged' : 'the keyring key changed'})` };
    }
  }
  const entry = entryFor(text, key);
  if (typeof entry === 'string') return { kind: 'bad', why: `${file} ${entry}` };
  return { kind: 'ok', entry, writtenAt: read.mtimeMs };
}

/** The identity's entry in its opened text, or what is wrong with it. */
function entryFor(text: string, key: string): PopEntry | string {
  const entry = parsePopEntry(text);
  if (!entry) return 'does not hold an RSA key and a token';
  // A plain entry has no authenticated data: the identity inside it says whose it is.
  return entry.id === key ? entry : 'belongs to another identity';
}

/**
 * The entry in a file's text when it is plain (no keyring on this machine) and whole, for the fast hit
 * (src/commands/get-token-fast.ts), which reads the file itself and has no keyring: anything else
 * (sealed, damaged, another identity's) is undefined, for readPopEntry to tell apart.
 */
export function plainPopEntry(text: string, key: string): PopEntry | undefined {
  const envelope = parseEnvelope(text);
  const entry = envelope?.alg === 'none' ? entryFor(envelope.data, key) : undefined;
  return typeof entry === 'object' ? entry : undefined;
}

function parsePopEntry(text: string): (PopEntry & { id: unknown }) | undefined {
  let v: (Partial<PopEntry> & { id?: unknown }) | null;
  try {
    v = JSON.parse(text) as (Partial<PopEntry> & { id?: unknown }) | null;
  } catch {
    return undefined;
  }
  if (v?.v !== 1 || typeof v.token !== 'string' || !v.token || typeof v.expiresOn !== 'number' || !Number.isFinite(v.expiresOn)) return undefined;
  if (!isRsaKey(v.key)) return undefined;
  return { v: 1, token: v.token, expiresOn: v.expiresOn, key: v.key, id: v.id, ...(typeof v.kid === 'string' && v.kid && { kid: v.kid }) };
}

function isRsaKey(v: unknown): v is PopKeyJwk {
  const k = v as Record<string, unknown> | null;
  return !!k && typeof k === 'object' && k.kty === 'RSA' && ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].every((m) => typeof k[m] === 'string' && k[m] !== '');
}

/** The file's content for an entry: sealed with the keyring's key when there is one. */
export function sealPopEntry(entry: PopEntry, key: string, cacheKey: Buffer | undefined): string {
  const { v, token, expiresOn, kid } = entry;
  return seal(JSON.stringify({ v, id: key, token, expiresOn, kid, key: entry.key }), cacheKey, aad(key));
}
