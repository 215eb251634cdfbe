// What every login mode receives and returns. login/* never imports cache/: the command hands the
// MSAL cache plugin in through this context.
import type { ICachePlugin } from '@azure/msal-node';
import type { Env } from '../cli/env';
import type { TokenOptions } from '../cli/options';
import type { Logger } from '../platform/log';
import type { RsaPrivateJwk } from './pop-token';

export interface LoginContext {
  options: TokenOptions;
  /** `<server-id>/.default` */
  scope: string;
  /** Entra ID authority host with a trailing slash (--authority-host, else --environment's cloud). */
  authorityHost: string;
  env: Env;
  log: Logger;
  /** Aborts when --timeout runs out. */
  signal: AbortSignal;
  /** The run's clock (epoch ms): expiry arithmetic and the device code deadline (tests pass a fake one). */
  now: () => number;
  /** Whether a person can be asked (device code, browser): src/login/sign-in-policy.ts decides. */
  canPrompt: boolean;
  /** The policy's reason, for the error when nobody can be asked. */
  promptWhy?: string;
  /** Persistent MSAL cache for this identity (refresh tokens, accounts); absent when caching is off. */
  cachePlugin?: ICachePlugin;
  /** --pop-enabled: the key the access token is to be bound to (get-token keeps it with the token). */
  popKey?: RsaPrivateJwk;
  /** MSAL's authority discovery document, cached by the command (one round trip fewer per miss). */
  authorityMetadata?: { read(authority: string): string | undefined; save(authority: string, document: string): void };
}

/** Where a token came from: a cache (ours or MSAL's), a refresh token, or a new sign-in / token request. */
export type TokenSource = 'cache' | 'refreshed' | 'new';

export interface AccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresOn: number;
  /** Unset means a new token from the identity provider (or the CLI, or the managed identity endpoint). */
  source?: TokenSource;
  /** The signed-in user, where the answer names one (user modes). */
  username?: string;
}

export type Login = (ctx: LoginContext) => Promise<AccessToken>;
