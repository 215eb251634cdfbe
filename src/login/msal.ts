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
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  type ManagedIdentityIdParams,
  type NodeSystemOptions,
} from '@azure/msal-node';
import { AuthError, ConfigError, KubeloginError, TimeoutError, errorMessage, isKubeloginError } from '../errors';
import { aadstsCodes, entraErrorMessage } from './aadsts';
import { exchange } from './wire';
import { authorityFor, notJson } from './http';
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


const DISCOVERY = '/v2.0/.well-known/openid-configuration';

function baseConfig(ctx: LoginContext, clientId: string): Configuration {
  const authority = authorityFor(ctx);
  // The authority's own discovery document from an earlier run: MSAL then skips that request.
  const authorityMetadata = ctx.authorityMetadata?.read(authority);
  if (authorityMetadata) ctx.log.v(7, `msal: authority metadata of ${authority} from the cache`);
  return {
    auth: { clientId, authority, knownAuthorities: [new URL(ctx.authorityHost).host], authorityMetadata },
    cache: ctx.cachePlugin ? { cachePlugin: ctx.cachePlugin } : undefined,
    system: system(ctx),
  };
}

export function publicClient(ctx: LoginContext, clientId: string): PublicClientApplication {
  const config = baseConfig(ctx, clientId);
  config.system = { ...config.system, networkClient: abortableNetwork(ctx) };
  return new PublicClientApplication(config);
}

export function confidentialClient(ctx: LoginContext, clientId: string, credential: ClientCredential): ConfidentialClientApplication {
  const config = baseConfig(ctx, clientId);
  config.auth = { ...config.auth, ...credential };
  config.system = { ...config.system, networkClient: abortableNetwork(ctx) };
  return new ConfidentialClientApplication(config);
}

/**
 * MSAL's requests on fetch with ctx.signal, so --timeout ends an in-flight request and the process can
 * exit; through the environment's proxy, except for managed identity, whose endpoints are on the
 * machine or link-local (IMDS) and must never be sent to a proxy.
 */
export function abortableNetwork(ctx: LoginContext, viaProxy = true): INetworkModule {
  async function request<T>(url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions, timeoutMs?: number): Promise<NetworkResponse<T>> {
    const signal = timeoutMs ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) : ctx.signal;
    const init = { method, headers: options?.headers, body: method === 'POST' ? (options?.body ?? '') : undefined, signal };
    inFlight.set(ctx, new URL(url).host);
    const res = await exchange(ctx, url, init, viaProxy ? 'proxy' : 'direct').finally(() => inFlight.delete(ctx));
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => (headers[key] = value));
    try {
      const body = JSON.parse(res.text) as T;
      if (method === 'GET' && res.status === 200 && url.endsWith(DISCOVERY)) ctx.authorityMetadata?.save(url.slice(0, -DISCOVERY.length), res.text);
      return { headers, body, status: res.status };
    } catch {
      throw new ConfigError(notJson(url, { status: res.status, contentType: headers['content-type'] }));
    }
  }
  // MSAL replaces what the network module throws with a bare network_error or endpoints_resolution_error
  // (the reason only reaches its trace), and turns an Entra error answer to its discovery request (an
  // unknown tenant) into endpoints_resolution_error too: keep the last of these for run() to report.
  const recorded = <T>(url: string, call: () => Promise<NetworkResponse<T>>) =>
    call().then(
      (value) => {
        networkFailures.delete(ctx);
        const refused = refusal(url, value);
        if (refused) networkFailures.set(ctx, refused);
        return value;
      },
      (err: unknown) => {
        if (!ctx.signal.aborted) networkFailures.set(ctx, err);
        throw err;
      },
    );
  return {
    sendGetRequestAsync: (url, options, timeoutMs) => recorded(url, () => request(url, 'GET', options, timeoutMs)),
    sendPostRequestAsync: (url, options) => recorded(url, () => request(url, 'POST', options)),
  };
}

/** An Entra error answer (`{"error": …}` with a 4xx/5xx status), as one line with the AADSTS remedy. */
function refusal(url: string, res: NetworkResponse<unknown>): AuthError | undefined {
  const body = res.body as { error?: unknown; error_description?: unknown; error_codes?: unknown } | undefined;
  if (res.status < 400 || typeof body?.error !== 'string') return undefined;
  const description = typeof body.error_description === 'string' ? body.error_description : undefined;
  const codes = Array.isArray(body.error_codes) ? body.error_codes.filter((c): c is number => typeof c === 'number') : aadstsCodes(description ?? '');
  const message = entraErrorMessage(`${new URL(url).host} answered HTTP ${res.status}`, { error: body.error, description, codes, status: res.status });
  return new AuthError(message, { error: body.error, errorCodes: codes, status: res.status });
}

