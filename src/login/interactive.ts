// --login interactive: authorization code + PKCE in the user's browser, through MSAL's loopback listener
// (acquireTokenInteractive, form_post). --redirect-url fixes the listener's port; --login-hint the account.
// With --pop-enabled the same flow asks for a PoP-bound token, then signs it with this run's key.
import { popApplies } from '../cli/options';
import { TimeoutError, UsageError } from '../errors';
import { openBrowser } from './browser';
import { msalPopFields, run, toAccessToken, type PublicClientApplication } from './msal';
import { startPop } from './pop';
import type { AccessToken, LoginContext } from './types';
import { userFlow } from './user-flow';

const CREDENTIAL = 'InteractiveBrowserCredential';
const WHAT = `failed to authenticate: ${CREDENTIAL}`;

const page = (text: string) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>kubelogin</title></head><body><p>${text}</p></body></html>`;
const SUCCESS = page('Signed in. You can close this window and return to the terminal.');
const FAILURE = page('Sign-in failed. Return to the terminal for the details.');

export async function interactive(ctx: LoginContext): Promise<AccessToken> {
  const pop = popApplies(ctx.options) ? startPop(ctx) : undefined;
  const port = loopbackPort(ctx.options.redirectUrl);
  const hint = ctx.options.loginHint;
  const account = hint || undefined;
  const extras = pop ? msalPopFields(pop) : undefined;
  // forceRefresh: an access token in MSAL's cache is bound to an earlier run's key; refresh to bind one to this run's.
  const silentExtras = extras && { ...extras, forceRefresh: true };
  const login = (app: PublicClientApplication) => signIn(ctx, app, port, extras);
  const token = await userFlow(ctx, { credential: CREDENTIAL, account, needsPerson: true, silentExtras, login });
  return pop ? pop.finish(token) : token;
}

type PopFields = ReturnType<typeof msalPopFields>;

async function signIn(ctx: LoginContext, app: PublicClientApplication, preferredPort?: number, extras?: PopFields): Promise<AccessToken> {
  let authorizeUrl: string | undefined;
  // MSAL's listener waits forever; on --timeout, answer it with an error so it closes and the process can exit.
  const cancel = () => authorizeUrl && void cancelListener(authorizeUrl);
  ctx.signal.addEventListener('abort', cancel, { once: true });
  try {
    const result = await run(ctx, WHAT, () =>
      app.acquireTokenInteractive({
        ...extras,
        scopes: [ctx.scope],
        loginHint: ctx.options.loginHint || undefined,
        preferredPort,
        successTemplate: SUCCESS,
        errorTemplate: FAILURE,
        openBrowser: async (url) => {
          authorizeUrl = url;
          await openBrowser(url, { env: ctx.env, log: ctx.log });
        },
      }),
    );
    return toAccessToken(result, ctx);
  } catch (err) {
    if (err instanceof TimeoutError) {
      throw new TimeoutError(`${WHAT}: context deadline exceeded (the browser sign-in did not complete within --timeout ${ctx.options.timeoutMs / 1000}s); finish signing in sooner, or raise --timeout (or AZURE_CLI_TIMEOUT)`);
    }
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', cancel);
  }
}

/** The port of a loopback --redirect-url; MSAL serves only the root path. */
export function loopbackPort(redirectUrl: string): number | undefined {
  if (!redirectUrl) return undefined;
  let url: URL;
  try {
    url = new URL(redirectUrl);
  } catch {
    throw new UsageError(`--redirect-url "${redirectUrl}" is not a valid URL; use a loopback URL such as http://localhost:8400`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'http:' || !loopback || (url.pathname !== '/' && url.pathname !== '')) {
    throw new UsageError(`--redirect-url "${redirectUrl}" is not supported: use http://localhost:<port> (plain http, a loopback host, no path), registered on the app as a redirect URI`);
  }
  return url.port ? Number(url.port) : undefined;
}

async function cancelListener(authorizeUrl: string): Promise<void> {
  const q = new URL(authorizeUrl).searchParams;
  const redirect = q.get('redirect_uri');
  const state = q.get('state');
  if (!redirect || !state) return;
  const target = new URL(redirect);
  target.hostname = '127.0.0.1';
  const body = new URLSearchParams({ error: 'access_denied', error_description: 'kubelogin timed out', state });
  await fetch(target, { method: 'POST', body, signal: AbortSignal.timeout(2000) }).catch(() => undefined);
}
