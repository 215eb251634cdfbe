// --login interactive (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function interactive(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login interactive is not implemented yet');
}
