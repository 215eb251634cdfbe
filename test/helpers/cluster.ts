// What kubectl talks to in e2e tests: the Entra ID emulator, a fake API server that accepts its tokens for
// one audience, and kubeconfig files pointing at that server.
import path from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import { startApiServer, type ApiServer } from '../fake-apiserver';
import { writeKubeconfig, type KubeUser } from './kubeconfig';
import { makeTempDir } from './tmp';

export interface Cluster {
  emu: Emulator;
  api: ApiServer;
  /** A fresh folder for the test's kubeconfigs, caches and fake tools. */
  dir: string;
  /** Writes a kubeconfig (file relative to dir, or absolute) whose one cluster is the fake API server. */
  kubeconfig(file: string, user: KubeUser, context?: string): string;
  /** Stops the API server, then the emulator. */
  close(): Promise<void>;
}

export async function startCluster(opts: { audience: string; emulator?: EmulatorOptions }): Promise<Cluster> {
  const emu = await startEmulator(opts.emulator);
  const api = await startApiServer({ emulator: emu, audiences: [opts.audience] });
  const dir = makeTempDir('kubelogin-e2e-');
  return {
    emu,
    api,
    dir,
    kubeconfig: (file, user, context) => writeKubeconfig(path.resolve(dir, file), { server: api.url, caPem: api.caPem, user, context }),
    close: async () => {
      await api.close();
      await emu.close();
    },
  };
}
