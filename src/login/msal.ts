// The only module that imports @azure/msal-node: application factories with our authority, cache
// plugin and redacting logger, and the translation of MSAL errors into our typed errors.
import {
  AuthError as MsalAuthError,
  ConfidentialClientApplication,
  LogLevel,
  ManagedIdentityApplication,
  PublicClientApplication,
  type AuthenticationResult,
  type ClientAssertionCallback,
  type Configuration,
  type ManagedIdentityIdParams,
  type NodeSystemOptions,
} from '@azure/msal-node';
import { AuthError, KubeloginError, TimeoutError, errorMessage } from '../errors';
import { aadstsCodes, remedyFor } from './aadsts';
import type { AccessToken, LoginContext } from './types';

export type { AuthenticationResult, AccountInfo, ManagedIdentityIdParams } from '@azure/msal-node';
export { PublicClientApplication, ConfidentialClientApplication, ManagedIdentityApplication };

export type ClientCredential =
  | { clientSecret: string }
  | { clientCertificate: { thumbprintSha256: string; privateKey: string; x5c?: string } }
  | { clientAssertion: ClientAssertionCallback };

function system(ctx: LoginContext): NodeSystemOptions {
  return {
    loggerOptions: {
      piiLoggingEnabled: false,
      logLevel: ctx.log.level >= 9 ? LogLevel.Trace : ctx.log.level >= 7 ? LogLevel.Verbose : LogLevel.Warning,
      loggerCallback: (_level, message) => ctx.log.v(6, `msal: ${message}`),
    },
  };
}

/** `<authority host><tenant>`; MSAL trusts it as given (no instance discovery), so sovereign and test hosts work. */
export function authorityFor(ctx: LoginContext, tenant = ctx.options.tenantId || 'organizations'): string {
  return ctx.authorityHost + tenant;
}

function baseConfig(ctx: LoginContext, clientId: string): Configuration {
  return {
    auth: { clientId, authority: authorityFor(ctx), knownAuthorities: [new URL(ctx.authorityHost).host] },
    cache: ctx.cachePlugin ? { cachePlugin: ctx.cachePlugin } : undefined,
    system: system(ctx),
  };
}

export function publicClient(ctx: LoginContext, clientId: string): PublicClientApplication {
  return new PublicClientApplication(baseConfig(ctx, clientId));
}

export function confidentialClient(ctx: LoginContext, clientId: string, credential: ClientCredential): ConfidentialClientApplication {
  const config = baseConfig(ctx, clientId);
  config.auth = { ...config.auth, ...credential };
  return new ConfidentialClientApplication(config);
}

export function managedIdentityClient(ctx: LoginContext, id: ManagedIdentityIdParams): ManagedIdentityApplication {
  return new ManagedIdentityApplication({ managedIdentityIdParams: id, system: system(ctx) });
}

export function toAccessToken(result: AuthenticationResult | null, ctx: LoginContext): AccessToken {
  if (!result?.accessToken) throw new AuthError('failed to get token: the identity provider returned no access token');
  ctx.log.secret(result.accessToken);
  const expiresOn = result.expiresOn ? result.expiresOn.getTime() : Date.now() + 3600_000;
  return { token: result.accessToken, expiresOn };
}

/** Runs an MSAL call under the --timeout signal, converting its errors. */
export async function run<T>(ctx: LoginContext, what: string, call: () => Promise<T>): Promise<T> {
  if (ctx.signal.aborted) throw new TimeoutError(`${what}: timed out; raise --timeout`);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new TimeoutError(`${what}: timed out after --timeout; raise --timeout or check the network`));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([call(), aborted]);
  } catch (err) {
    throw toError(err, what);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** MSAL/Entra errors → AuthError with the AADSTS code's remedy; ours pass through. */
export function toError(err: unknown, what: string): KubeloginError {
  if (err instanceof KubeloginError) return err;
  if (err instanceof MsalAuthError) {
    const description = (err.errorMessage || err.message || '').split(/\r?\n|Trace ID:/)[0].trim();
    const codes = aadstsCodes(err.errorMessage || err.message || '');
    const remedy = remedyFor(codes);
    const status = (err as { status?: number }).status;
    const text = `${what}: ${err.errorCode}${description ? `: ${description}` : ''}${remedy ? ` (${remedy})` : ''}`;
    return new AuthError(text, { error: err.errorCode, errorCodes: codes, status }, { cause: err });
  }
  return new AuthError(`${what}: ${errorMessage(err)}`, {}, { cause: err });
}
