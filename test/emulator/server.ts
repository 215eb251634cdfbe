// Routing, request logging, fault injection and latency, shared by the HTTPS (Entra) and HTTP (managed identity) servers.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Core } from './core';
import { aadReply, errorOf, json, readBody, send, sleep, type Ctx, type Handler, type Reply } from './http';
import { AadError, aadErrorBody, aad } from './errors';
import type { EndpointName } from './types';
import { authorizeHandler, logoutHandler } from './authorize';
import { deviceCodeHandler, deviceLoginHandler } from './devicecode';
import { discoveryHandler, instanceDiscoveryHandler, jwksHandler } from './discovery';
import { tokenHandler } from './grants';
import { appServiceHandler, arcHandler, imdsHandler } from './managed-identity';
import { federatedDiscoveryHandler, federatedKeysHandler, githubHandler, pipelinesHandler } from './oidc-issuers';

export interface Route {
  endpoint: EndpointName;
  methods: string[];
  /** The first capture group, when present, is the tenant. */
  pattern: RegExp;
  handler: Handler;
}

const T = '([A-Za-z0-9][A-Za-z0-9._-]*)';
const route = (endpoint: EndpointName, methods: string[], pattern: string, handler: Handler): Route => ({
  endpoint, methods, pattern: new RegExp(`^${pattern}$`), handler,
});

export function entraRoutes(core: Core): Route[] {
  // Fixed prefixes first, so they are never read as tenant names.
  return [
    route('discovery', ['GET'], '/federated/\\.well-known/openid-configuration', federatedDiscoveryHandler(core)),
    route('jwks', ['GET'], '/federated/keys', federatedKeysHandler(core)),
    route('pipelines_oidc', ['POST'], '/pipelines/oidctoken', pipelinesHandler(core)),
    route('github_oidc', ['GET'], '/github/idtoken', githubHandler(core)),
    route('devicelogin', ['GET', 'POST'], '/devicelogin', deviceLoginHandler(core)),
    route('discovery', ['GET'], `/${T}/v2\\.0/\\.well-known/openid-configuration`, discoveryHandler(core, false)),
    route('discovery', ['GET'], `/${T}/\\.well-known/openid-configuration`, discoveryHandler(core, true)),
    route('discovery', ['GET'], `/${T}/discovery/instance`, instanceDiscoveryHandler(core)),
    route('jwks', ['GET'], `/${T}/discovery(?:/v2\\.0)?/keys`, jwksHandler(core)),
    route('token', ['POST'], `/${T}/oauth2/v2\\.0/token`, tokenHandler(core, false)),
    route('token_v1', ['POST'], `/${T}/oauth2/token`, tokenHandler(core, true)),
    route('devicecode', ['POST'], `/${T}/oauth2/v2\\.0/devicecode`, deviceCodeHandler(core, false)),
    route('devicecode', ['POST'], `/${T}/oauth2/devicecode`, deviceCodeHandler(core, true)),
    route('authorize', ['GET'], `/${T}/oauth2(?:/v2\\.0)?/authorize`, authorizeHandler(core)),
    route('logout', ['GET'], `/${T}/oauth2(?:/v2\\.0)?/logout`, logoutHandler()),
  ];
}

export function managedIdentityRoutes(core: Core, appServiceSecret: string, arcKeyFile: string): Route[] {
  return [
    route('imds', ['GET'], '/metadata/identity/oauth2/token/?', imdsHandler(core)),
    route('appservice', ['GET'], '/msi/token/?', appServiceHandler(core, appServiceSecret)),
    route('arc', ['GET'], '/arc/token/?', arcHandler(core, arcKeyFile)),
  ];
}

const TOKEN_ENDPOINTS = new Set<EndpointName>(['token', 'token_v1']);

function defaultFaultBody(core: Core, status: number, ctx: Ctx): object {
  const error = status === 429 || status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : 'invalid_request';
  return aadErrorBody(aad(status, error, 90033, 'A transient error has occurred. Please try again.'), core.url, ctx.correlationId);
}

export function createListener(core: Core, routes: Route[]): RequestListener {
  return (req, res) => {
    handle(core, routes, req, res).catch((e) => {
      console.error('emulator: unhandled error', e);
      if (!res.headersSent) send(res, json(500, { error: 'server_error', error_description: String(e) }));
      else res.destroy();
    });
  };
}

async function handle(core: Core, routes: Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const time = Date.now();
  const url = new URL(req.url ?? '/', core.url);
  const method = req.method ?? 'GET';
  const body = method === 'POST' ? await readBody(req) : '';
  let matched: { route: Route; tenant: string } | undefined;
  for (const r of routes) {
    const m = r.pattern.exec(url.pathname);
    if (m) {
      matched = { route: r, tenant: m[1] ?? '' };
      break;
    }
  }
  const form = new URLSearchParams(body);
  const param = (name: string) => form.get(name) ?? url.searchParams.get(name) ?? undefined;
  const ctx: Ctx = {
    method,
    url,
    headers: req.headers,
    form,
    body,
    tenant: matched?.tenant ?? '',
    correlationId: typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : undefined,
    record: {
      endpoint: matched?.route.endpoint ?? 'other',
      tenantId: matched?.tenant || undefined,
      grantType: param('grant_type'),
      clientId: param('client_id'),
      scope: param('scope'),
      resource: param('resource'),
      tokenType: param('token_type'),
      reqCnf: param('req_cnf'),
    },
  };
  const reply = await dispatch(core, matched?.route, ctx, method);
  if (matched && TOKEN_ENDPOINTS.has(matched.route.endpoint) && core.state.delayMs > 0) await sleep(core.state.delayMs);
  const entry = { time, method, path: url.pathname, ...ctx.record, status: reply.status, error: errorOf(reply) };
  core.state.record(Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)) as typeof entry);
  // Node writes a true Date header; a skewed one plays a server (or, seen from the client, a machine) with a wrong clock.
  if (core.state.clockSkewSeconds) {
    reply.headers = { ...reply.headers, date: new Date(Date.now() + core.state.clockSkewSeconds * 1000).toUTCString() };
  }
  send(res, reply);
}

async function dispatch(core: Core, route: Route | undefined, ctx: Ctx, method: string): Promise<Reply> {
  if (!route) return json(404, { error: 'not_found', error_description: `No route for ${method} ${ctx.url.pathname}` });
  if (!route.methods.includes(method)) return json(405, { error: 'invalid_request', error_description: `${method} is not supported here` });
  const fault = core.state.takeFault(route.endpoint);
  if (fault) {
    const body = typeof fault.body === 'function' ? fault.body({ form: ctx.form, query: ctx.url.searchParams, headers: ctx.headers }) : fault.body;
    if (typeof body === 'string') return { status: fault.status, html: body };
    return json(fault.status, body ?? defaultFaultBody(core, fault.status, ctx));
  }
  try {
    return await route.handler(ctx);
  } catch (e) {
    if (e instanceof AadError) return aadReply(e, core.url, ctx);
    throw e;
  }
}
