// --login ropc: resource owner password credentials (MSAL acquireTokenByUsernamePassword), after a
// silent refresh of the same user's cached account. Needs no person, so it also runs in CI.
// With --pop-enabled: the password grant with PoP's fields, sent without MSAL (msal-node has no PoP).
import { popApplies } from '../cli/options';
import { run, toAccessToken } from './msal';
import { v2TokenRequest } from './http';
import { startPop, type PopSession } from './pop';
import type { AccessToken, LoginContext } from './types';
import { userFlow } from './user-flow';

const CREDENTIAL = 'UsernamePasswordCredential';

export async function ropc(ctx: LoginContext): Promise<AccessToken> {
  const { username, password } = ctx.options;
  ctx.log.secret(password);
  if (popApplies(ctx.options)) return popPassword(ctx, startPop(ctx));
  return userFlow(ctx, {
    credential: CREDENTIAL,
    account: username,
    needsPerson: false,
    login: async (app) => {
      const request = { scopes: [ctx.scope], username, password };
      return toAccessToken(await run(ctx, `failed to authenticate: ${CREDENTIAL}`, () => app.acquireTokenByUsernamePassword(request)), ctx);
    },
  });
}

/** One password grant per run, bound to this run's key; nothing goes to MSAL's cache (the password is at hand every run). */
async function popPassword(ctx: LoginContext, pop: PopSession): Promise<AccessToken> {
  const { clientId, username, password } = ctx.options;
  ctx.log.v(5, `${CREDENTIAL}: PoP password grant for ${username}`);
  const form = { grant_type: 'password', client_id: clientId, scope: ctx.scope, username, password, ...pop.fields };
  return pop.finish(await v2TokenRequest(ctx, 'failed to get token', form));
}
