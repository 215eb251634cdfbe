// --login msi (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function msi(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login msi is not implemented yet');
}
