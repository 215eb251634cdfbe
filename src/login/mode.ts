// What the rest of the program knows about one --login value: the descriptor each file in
// login/modes/ exports. Light (node built-ins only): the cache-hit path reads descriptors too; the
// sign-in itself is the mode's login function, behind the lazy boundary of login/logins.ts.
import type { Env } from '../cli/env';
import type { TokenOptions } from '../cli/options';
import type { ConvertFlags, ConvertValues } from './convert-args';

/** Something the credential needs, checked before any network, in Azure/kubelogin's order. */
export interface Requirement {
  /** Azure/kubelogin's words: "client ID cannot be empty". */
  problem: string;
  /** What `doctor` calls the input when the problem's subject is too narrow ("client secret or certificate"). */
  label?: string;
  missing(o: TokenOptions, env: Env): boolean;
  /** What to do: the flag and its env vars for these options. */
  remedy(o: TokenOptions): string;
}

/** What picks the principal besides the common parts (login, authority host, tenant, client, scope). */
export interface IdentityParts {
  /** Overrides of the common parts a mode does not use ('' = left out of the key). */
  authorityHost?: string;
  tenantId?: string;
  clientId?: string;
  /** Username, managed identity id, az account, PoP claims... */
  extra: string;
}

export interface LoginMode<N extends string = string> {
  name: N;
  /**
   * 'user': a person's account (public client): a missing option is a usage error.
   * 'app': an application or machine identity: a missing option is a credential configuration error.
   * (The two wordings differ only in their separator, as users have seen them so far.)
   */
  kind: 'user' | 'app';
  requires: readonly Requirement[];
  /** The cache key's mode-specific parts. */
  identity(o: TokenOptions, env: Env): IdentityParts;
  /**
   * The files identity() reads besides the args and the environment (az's or azd's signed-in account).
   * A hit-index entry of this mode (src/cache/hit-index.ts) holds their stamps and serves only while
   * each file is unchanged.
   */
  identityFiles?(env: Env): string[];
  /** convert-kubeconfig: the args after `get-token --login <m> --server-id <s> [--cache-dir <d>]`, in Azure/kubelogin's order. */
  convertArgs(v: ConvertValues, flags: ConvertFlags): string[];
  /** Secret flags convert-kubeconfig writes into the kubeconfig when they are given (it warns about them). */
  writesSecrets?: readonly string[];
  /** The sign-in may wait for a person (device code, browser): lock waiters then wait the whole --timeout. */
  mayPrompt: boolean;
  /** Whether --pop-enabled gets this run a PoP token; modes without it ignore the flag, as upstream. */
  pop?(o: Pick<TokenOptions, 'legacy'>): boolean;
}

/** Keeps the literal name, so the registry can derive the LoginMethod union. */
export function defineMode<const N extends string>(mode: LoginMode<N>): LoginMode<N> {
  return mode;
}

/** Joins the non-empty parts of a cache key's `extra`. */
export function keyParts(...parts: string[]): string {
  return parts.filter(Boolean).join('|');
}

/** `--legacy` gets a v1 token (another audience): its own cache entry. */
export function legacyPart(o: Pick<TokenOptions, 'legacy'>): string {
  return o.legacy ? 'legacy' : '';
}

export function popPart(o: Pick<TokenOptions, 'popEnabled' | 'popClaims'>): string {
  return o.popEnabled ? `pop:${o.popClaims}` : '';
}
