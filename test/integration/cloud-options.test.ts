// --environment and --authority-host as a user types them: an unknown cloud and a plain-http authority
// are one-line errors before any request; the upstream spellings are accepted in any letter case.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { oneErrorLine, tokenOf } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '66666666-1111-4222-8333-444455556666';
const APP = '66666666-aaaa-4bbb-8ccc-000000000001';
const SECRET = 'cloud~Spn.Secret-value_0123456789';

describe('--environment and --authority-host', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ clientId: APP, tenantId: TENANT, secret: SECRET });
  });
  after(() => emu.close());

  const spn = (extra: string[], env: Record<string, string> = {}) =>
    runKubelogin(['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP, '--tenant-id', TENANT, '--cache-dir', makeTempDir(), ...extra], {
      env: { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET, ...env },
    });

  test('an unknown --environment is an error listing the clouds; nothing is requested', async () => {
    emu.reset();
    for (const name of ['AzureStackCloud', 'AzureChina', 'public']) {
      const line = oneErrorLine(await spn(['--environment', name]));
      assert.match(line, new RegExp(`^Error: unknown --environment "${name}": use AzurePublicCloud, AzureUSGovernment or AzureChinaCloud .*AzureCloud, AzurePublic, AzureUSGovernmentCloud`));
    }
    assert.equal(emu.requests.length, 0);
  });

  test('upstream spellings in any letter case are accepted (--authority-host still wins)', async () => {
    for (const name of ['azurepublic', 'AZUREUSGOVERNMENT', 'AzureChinaCloud', 'azurecloud']) {
      assert.ok(tokenOf(await spn(['-e', name, '--authority-host', emu.authorityHost])), name);
    }
  });

  test('an http:// authority host is refused before any secret is sent (flag and AZURE_AUTHORITY_HOST)', async () => {
    emu.reset();
    const plain = emu.authorityHost.replace('https://', 'http://');
    for (const run of [spn(['--authority-host', plain]), spn(['--legacy'], { AZURE_AUTHORITY_HOST: plain })]) {
      assert.match(oneErrorLine(await run), /^Error: authority host "http:\/\/127\.0\.0\.1:\d+\/" must use https:\/\//);
    }
    assert.equal(emu.requests.length, 0);
  });
});
