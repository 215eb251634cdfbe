// convert-kubeconfig (placeholder until implemented).
import type { Env } from '../cli/env';
import type { TokenOptions } from '../cli/options';
import { ConfigError } from '../errors';
import type { Logger } from '../platform/log';

export interface ConvertInput {
  options: TokenOptions;
  /** Long names of the flags given on the command line. */
  setFlags: Set<string>;
  kubeconfig?: string;
  context?: string;
  azureConfigDir?: string;
  dryRun: boolean;
}

export async function convertKubeconfig(_input: ConvertInput, _deps: { env: Env; log: Logger; stdout: (text: string) => void }): Promise<void> {
  throw new ConfigError('convert-kubeconfig is not implemented yet');
}
