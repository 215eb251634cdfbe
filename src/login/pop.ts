// --pop-enabled: the --pop-claims parser, a fresh RSA-2048 key per run, the token request's `req_cnf`,
// and the signed PoP token kubectl presents (the only importer of jose). Shape: KUBELOGIN.md §6.
import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, decodeJwt, SignJWT } from 'jose';
import type { TokenOptions } from '../cli/options';
import { AuthError, UsageError } from '../errors';
import type { AccessToken, LoginContext } from './types';

const CLAIMS_REMEDY = 'pass --pop-claims "u=<ARM ID of the cluster>[,key=value...]", e.g. "u=/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Kubernetes/connectedClusters/<name>"';
const BAD_PAIR = 'failed to parse PoP token claims. Ensure the claims are formatted as `key=value` with no extra whitespace';

/** Whether this run gets a PoP token: interactive, ropc and spn (not --legacy: ADAL v1 has no PoP); other modes ignore the flag, as upstream. */

/** `k=v,k2=v2` → claims; keys and values are trimmed and `u` is required, as upstream. */
export function parsePopClaims(text: string): Record<string, string> {
  const fail = (why: string) => new UsageError(`unable to parse PoP claims: ${why}; ${CLAIMS_REMEDY}`);
  if (!text.trim()) throw fail('failed to parse PoP token claims: no claims provided');
  const claims: Record<string, string> = Object.create(null);
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq).trim();
    const value = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (!key || !value) throw fail(BAD_PAIR);
    claims[key] = value;
  }
  if (!claims.u) throw fail('required u-claim not provided for PoP token flow. Please provide the ARM ID of the cluster in the format `u=<ARM_ID>`');
  return claims;
}

export interface PopKey {
  /** RFC 7638 SHA-256 thumbprint of the public key. */
  kid: string;
  /** The token request's `req_cnf`: base64url of `{"kid":…,"xms_ksl":"sw"}`. */
  reqCnf: string;
  /** Signs `at` into a PoP token for the cluster `u`. */
  sign(at: string, u: string, now?: number): Promise<string>;
}

export async function createPopKey(): Promise<PopKey> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const { e, n } = publicKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint({ kty: 'RSA', e, n }, 'sha256');
  const reqCnf = Buffer.from(JSON.stringify({ kid, xms_ksl: 'sw' })).toString('base64url');
  const jwk = { e, kty: 'RSA', n, alg: 'RS256', kid };
  return { kid, reqCnf, sign: (at, u, now = Date.now()) => signPopToken(privateKey, jwk, at, u, now) };
}

function signPopToken(privateKey: KeyObject, jwk: { kid: string }, at: string, u: string, now: number): Promise<string> {
  const payload = { at, ts: Math.floor(now / 1000), u, cnf: { jwk }, nonce: randomUUID().replace(/-/g, '') };
  return new SignJWT(payload).setProtectedHeader({ typ: 'pop', alg: 'RS256', kid: jwk.kid }).sign(privateKey);
}

/** One run's PoP state: the form fields for the token request, then the signing of what it returned. */
export interface PopSession {
  kid: string;
  fields: { token_type: 'pop'; req_cnf: string };
  /** The signed PoP token, valid as long as the access token inside it. */
  finish(at: AccessToken): Promise<AccessToken>;
}

/** Parses --pop-claims (a UsageError before any network) and makes this run's key. */
export async function startPop(ctx: LoginContext): Promise<PopSession> {
  const { u } = parsePopClaims(ctx.options.popClaims);
  const key = await createPopKey();
  ctx.log.v(5, `pop: new RSA-2048 key ${key.kid} for this run; u=${u}`);
  return {
    kid: key.kid,
    fields: { token_type: 'pop', req_cnf: key.reqCnf },
    async finish(at) {
      ctx.log.secret(at.token);
      checkBinding(at.token, key.kid);
      const token = await key.sign(at.token, u);
      ctx.log.secret(token);
      return { token, expiresOn: at.expiresOn };
    },
  };
}

/** A bearer token signed into a PoP token is rejected by the cluster: say so here, where the cause is known. */
function checkBinding(at: string, kid: string): void {
  let cnf: unknown;
  try {
    cnf = decodeJwt(at).cnf;
  } catch {
    return; // not a readable JWT (e.g. encrypted): nothing to check
  }
  if ((cnf as { kid?: unknown } | undefined)?.kid === kid) return;
  throw new AuthError(
    'failed to get token: the identity provider returned an access token that is not bound to the PoP key (no matching cnf.kid claim); ' +
      'check that --authority-host / --environment point at Microsoft Entra ID and that --server-id accepts PoP tokens, or drop --pop-enabled/--pop-claims',
  );
}
