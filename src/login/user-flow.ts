// Shared by the user (public client) modes: "silent first": refresh the cached
// account through MSAL's cache, and only when that needs a person run the mode's full grant.
import { AuthError, InteractionRequiredError, KubeloginError, UsageError, errorMessage } from '../errors';
import { publicClient, run, toAccessToken, type AccountInfo, type PublicClientApplication } from './msal';
import type { AccessToken, LoginContext } from './types';

export interface UserFlow {
  /** azidentity's credential name, which users know from Azure/kubelogin's messages. */
  credential: string;
  /**
   * The account this run is for (ropc's --username, --login-hint): only that cached account is used, and a
   * sign-in as anyone else is refused. Without one, the single cached account of the tenant is used.
   */
  account?: string;
  /** Whether the full grant needs a person (device code, browser). */
  needsPerson: boolean;
  /** Extra fields for the silent request (PoP: body parameters, popKid, forceRefresh). */
  silentExtras?: { extraParameters?: Record<string, string>; popKid?: string; forceRefresh?: boolean };
  /** The full grant; gets the MSAL app so what it obtains lands in MSAL's cache. */
  login: (app: PublicClientApplication) => Promise<AccessToken>;
}

export async function userFlow(ctx: LoginContext, flow: UserFlow): Promise<AccessToken> {
  const app = publicClient(ctx, ctx.options.clientId);
  const silent = await trySilent(ctx, app, flow);
  if (silent.token) return silent.token;
  if (flow.needsPerson && !ctx.canPrompt) throw noPerson(flow.credential, ctx.promptWhy, silent.why);
  if (silent.why) {
    const note = `the cached sign-in could not be refreshed (${silent.why}); signing in again`;
    if (flow.needsPerson) ctx.log.warn(note);
    else ctx.log.v(3, note);
  }
  const token = await flow.login(app);
  if (flow.account && token.username && !sameName(token.username, flow.account)) throw wrongAccount(flow, token.username);
  return token;
}

/** The sign-in cache is shared by the tenant's clusters: a token for another user must not be kept under this hint's name. */
function wrongAccount(flow: UserFlow, got: string): AuthError {
  const want = flow.account!;
  return new AuthError(
    `failed to authenticate: ${flow.credential}: signed in as ${got}, but --login-hint asks for ${want}; ` +
      `sign in as ${want}, or change --login-hint (the sign-in as ${got} is kept for runs with --login-hint ${got})`,
    { error: 'wrong_account' },
  );
}

/** Fail fast rather than wait for a code or a browser nobody will see (a CI job would hang until --timeout). */
export function noPerson(credential: string, nobody = 'nobody can be asked', refresh?: string): InteractionRequiredError {
  const cached = refresh ? `the cached sign-in could not be refreshed (${refresh})` : 'there is no cached sign-in to refresh';
  return new InteractionRequiredError(
    `failed to authenticate: ${credential}: sign-in needs a person, but nobody can be asked here (${nobody}) and ${cached}; ` +
      'run a kubectl command in a terminal once to sign in (e.g. kubectl get nodes), ' +
      'use a non-interactive --login (spn, workloadidentity, azurecli, msi), ' +
      'or set KUBELOGIN_INTERACTIVE=always to wait for the sign-in anyway',
  );
}

/** A token from MSAL's cache or refresh token; else why not, when there was an account to try. */
async function trySilent(ctx: LoginContext, app: PublicClientApplication, flow: UserFlow): Promise<{ token?: AccessToken; why?: string }> {
  if (!ctx.cachePlugin) return {};
  let accounts: AccountInfo[];
  try {
    accounts = await app.getTokenCache().getAllAccounts();
  } catch (err) {
    ctx.log.warn(`could not read the cached sign-in (${errorMessage(err)}); signing in without it`);
    return {};
  }
  const account = pickAccount(accounts, flow.account);
  if (!account) {
    ctx.log.v(5, `${flow.credential}: no cached account${flow.account ? ` for ${flow.account}` : ''}; full sign-in`);
    return {};
  }
  try {
    // --force-refresh: past MSAL's cached access token to the refresh token (new groups, PIM roles).
    const forceRefresh = flow.silentExtras?.forceRefresh || ctx.options.forceRefresh;
    const result = await run(ctx, `failed to get token for ${account.username}`, () => app.acquireTokenSilent({ ...flow.silentExtras, forceRefresh, account, scopes: [ctx.scope] }));
    ctx.log.v(5, `${flow.credential}: token for ${account.username} from MSAL's cache or refresh token`);
    const token = toAccessToken(result, ctx);
    return { token: { ...token, source: token.source ?? 'refreshed' } };
  } catch (err) {
    if (!needsInteraction(err)) throw err;
    ctx.log.v(5, `${flow.credential}: ${errorMessage(err)}`);
    return { why: shortReason(err as AuthError) };
  }
}

/**
 * The cached account for this run: the one named (--username, --login-hint), else the only one. The
 * cache is one tenant's (src/cache/key.ts signInKey); with several accounts and no name, say which names exist.
 */
export function pickAccount(accounts: AccountInfo[], want?: string): AccountInfo | undefined {
  if (want) return accounts.find((a) => sameName(a.username, want));
  const names = [...new Set(accounts.map((a) => a.username.toLowerCase()))];
  if (names.length > 1) {
    throw new UsageError(`several accounts are signed in for this tenant and client (${names.join(', ')}); choose one with --login-hint <account> in the kubeconfig's get-token args, e.g. --login-hint ${names[0]}`);
  }
  return accounts[0];
}

const sameName = (a?: string, b?: string) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

// MSAL raises InteractionRequiredAuthError for missing tokens and interaction_required; a refresh token
// that Entra rejects (revoked, expired: AADSTS50173, 700082) comes back as a plain invalid_grant.
const INTERACTION_CODES = new Set(['invalid_grant', 'interaction_required', 'login_required', 'consent_required', 'no_tokens_found', 'bad_token']);

/** `invalid_grant AADSTS50173` rather than Entra's whole paragraph. */
function shortReason(err: AuthError): string {
  const code = err.details.errorCodes?.[0];
  return [err.details.error, code && `AADSTS${code}`].filter(Boolean).join(' ') || errorMessage(err);
}

function needsInteraction(err: unknown): boolean {
  if (!(err instanceof AuthError)) return false;
  const cause = (err as KubeloginError).cause as { name?: string } | undefined;
  return cause?.name === 'InteractionRequiredAuthError' || INTERACTION_CODES.has(err.details.error ?? '');
}
