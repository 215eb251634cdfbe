// --login azurecli (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function azurecli(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login azurecli is not implemented yet');
}
