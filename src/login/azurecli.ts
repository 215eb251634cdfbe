// --login azurecli: the token comes from `az account get-access-token`; the Azure CLI keeps its own
// sign-in and refresh tokens, get-token caches the access token it prints.
import { checkArg, noToken, parseJson, RESOURCE, runCli, TENANT, type CliTool } from './cli-tool';
import { resourceOf } from './scope';
import type { AccessToken, LoginContext } from './types';

const AZ: CliTool = {
  file: 'az',
  name: 'Azure CLI',
  command: 'az account get-access-token',
  install: 'https://aka.ms/azure-cli',
  loginCommand: 'az login',
  notLoggedIn: /Please run '?az login'?|\bnot logged in\b/i,
};

const SUBSCRIPTION = /^[0-9A-Za-z_. -]+$/;

export async function azurecli(ctx: LoginContext): Promise<AccessToken> {
  const o = ctx.options;
  const resource = resourceOf(ctx.scope);
  const args = ['account', 'get-access-token', '--resource', checkArg('--server-id', resource, RESOURCE), '--output', 'json'];
  if (o.tenantId) args.push('--tenant', checkArg('--tenant-id', o.tenantId, TENANT));
  if (o.subscription) args.push('--subscription', checkArg('--subscription', o.subscription, SUBSCRIPTION));
  const stdout = await runCli(ctx, AZ, args);
  const data = parseJson(stdout, AZ) as { accessToken?: unknown; expires_on?: unknown; expiresOn?: unknown };
  if (typeof data.accessToken !== 'string' || !data.accessToken) throw noToken(AZ, 'no accessToken');
  ctx.log.secret(data.accessToken);
  return { token: data.accessToken, expiresOn: azExpiry(data) };
}

/** `expires_on` (epoch seconds, az ≥ 2.54) else `expiresOn` ("2024-01-01 10:00:00.000000", local time). */
function azExpiry(data: { expires_on?: unknown; expiresOn?: unknown }): number {
  const epoch = Number(data.expires_on);
  if (data.expires_on !== undefined && data.expires_on !== '' && Number.isFinite(epoch) && epoch > 0) return epoch * 1000;
  const m = typeof data.expiresOn === 'string' ? /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?$/.exec(data.expiresOn.trim()) : null;
  if (!m) throw noToken(AZ, 'no expires_on or expiresOn');
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}
