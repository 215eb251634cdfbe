// --login ropc: resource owner password credentials (MSAL acquireTokenByUsernamePassword), after a
// silent refresh of the same user's cached account. Needs no person, so it also runs in CI.
import { ConfigError } from '../errors';
import { run, toAccessToken } from './msal';
import type { AccessToken, LoginContext } from './types';
import { requireOptions, userFlow } from './user-flow';

const CREDENTIAL = 'UsernamePasswordCredential';

export async function ropc(ctx: LoginContext): Promise<AccessToken> {
  requireOptions(ctx, ['clientId', 'tenantId', 'username', 'password']);
  if (ctx.options.popEnabled) throw new ConfigError('--pop-enabled is not supported with --login ropc yet; drop --pop-enabled/--pop-claims');
  const { username, password } = ctx.options;
  ctx.log.secret(password);
  return userFlow(ctx, {
    credential: CREDENTIAL,
    account: { username, strict: true },
    needsPerson: false,
    login: async (app) => {
      const request = { scopes: [ctx.scope], username, password };
      return toAccessToken(await run(ctx, `failed to authenticate: ${CREDENTIAL}`, () => app.acquireTokenByUsernamePassword(request)), ctx);
    },
  });
}
