// The registry of login modes: the only switch on the --login value. Everything that depends on the
// mode reads its descriptor (login/modes/<mode>.ts) through modeFor(); the sign-in functions are
// registered in login/logins.ts, off the cache-hit path.
import { UsageError } from '../errors';
import { LOGIN_METHODS, type LoginMethod } from './methods';
import type { LoginMode } from './mode';
import { azd } from './modes/azd';
import { azurecli } from './modes/azurecli';
import { azurepipelines } from './modes/azurepipelines';
import { devicecode } from './modes/devicecode';
import { interactive } from './modes/interactive';
import { msi } from './modes/msi';
import { ropc } from './modes/ropc';
import { spn } from './modes/spn';
import { workloadidentity } from './modes/workloadidentity';

const MODES: { readonly [M in LoginMethod]: LoginMode<M> } = {
  devicecode, interactive, spn, ropc, msi, azurecli, azd, workloadidentity, azurepipelines,
};

/** The descriptor of a --login value; a value that is not one gets Azure/kubelogin's error. */
export function modeFor(name: string): LoginMode<LoginMethod> {
  if (!Object.hasOwn(MODES, name)) {
    throw new UsageError(`'${name}' is not a supported login method. Supported method is one of ${LOGIN_METHODS.join(', ')}`);
  }
  return MODES[name as LoginMethod];
}
