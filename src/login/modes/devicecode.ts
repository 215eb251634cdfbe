// --login devicecode: a person signs in with a code on another device (login/devicecode.ts).
import { bare, identityArgs, pair } from '../convert-args';
import { defineMode, keyParts, legacyPart } from '../mode';
import { option } from '../requirements';

/** The client id and tenant every user (public client) mode needs. */
export const USER_IDENTITY = [
  option('client-id', 'client ID', '(for AKS: 80faf920-1908-4b52-b5ef-a8e7bedfc67a)'),
  option('tenant-id', 'tenant ID'),
];

export const devicecode = defineMode({
  name: 'devicecode',
  kind: 'user',
  requires: USER_IDENTITY,
  // --login-hint picks one of the tenant's signed-in accounts, so two users' tokens never share a file.
  identity: (o) => ({ extra: keyParts(legacyPart(o), o.loginHint ? `hint:${o.loginHint.toLowerCase()}` : '') }),
  convertArgs: (v) => [...identityArgs(v), ...bare('--legacy', v.legacy), ...pair('--login-hint', v.loginHint)],
  mayPrompt: true,
});
