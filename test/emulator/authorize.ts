// The authorization endpoint: signs in the login_hint user (or `interactiveUser`) without any UI and sends the
// code back by form_post, query or fragment, as the request asked.
import type { Core } from './core';
import { escapeHtml, type Ctx, type Handler, type Reply } from './http';
import { errors, type AadError } from './errors';
import { clientInfo, opaque } from './jwt';
import { isTenantAlias } from './state';

const CODE_LIFETIME_MS = 10 * 60 * 1000;

export function authorizeHandler(core: Core): Handler {
  return (ctx) => {
    const q = ctx.url.searchParams;
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    const app = clientId ? core.state.findApp(clientId) : undefined;
    if (!app) return errorPage(errors.unknownApp(clientId, ctx.tenant));
    if (!isUrl(redirectUri)) return errorPage(errors.missingParameter('redirect_uri'));

    const mode = q.get('response_mode') ?? 'query';
    const respond = (params: Record<string, string>) => deliver(redirectUri, mode, params);
    const state = q.get('state') ?? undefined;
    const withState = (p: Record<string, string>) => (state === undefined ? p : { ...p, state });

    if (q.get('response_type') !== 'code') {
      return respond(withState({ error: 'unsupported_response_type', error_description: 'AADSTS70005: response_type is not supported; use code.' }));
    }
    const username = q.get('login_hint') || core.state.interactiveUser;
    const user = username ? core.state.findUser(username) : undefined;
    const wrongTenant = user?.tenantId && !isTenantAlias(ctx.tenant) && user.tenantId.toLowerCase() !== ctx.tenant.toLowerCase();
    if (!user || wrongTenant) {
      return respond(withState({ error: 'login_required', error_description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.' }));
    }

    const code = opaque(48);
    core.state.authCodes.set(code, {
      clientId: app.clientId,
      tenant: ctx.tenant,
      username: user.username,
      scope: q.get('scope') ?? 'openid profile offline_access',
      redirectUri,
      codeChallenge: q.get('code_challenge') ?? undefined,
      codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
      nonce: q.get('nonce') || undefined,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    const tid = core.state.tokenTenant(ctx.tenant, user.tenantId);
    return respond(withState({ code, client_info: clientInfo(user.oid, tid), session_state: opaque(16) }));
  };
}

function isUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function deliver(redirectUri: string, mode: string, params: Record<string, string>): Reply {
  if (mode === 'form_post') {
    const inputs = Object.entries(params)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`)
      .join('');
    return {
      status: 200,
      html: `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>`,
    };
  }
  const target = new URL(redirectUri);
  const encoded = new URLSearchParams(params).toString();
  if (mode === 'fragment') target.hash = encoded;
  else for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
  return { status: 302, headers: { location: target.toString() } };
}

function errorPage(e: AadError): Reply {
  return { status: 400, html: `<html><body><h1>Sign in</h1><p>AADSTS${e.code}: ${escapeHtml(e.text)}</p></body></html>` };
}

export function logoutHandler(): Handler {
  return (ctx: Ctx): Reply => {
    const back = ctx.url.searchParams.get('post_logout_redirect_uri');
    if (back && isUrl(back)) return { status: 302, headers: { location: back } };
    return { status: 200, html: '<html><body>You have signed out.</body></html>' };
  };
}