const networkFailures = new WeakMap<LoginContext, unknown>();
/** The host of MSAL's request in flight, for the --timeout message. */
const inFlight = new WeakMap<LoginContext, string>();

export function managedIdentityClient(ctx: LoginContext, id: ManagedIdentityIdParams): ManagedIdentityApplication {
  const networkClient = abortableNetwork(ctx, false);
  return new ManagedIdentityApplication({ managedIdentityIdParams: id, system: { ...system(ctx), networkClient } });
}

export function toAccessToken(result: AuthenticationResult | null, ctx: LoginContext): AccessToken {
  if (!result?.accessToken) throw new AuthError('failed to get token: the identity provider returned no access token');
  ctx.log.secret(result.accessToken);
  const expiresOn = result.expiresOn ? result.expiresOn.getTime() : ctx.now() + 3600_000;
  const username = result.account?.username || undefined;
  return { token: result.accessToken, expiresOn, username, ...(result.fromCache ? { source: 'cache' as const } : {}) };
}

/** Runs an MSAL call under the --timeout signal, converting its errors. */
export async function run<T>(ctx: LoginContext, what: string, call: () => Promise<T>): Promise<T> {
  if (ctx.signal.aborted) throw new TimeoutError(`${what}: timed out; raise --timeout`);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      const host = inFlight.get(ctx);
      reject(new TimeoutError(`${what}: timed out after --timeout${host ? ` waiting for ${host}` : ''}; raise --timeout or check the network`));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  networkFailures.delete(ctx);
  try {
    return await Promise.race([call(), aborted]);
  } catch (err) {
    throw toError(err, what, networkFailures.get(ctx));
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

// MSAL's own (client-side) failures that need words a user can act on.
const MSAL_REMEDIES: Record<string, string> = {
  endpoints_resolution_error: 'could not read the OpenID configuration of the authority: check --authority-host / --environment, --tenant-id and the network',
  network_error: 'could not reach the authority: check the network, a proxy, and --authority-host / --environment',
};

/**
 * MSAL/Entra errors → AuthError with the AADSTS code's remedy; ours pass through. `network`: what our
 * network module last threw, the real cause behind MSAL's network_error / endpoints_resolution_error
 * (the MSAL error stays the cause, which msi.ts reads).
 */
export function toError(err: unknown, what: string, network?: unknown): KubeloginError {
  if (isKubeloginError(err)) return err;
  if (err instanceof MsalAuthError && MSAL_REMEDIES[err.errorCode] && isKubeloginError(network)) {
    if (network instanceof AuthError) return new AuthError(`${what}: ${network.message}`, network.details, { cause: err });
    return new ConfigError(`${what}: ${network.message}`, { cause: err });
  }
  if (err instanceof MsalAuthError && MSAL_REMEDIES[err.errorCode]) {
    return new ConfigError(`${what}: ${err.errorCode}: ${MSAL_REMEDIES[err.errorCode]}`, { cause: err });
  }
  if (err instanceof MsalAuthError) {
    const text = err.errorMessage || err.message || '';
    // Server errors arrive as "Error(s): … - Timestamp: … - Description: <Entra's text> - Correlation ID: …".
    const description = / - Description: ([\s\S]*?) - Correlation ID: /.exec(text)?.[1] ?? text;
    const codes = aadstsCodes(text);
    const status = (err as { status?: number }).status;
    const message = entraErrorMessage(what, { error: err.errorCode, description, codes, status });
    return new AuthError(message, { error: err.errorCode, errorCodes: codes, status }, { cause: err });
  }
  return new AuthError(`${what}: ${errorMessage(err)}`, {}, { cause: err });
}

/** Client-credentials grant (secret, certificate or assertion callback) for ctx.scope; MSAL's cache is tried first. */
export async function clientCredentialToken(ctx: LoginContext, clientId: string, credential: ClientCredential): Promise<AccessToken> {
  const app = confidentialClient(ctx, clientId, credential);
  // skipCache on --force-refresh: a new assertion and a new token, not MSAL's cached one.
  const request = { scopes: [ctx.scope], skipCache: ctx.options.forceRefresh };
  const result = await run(ctx, 'failed to get token', () => app.acquireTokenByClientCredential(request));
  return toAccessToken(result, ctx);
}

/**
 * MSAL request fields for a PoP token. msal-node forces the Bearer scheme, so the PoP form fields go in
 * as extra body parameters; `popKid` makes MSAL accept the `pop` answer and hand back the access token
 * unsigned, for us to sign.
 */
export function msalPopFields(pop: { kid: string; fields: Record<string, string> }): {
  extraParameters: Record<string, string>;
  popKid: string;
} {
  return { extraParameters: { ...pop.fields }, popKid: pop.kid };
}
