// --pop-enabled: the --pop-claims parser and the token request's PoP fields for the key get-token
// hands in (it caches the key with the token and signs the PoP tokens: ./pop-token.ts). Shape: KUBELOGIN.md §6.
import { AuthError, UsageError } from '../errors';
import { popKid, popReqCnf } from './pop-token';
import type { AccessToken, LoginContext } from './types';

const CLAIMS_REMEDY = 'pass --pop-claims "u=<ARM ID of the cluster>[,key=value...]", e.g. "u=/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Kubernetes/connectedClusters/<name>"';
const BAD_PAIR = 'failed to parse PoP token claims. Ensure the claims are formatted as `key=value` with no extra whitespace';

/** `k=v,k2=v2` → claims; keys and values are trimmed and `u` is required, as upstream. */
export function parsePopClaims(text: string): Record<string, string> {
  const fail = (why: string) => new UsageError(`unable to parse PoP claims: ${why}; ${CLAIMS_REMEDY}`);
  if (!text.trim()) throw fail('failed to parse PoP token claims: no claims provided');
  const claims = Object.create(null) as Record<string, string>;
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

/** One run's PoP state: the form fields for the token request, then the check of what it returned. */
export interface PopSession {
  kid: string;
  fields: { token_type: 'pop'; req_cnf: string };
  /** The access token, once checked to be bound to the key (get-token caches it and signs PoP tokens from it). */
  finish(at: AccessToken): AccessToken;
}

/** Parses --pop-claims (a UsageError before any network) and binds the request to the key get-token made. */
export function startPop(ctx: LoginContext): PopSession {
  parsePopClaims(ctx.options.popClaims);
  if (!ctx.popKey) throw new Error('PoP: get-token did not make a key for this login');
  const kid = popKid(ctx.popKey);
  return {
    kid,
    fields: { token_type: 'pop', req_cnf: popReqCnf(kid) },
    finish(at) {
      ctx.log.secret(at.token);
      checkBinding(at.token, kid);
      return at;
    },
  };
}

/** A bearer token signed into a PoP token is rejected by the cluster: say so here, where the cause is known. */
function checkBinding(at: string, kid: string): void {
  let cnf: unknown;
  try {
    cnf = (JSON.parse(Buffer.from(at.split('.')[1], 'base64url').toString('utf8')) as { cnf?: unknown }).cnf;
  } catch {
    return; // not a readable JWT (e.g. encrypted): nothing to check
  }
  if ((cnf as { kid?: unknown } | undefined)?.kid === kid) return;
  throw new AuthError(
    'failed to get token: the identity provider returned an access token that is not bound to the PoP key (no matching cnf.kid claim); ' +
      'check that --authority-host / --environment point at Microsoft Entra ID and that --server-id accepts PoP tokens, or drop --pop-enabled/--pop-claims',
  );
}
