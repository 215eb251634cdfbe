// The only switch on the login mode.
import type { LoginMethod } from '../cli/flags';
import { azd } from './azd';
import { azurecli } from './azurecli';
import { azurepipelines } from './azurepipelines';
import { devicecode } from './devicecode';
import { interactive } from './interactive';
import { msi } from './msi';
import { ropc } from './ropc';
import { spn } from './spn';
import type { Login } from './types';
import { workloadidentity } from './workloadidentity';

const LOGINS: Record<LoginMethod, Login> = { devicecode, interactive, spn, ropc, msi, azurecli, azd, workloadidentity, azurepipelines };

export function loginFor(method: LoginMethod): Login {
  return LOGINS[method];
}
