// OpenID discovery documents (v2 and v1), instance discovery and the signing keys, per tenant.
import type { Core } from './core';
import { json, type Handler } from './http';
import { isTenantAlias } from './state';

/** Fields mirror login.microsoftonline.com's; MSAL requires authorization_endpoint, token_endpoint, issuer, jwks_uri. */
export function openIdConfiguration(core: Core, tenant: string, v1 = false): Record<string, unknown> {
  const base = `${core.url}/${tenant}`;
  // Multi-tenant aliases advertise a templated issuer, as Entra does; MSAL substitutes the real tenant.
  const issuerTenant = isTenantAlias(tenant) ? '{tenantid}' : tenant;
  const oauth = v1 ? `${base}/oauth2` : `${base}/oauth2/v2.0`;
  return {
    token_endpoint: `${oauth}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: v1 ? `${base}/discovery/keys` : `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: v1 ? `${core.url}/${issuerTenant}/` : `${core.url}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${core.url}/oidc/userinfo`,
    authorization_endpoint: `${oauth}/authorize`,
    device_authorization_endpoint: `${oauth}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${oauth}/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'WW',
    cloud_instance_name: new URL(core.url).host,
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

export const discoveryHandler = (core: Core, v1: boolean): Handler => (ctx) => json(200, openIdConfiguration(core, ctx.tenant, v1));

/** `/common/discovery/instance`: the answer MSAL expects when it validates an authority it doesn't know. */
export function instanceDiscoveryHandler(core: Core): Handler {
  return (ctx) => {
    const host = new URL(core.url).host;
    let tenant = ctx.tenant;
    const authorizeEndpoint = ctx.url.searchParams.get('authorization_endpoint');
    if (authorizeEndpoint) {
      try {
        tenant = new URL(authorizeEndpoint).pathname.split('/')[1] || tenant;
      } catch {
        // keep the path tenant
      }
    }
    return json(200, {
      tenant_discovery_endpoint: `${core.url}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  };
}

export const jwksHandler = (core: Core): Handler => () => json(200, { keys: [core.signer.publicJwk] });
