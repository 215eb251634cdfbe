// The PoP key and the signed PoP token (shape: KUBELOGIN.md §6) with node:crypto alone, so a cache hit
// can sign a fresh token from the cached key without loading jose. bin/kubelogin's fast hit bundles
// this module, so node:crypto is required on first use, not at load: a plain hit never loads it (~2.6 ms).
import type { JsonWebKey, KeyObject } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto = () => require('node:crypto') as typeof import('node:crypto');

/** An RSA private key as a JWK (what the PoP cache stores, sealed). */
export interface RsaPrivateJwk extends JsonWebKey {
  kty: 'RSA';
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

export async function newPopKey(): Promise<RsaPrivateJwk> {
  const { privateKey } = await new Promise<{ privateKey: KeyObject }>((resolve, reject) =>
    nodeCrypto().generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, priv) => (err ? reject(err) : resolve({ privateKey: priv }))),
  );
  return privateKey.export({ format: 'jwk' }) as RsaPrivateJwk;
}

/** RFC 7638 SHA-256 thumbprint of the public key: the PoP `kid`. */
export function popKid(key: Pick<RsaPrivateJwk, 'e' | 'n'>): string {
  return nodeCrypto().createHash('sha256').update(JSON.stringify({ e: key.e, kty: 'RSA', n: key.n })).digest('base64url');
}

/** The token request's `req_cnf`: base64url of `{"kid":…,"xms_ksl":"sw"}`. */
export function popReqCnf(kid: string): string {
  return b64url(JSON.stringify({ kid, xms_ksl: 'sw' }));
}

/** Signs the access token into a PoP token for the cluster `u`: RS256, a fresh `ts` and nonce every time. */
export function signPopToken(key: RsaPrivateJwk, at: string, u: string, now: number, kid = popKid(key)): string {
  const header = { typ: 'pop', alg: 'RS256', kid };
  const payload = { at, ts: Math.floor(now / 1000), u, cnf: { jwk: { e: key.e, kty: 'RSA', n: key.n, alg: 'RS256', kid } }, nonce: nodeCrypto().randomUUID().replace(/-/g, '') };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${rs256(key, Buffer.from(input)).toString('base64url')}`;
}

/**
 * Whether the key signs what its own public half verifies. A damaged key can still parse: an empty
 * modulus signs to nothing, a damaged one to a signature the cluster refuses. The PoP store (the
 * miss path, where a refused entry lands) checks this and treats such an entry as damaged: a new key.
 */
export function popKeySigns(key: RsaPrivateJwk): boolean {
  const { createPrivateKey, createPublicKey, verify } = nodeCrypto();
  try {
    const data = Buffer.from('kubelogin PoP key check');
    return verify('sha256', data, createPublicKey(createPrivateKey({ key, format: 'jwk' })), rs256(key, data));
  } catch {
    return false;
  }
}

/**
 * RS256 over `data`. A signature that is not as long as the modulus (an empty or cut modulus) throws,
 * so no hit prints an unsigned token; the full verification (popKeySigns, ~0.15 ms on a hit's first
 * call) is the miss path's, as a token file's content is trusted once its file passes the checks.
 */
function rs256(key: RsaPrivateJwk, data: Buffer): Buffer {
  // The JWK straight to sign(): ~0.1 ms less than a KeyObject first (measured).
  const signature = nodeCrypto().sign('sha256', data, { key, format: 'jwk' });
  if (signature.length < 256 || signature.length !== Buffer.from(key.n, 'base64url').length) throw new Error('the PoP key is damaged: its signature is not as long as its modulus');
  return signature;
}
