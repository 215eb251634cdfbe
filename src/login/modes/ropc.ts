// --login ropc: a username and password (login/ropc.ts).
import { bare, flagOnly, identityArgs, popArgs } from '../convert-args';
import { defineMode, keyParts, legacyPart, popPart } from '../mode';
import { option } from '../requirements';
import { USER_IDENTITY } from './devicecode';

export const ropc = defineMode({
  name: 'ropc',
  kind: 'user',
  requires: [...USER_IDENTITY, option('username', 'username'), option('password', 'password')],
  identity: (o) => ({ extra: keyParts(o.username.toLowerCase(), legacyPart(o), popPart(o)) }),
  convertArgs: (v, f) => [...identityArgs(v), ...flagOnly(f, 'username', 'password'), ...bare('--legacy', v.legacy), ...popArgs(v)],
  writesSecrets: ['password'],
  mayPrompt: false,
  pop: () => true,
});
