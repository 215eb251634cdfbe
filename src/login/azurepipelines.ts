// --login azurepipelines (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function azurepipelines(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login azurepipelines is not implemented yet');
}
