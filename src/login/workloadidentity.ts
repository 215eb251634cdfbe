// --login workloadidentity (placeholder until implemented).
import { ConfigError } from '../errors';
import type { LoginContext, AccessToken } from './types';

export async function workloadidentity(_ctx: LoginContext): Promise<AccessToken> {
  throw new ConfigError('--login workloadidentity is not implemented yet');
}
