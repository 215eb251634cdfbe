// Fake `az` and `azd` on PATH for tests. The test writes a FakeCliConfig; the fakes append every call to
// callsFile; `az` reads its signed-in account from azureProfile.json in AZURE_CONFIG_DIR, like the real one.
import fs from 'node:fs';
import path from 'node:path';

export const fakeAzDir = __dirname;

export interface FakeToolBehaviour {
  /** A fixed token; otherwise a real one is fetched from the emulator (imdsUrl) for the requested resource. */
  token?: string;
  /** Epoch seconds reported as the expiry (default: the emulator's). */
  expiresOn?: number;
  /** azd: printed as `expiresOn` verbatim instead of the RFC 3339 form of `expiresOn` above. */
  expiresOnText?: string;
  /** az: 'old' prints only the local-time `expiresOn` (az < 2.54); default prints `expires_on` too. */
  format?: 'old' | 'new';
  /** Exit with this code and `stderr` instead of answering. */
  exitCode?: number;
  stderr?: string;
  /** Sleep before answering. */
  delayMs?: number;
  /** Start a `sleep 60` in the fake's process group and write its pid here. */
  grandchildPidFile?: string;
  /** azd only: false answers "not logged in". */
  loggedIn?: boolean;
}

export interface FakeCliConfig {
  imdsUrl?: string;
  az?: FakeToolBehaviour;
  azd?: FakeToolBehaviour;
}

export interface FakeCliCall {
  tool: 'az' | 'azd';
  args: string[];
  azureConfigDir?: string;
  time: number;
}

export interface Subscription {
  id: string;
  name?: string;
  tenantId: string;
  user: string;
  isDefault?: boolean;
}

export class FakeCli {
  readonly configFile: string;
  readonly callsFile: string;
  /** AZURE_CONFIG_DIR for the fake az. */
  readonly azureConfigDir: string;

  constructor(readonly dir: string, config: FakeCliConfig = {}) {
    for (const name of ['az', 'azd']) fs.chmodSync(path.join(fakeAzDir, name), 0o755);
    this.configFile = path.join(dir, 'fake-cli.json');
    this.callsFile = path.join(dir, 'fake-cli-calls.jsonl');
    this.azureConfigDir = path.join(dir, 'azure');
    fs.mkdirSync(this.azureConfigDir, { recursive: true });
    this.configure(config);
  }

  configure(config: FakeCliConfig): void {
    fs.writeFileSync(this.configFile, JSON.stringify({ ...config, callsFile: this.callsFile }));
  }

  /** PATH with the fakes first, the control file, and AZURE_CONFIG_DIR. */
  env(): Record<string, string> {
    return { PATH: `${fakeAzDir}${path.delimiter}${process.env.PATH}`, FAKE_AZ_CONFIG: this.configFile, AZURE_CONFIG_DIR: this.azureConfigDir };
  }

  calls(tool?: 'az' | 'azd'): FakeCliCall[] {
    if (!fs.existsSync(this.callsFile)) return [];
    const all = fs.readFileSync(this.callsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FakeCliCall);
    return tool ? all.filter((c) => c.tool === tool) : all;
  }

  /** Writes azureProfile.json (BOM first, as az does) in this fake's AZURE_CONFIG_DIR. */
  signIn(subscriptions: Subscription[]): void {
    writeAzureProfile(this.azureConfigDir, subscriptions);
  }
}

export function writeAzureProfile(configDir: string, subscriptions: Subscription[]): void {
  const subs = subscriptions.map((s) => ({
    id: s.id, name: s.name ?? s.id, state: 'Enabled', user: { name: s.user, type: 'user' }, isDefault: !!s.isDefault,
    tenantId: s.tenantId, environmentName: 'AzureCloud', homeTenantId: s.tenantId, managedByTenants: [],
  }));
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(path.join(configDir, 'azureProfile.json'), '\uFEFF' + JSON.stringify({ installationId: 'fake', subscriptions: subs }, null, 4));
}
