// --login devicecode (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function devicecode(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login devicecode is not implemented yet');
}
