// The sign-in function of each login mode: the heavy side (MSAL, jose, node-forge) of the
// descriptors in login/select.ts, loaded only off the cache-hit path. Requirements are checked
// first, before any network, as Azure/kubelogin does when it builds the credential.
import { azd } from './azd';
import { azurecli } from './azurecli';
import { azurepipelines } from './azurepipelines';
import { devicecode } from './devicecode';
import { interactive } from './interactive';
import type { LoginMode } from './mode';
import { msi } from './msi';
import { checkRequirements } from './requirements';
import { ropc } from './ropc';
import type { LoginMethod } from './methods';
import { spn } from './spn';
import type { Login } from './types';
import { workloadidentity } from './workloadidentity';

const LOGINS: Record<LoginMethod, Login> = { devicecode, interactive, spn, ropc, msi, azurecli, azd, workloadidentity, azurepipelines };

export function loginFor(mode: LoginMode<LoginMethod>): Login {
  return (ctx) => {
    checkRequirements(mode, ctx.options, ctx.env);
    return LOGINS[mode.name](ctx);
  };
}
