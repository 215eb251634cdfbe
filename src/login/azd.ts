// --login azd (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function azd(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login azd is not implemented yet');
}
