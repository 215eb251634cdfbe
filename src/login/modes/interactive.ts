// --login interactive: a person signs in in a browser (login/interactive.ts).
import { identityArgs, pair, popArgs } from '../convert-args';
import { defineMode, keyParts, popPart } from '../mode';
import { USER_IDENTITY } from './devicecode';

export const interactive = defineMode({
  name: 'interactive',
  kind: 'user',
  requires: USER_IDENTITY,
  identity: (o) => ({ extra: keyParts(o.loginHint.toLowerCase(), popPart(o)) }),
  convertArgs: (v) => [...identityArgs(v), ...popArgs(v), ...pair('--redirect-url', v.redirectUrl), ...pair('--login-hint', v.loginHint)],
  mayPrompt: true,
  pop: () => true,
});
