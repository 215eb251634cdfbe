// --login ropc (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function ropc(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login ropc is not implemented yet');
}
