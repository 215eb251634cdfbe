// --login spn (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function spn(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login spn is not implemented yet');
}
