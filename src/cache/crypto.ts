// The on-disk envelope of MSAL's cache: AES-256-GCM with the keyring-held key, or plain where no
// keyring is usable. The identity's cache key is authenticated data, so a file copied to another
// identity's name does not decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export type Envelope =
  | { v: 1; alg: 'A256GCM'; kid: string; iv: string; tag: string; data: string }
  | { v: 1; alg: 'none'; data: string };

/** A short fingerprint of the key, to tell "the key changed" from "the file is damaged". */
export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function seal(plain: string, key: Buffer | undefined, aad: string): string {
  if (!key) return JSON.stringify({ v: 1, alg: 'none', data: plain } satisfies Envelope);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const env: Envelope = { v: 1, alg: 'A256GCM', kid: keyId(key), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  return JSON.stringify(env);
}

/** The envelope in a file's text, or undefined when it is not one (truncated, garbage, unknown version). */
export function parseEnvelope(text: string): Envelope | undefined {
  let v: Record<string, unknown> | null;
  try {
    v = JSON.parse(text) as Record<string, unknown> | null;
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || v.v !== 1 || typeof v.data !== 'string') return undefined;
  if (v.alg === 'none') return { v: 1, alg: 'none', data: v.data };
  if (v.alg === 'A256GCM' && typeof v.kid === 'string' && typeof v.iv === 'string' && typeof v.tag === 'string') {
    return { v: 1, alg: 'A256GCM', kid: v.kid, iv: v.iv, tag: v.tag, data: v.data };
  }
  return undefined;
}

/** Throws when the key is wrong or the ciphertext was altered. */
export function openSealed(env: Extract<Envelope, { alg: 'A256GCM' }>, key: Buffer, aad: string): string {
  const tag = Buffer.from(env.tag, 'base64');
  if (tag.length !== 16) throw new Error('bad authentication tag');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(env.iv, 'base64'), { authTagLength: 16 });
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(Buffer.from(env.data, 'base64')), decipher.final()]).toString('utf8');
}
