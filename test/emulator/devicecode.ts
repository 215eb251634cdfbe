// Device authorization grant (RFC 8628): the /devicecode endpoint, token polling, and the /devicelogin page.
import { randomInt } from 'node:crypto';
import type { Core } from './core';
import { escapeHtml, json, type Ctx, type Handler, type Reply } from './http';
import { findClient } from './clients';
import { errors } from './errors';
import { opaque } from './jwt';
import { parseScope } from './scopes';
import type { App, DeviceCodeEntry } from './state';

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const normalizeUserCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();

function newUserCode(): string {
  let code = '';
  for (let i = 0; i < 9; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

export function deviceCodeHandler(core: Core, v1: boolean): Handler {
  return (ctx) => {
    const app = findClient(core, ctx);
    const { state } = core;
    let scope = '';
    let resource: string | undefined;
    if (v1) {
      resource = ctx.form.get('resource') ?? undefined;
      if (!resource) throw errors.missingParameter('resource');
    } else {
      scope = ctx.form.get('scope') ?? '';
      if (!scope) throw errors.missingParameter('scope');
      parseScope(scope, { clientCredentials: false });
    }
    const { interval, expiresIn } = state.deviceCode;
    const entry: DeviceCodeEntry = {
      deviceCode: opaque(48),
      userCode: newUserCode(),
      clientId: app.clientId,
      tenant: ctx.tenant,
      scope,
      resource,
      v1,
      expiresAt: Date.now() + expiresIn * 1000,
      polls: 0,
    };
    state.deviceCodes.set(entry.deviceCode, entry);
    state.lastDeviceCode = entry;
    const verificationUri = `${core.url}/devicelogin`;
    const message = `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${entry.userCode} to authenticate.`;
    // v1 (ADAL) sends numbers as strings and calls the page verification_url.
    return json(200, v1
      ? {
        user_code: entry.userCode, device_code: entry.deviceCode, verification_url: verificationUri,
        expires_in: String(expiresIn), interval: String(Math.ceil(interval)), message,
      }
      : {
        user_code: entry.userCode, device_code: entry.deviceCode, verification_uri: verificationUri,
        expires_in: expiresIn, interval, message,
      });
  };
}

/** One poll of the token endpoint: the approved entry, or the RFC 8628 error this poll deserves. */
export function pollDeviceCode(core: Core, ctx: Ctx, app: App, v1: boolean): DeviceCodeEntry {
  const param = v1 ? 'code' : 'device_code';
  const code = ctx.form.get(param);
  if (!code) throw errors.missingParameter(param);
  const entry = core.state.deviceCodes.get(code);
  if (!entry) throw errors.invalidGrant(param);
  if (entry.clientId.toLowerCase() !== app.clientId.toLowerCase()) throw errors.clientMismatch();
  const settings = core.state.deviceCode;
  entry.polls++;
  if (entry.redeemed) throw errors.codeRedeemed();
  if (Date.now() > entry.expiresAt) throw errors.deviceCodeExpired();
  if (settings.denyAll || entry.declined) throw errors.declined();
  if (entry.polls <= settings.slowDownTimes) throw errors.slowDown();
  if (!entry.approvedBy && settings.autoApproveAs) {
    // The first real poll sees "pending"; the approval lands before the next one.
    if (entry.polls > settings.slowDownTimes + 1) entry.approvedBy = settings.autoApproveAs;
  }
  if (!entry.approvedBy) throw errors.authorizationPending();
  if (!core.state.findUser(entry.approvedBy)) throw new Error(`device code approved as unknown user ${entry.approvedBy}`);
  entry.redeemed = true;
  return entry;
}

export function approveDeviceCode(core: Core, userCode: string, username: string, decline = false): void {
  const wanted = normalizeUserCode(userCode);
  const entry = [...core.state.deviceCodes.values()].find((e) => e.userCode === wanted);
  if (!entry) throw new Error(`no device code with user code ${userCode}`);
  if (decline) {
    entry.declined = true;
    return;
  }
  if (!core.state.findUser(username)) throw new Error(`unknown user ${username}`);
  entry.approvedBy = username;
}

const page = (body: string) => `<!DOCTYPE html><html><head><title>Enter code</title></head><body>${body}</body></html>`;

/** GET shows a form; POST `code=...&username=...[&action=deny]` approves or declines, as a person would. */
export function deviceLoginHandler(core: Core): Handler {
  return (ctx): Reply => {
    if (ctx.method === 'GET') {
      return {
        status: 200,
        html: page(`<form method="POST" action="${escapeHtml(core.url)}/devicelogin">
<input name="code" placeholder="Code"><input name="username" placeholder="Username">
<button name="action" value="approve">Sign in</button><button name="action" value="deny">Deny</button></form>`),
      };
    }
    const code = ctx.form.get('code') ?? '';
    const username = ctx.form.get('username') ?? '';
    try {
      approveDeviceCode(core, code, username, ctx.form.get('action') === 'deny');
    } catch (e) {
      return { status: 400, html: page(`<p>${escapeHtml((e as Error).message)}</p>`) };
    }
    return { status: 200, html: page('<p>You have signed in to the application on your device. You may now close this window.</p>') };
  };
}
