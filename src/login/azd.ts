// --login azd: the token comes from `azd auth token`; the Azure Developer CLI keeps its own sign-in.
import { checkArg, noToken, parseJson, RESOURCE, runCli, TENANT, type CliTool } from './cli-tool';
import type { AccessToken, LoginContext } from './types';

const AZD: CliTool = {
  file: 'azd',
  name: 'Azure Developer CLI',
  command: 'azd auth token',
  install: 'https://aka.ms/azd-install',
  loginCommand: 'azd auth login',
  notLoggedIn: /not logged in|azd auth login/i,
};

export async function azd(ctx: LoginContext): Promise<AccessToken> {
  const args = ['auth', 'token', '--output', 'json', '--scope', checkArg('--server-id', ctx.scope, RESOURCE)];
  if (ctx.options.tenantId) args.push('--tenant-id', checkArg('--tenant-id', ctx.options.tenantId, TENANT));
  const data = parseJson(await runCli(ctx, AZD, args), AZD) as { token?: unknown; expiresOn?: unknown };
  if (typeof data.token !== 'string' || !data.token) throw noToken(AZD, 'no token');
  ctx.log.secret(data.token);
  const expiresOn = typeof data.expiresOn === 'string' ? Date.parse(data.expiresOn) : NaN;
  if (!Number.isFinite(expiresOn)) throw noToken(AZD, 'no RFC 3339 expiresOn');
  return { token: data.token, expiresOn };
}

