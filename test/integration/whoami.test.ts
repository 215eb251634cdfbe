// bin/kubelogin whoami against the emulator: the token get-token would serve (same cache and lock),
// decoded: mode, tenant, audience check (also the spn: form of --legacy), user or app, object id,
// groups or the overage note, roles, times, where it came from; a table or JSON; never the token.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { withSettings } from '../helpers/emulator-settings';
import { claimsOf, oneErrorLine, tokenOf } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { execUser, writeKubeconfigContexts } from '../helpers/kubeconfig';
import { runKubelogin, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '13a13a13-1111-4222-8333-444455556666';
const SPN = { clientId: '13a13a13-aaaa-4bbb-8ccc-000000000001', secret: 'whoami~Spn.Secret-0123456789' };
const PUBLIC_APP = '13a13a13-aaaa-4bbb-8ccc-000000000002';
const GROUPS = ['9a9a9a9a-1111-4222-8333-000000000001', '9a9a9a9a-1111-4222-8333-000000000002'];
const ALICE = { username: 'alice@contoso.com', password: 'Alice-Pass-4711', groups: GROUPS, roles: ['Cluster.Reader'] };
const OLGA = { username: 'olga@contoso.com', password: 'Olga-Pass-4711', groups: GROUPS, groupsOverage: 'claim-sources' as const };
const HANK = { username: 'hank@contoso.com', password: 'Hank-Pass-4711', groups: GROUPS, groupsOverage: 'hasgroups' as const };

interface WhoamiJson {
  login: string; tokenType: string; tenant: string; audience: string; serverId: string; audienceMatchesServerId: boolean;
  kind: string; user: string | null; userClaim: string | null; appId: string; objectId: string; groups: string[] | null;
  groupsOverage: { form: string; endpoint?: string } | null; roles: string[]; issuedAt: string; expiresAt: string; source: string;
}

describe('kubelogin whoami', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ ...SPN, tenantId: TENANT, roles: ['Deployer'] });
    emu.addApp({ clientId: PUBLIC_APP, tenantId: TENANT, publicClient: true });
    for (const u of [ALICE, OLGA, HANK]) emu.addUser({ ...u, tenantId: TENANT });
  });
  after(() => emu.close());

  const spnArgs = (cacheDir: string) => ['--login', 'spn', '--server-id', SERVER_ID, '--client-id', SPN.clientId, '--tenant-id', TENANT,
    '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const ropcArgs = (cacheDir: string, u: { username: string; password: string }) => ['--login', 'ropc', '--server-id', SERVER_ID,
    '--client-id', PUBLIC_APP, '--tenant-id', TENANT, '--username', u.username, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const spnEnv = () => ({ ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret });
  const userEnv = (u: { password: string }) => ({ ...emulatorEnv(emu), AAD_USER_PRINCIPAL_PASSWORD: u.password });

  function jsonOf(r: RunResult): WhoamiJson {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as WhoamiJson;
  }

  /** Neither the token (any JWT) nor the secrets appear anywhere in the output. */
  function assertNoSecrets(r: RunResult, ...secrets: string[]) {
    const all = r.stdout + r.stderr;
    assert.doesNotMatch(all, /eyJ[A-Za-z0-9_-]{10,}/, 'no JWT in the output');
    for (const s of secrets) assert.ok(!all.includes(s), 'no secret in the output');
  }

  it('spn: a table with the app, tenant, audience check, roles and a new sign-in; then a cache hit that get-token serves too', async () => {
    emu.reset();
    const cacheDir = makeTempDir();
    const first = await runKubelogin(['whoami', ...spnArgs(cacheDir)], { env: spnEnv() });
    assert.equal(first.code, 0, first.stderr);
    assertNoSecrets(first, SPN.secret);
    const rows = new Map(first.stdout.trimEnd().split('\n').map((l) => /^(\S+(?: \S+)*) {2,}(.*)$/.exec(l)!.slice(1, 3) as [string, string]));
    assert.equal(rows.get('login mode'), 'spn');
    assert.equal(rows.get('tenant'), TENANT);
    assert.equal(rows.get('audience'), `${SERVER_ID} (matches --server-id)`);
    assert.equal(rows.get('app id'), SPN.clientId);
    assert.match(rows.get('object id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(rows.get('groups'), 'none');
    assert.equal(rows.get('roles'), 'Deployer');
    assert.match(rows.get('expires') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in (59|60)m\)$/);
    assert.equal(rows.get('source'), 'new sign-in');
    assert.equal(emu.count({ endpoint: 'token' }), 1);

    const second = await runKubelogin(['whoami', ...spnArgs(cacheDir)], { env: spnEnv() });
    assert.match(second.stdout, /^source\s+cache hit$/m);
    // get-token serves the very token whoami fetched and cached: still one token request.
    const token = tokenOf(await runKubelogin(['get-token', ...spnArgs(cacheDir)], { env: spnEnv() }));
    assert.equal(emu.count({ endpoint: 'token' }), 1);
    assert.ok(!first.stdout.includes(token) && !second.stdout.includes(token));
    assert.equal(claimsOf(token).appid, SPN.clientId);
  });

  it('-o json: a user with groups and roles, object id and upn as the token has them', async () => {
    const r = await runKubelogin(['whoami', '-o', 'json', ...ropcArgs(makeTempDir(), ALICE)], { env: userEnv(ALICE) });
    assertNoSecrets(r, ALICE.password);
    const j = jsonOf(r);
    assert.deepEqual(
      [
        j.login, j.tokenType, j.kind, j.user, j.userClaim, j.appId, j.tenant,
        j.audienceMatchesServerId, j.groups, j.groupsOverage, j.roles, j.source,
      ],
      ['ropc', 'Bearer', 'user', ALICE.username, 'upn', PUBLIC_APP, TENANT, true, GROUPS, null, ALICE.roles, 'new sign-in'],
    );
    assert.match(j.objectId, /^[0-9a-f-]{36}$/);
    assert.ok(Date.parse(j.expiresAt) > Date.parse(j.issuedAt));
  });

  it('a groups overage (_claim_names/_claim_sources) is named, with the Graph endpoint, instead of groups', async () => {
    const cacheDir = makeTempDir();
    const j = jsonOf(await runKubelogin(['whoami', '--output=json', ...ropcArgs(cacheDir, OLGA)], { env: userEnv(OLGA) }));
    assert.equal(j.groups, null);
    assert.equal(j.groupsOverage?.form, 'claim-sources');
    assert.equal(j.groupsOverage?.endpoint, `https://graph.windows.net/${TENANT}/users/${j.objectId}/getMemberObjects`);
    const table = await runKubelogin(['whoami', ...ropcArgs(cacheDir, OLGA)], { env: userEnv(OLGA) });
    assert.match(table.stdout, /^groups\s+not in the token: groups overage \(_claim_names\/_claim_sources; over 200 groups\)$/m);
    assert.match(table.stdout, /^\s+the cluster must look them up in Microsoft Graph \(https:\/\/graph\.windows\.net\//m);
  });

  it('a hasgroups overage is named too', async () => {
    const j = jsonOf(await runKubelogin(['whoami', '-o', 'json', ...ropcArgs(makeTempDir(), HANK)], { env: userEnv(HANK) }));
    assert.deepEqual([j.groups, j.groupsOverage], [null, { form: 'hasgroups' }]);
  });

  it('refreshed: a cached sign-in whose access token is inside the refresh margin is refreshed silently', async () => {
    const cacheDir = makeTempDir();
    await withSettings(emu, { tokenLifetimeSeconds: 200 }, async () => {
      tokenOf(await runKubelogin(['get-token', ...ropcArgs(cacheDir, ALICE)], { env: userEnv(ALICE) }));
      emu.reset();
      const j = jsonOf(await runKubelogin(['whoami', '-o', 'json', ...ropcArgs(cacheDir, ALICE)], { env: userEnv(ALICE) }));
      assert.equal(j.source, 'refreshed');
      assert.deepEqual([emu.count({ grantType: 'refresh_token' }), emu.count({ grantType: 'password' })], [1, 0]);
    });
  });

  it('--legacy: the spn: audience form matches --server-id', async () => {
    const r = await runKubelogin(['whoami', '--legacy', ...spnArgs(makeTempDir())], { env: spnEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^login mode\s+spn \(--legacy\)$/m);
    assert.match(r.stdout, new RegExp(`^audience\\s+spn:${SERVER_ID} \\(matches --server-id, spn: form of --legacy\\)$`, 'm'));
  });

  it('PoP: the access token inside the PoP token is described', async () => {
    const r = await runKubelogin(['whoami', '-o', 'json', '--pop-enabled', '--pop-claims', 'u=/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/c', ...spnArgs(makeTempDir())], { env: spnEnv() });
    const j = jsonOf(r);
    assert.deepEqual([j.tokenType, j.appId, j.audienceMatchesServerId], ['PoP', SPN.clientId, true]);
  });

  describe('--context', () => {
    let kubeconfig: string;
    let spnCache: string;
    before(() => {
      const dir = makeTempDir();
      spnCache = path.join(dir, 'spn-cache');
      kubeconfig = writeKubeconfigContexts(path.join(dir, 'config'), 'https://127.0.0.1:1', emu.caPem, [
        // The secret and the CA live only in the exec entry's env, as a kubeconfig may have them.
        { context: 'ci', user: execUser(['get-token', ...spnArgs(spnCache)], { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SPN.secret, NODE_EXTRA_CA_CERTS: emu.caFile }) },
        { context: 'alice', user: execUser(['get-token', ...ropcArgs(path.join(dir, 'alice-cache'), ALICE)], { AAD_USER_PRINCIPAL_PASSWORD: ALICE.password }) },
        { context: 'static', user: { token: 'static-token-value' } },
      ], 'alice');
    });

    it('reads the context\'s exec args and env (secret and CA only there), like kubectl would run get-token', async () => {
      const r = await runKubelogin(['whoami', '--context', 'ci', '--kubeconfig', kubeconfig, '-o', 'json']);
      assertNoSecrets(r, SPN.secret);
      const j = jsonOf(r);
      assert.deepEqual([j.login, j.kind, j.appId, j.tenant], ['spn', 'app', SPN.clientId, TENANT]);
      // The same cache the kubeconfig's get-token uses.
      const again = jsonOf(await runKubelogin(['whoami', '--context', 'ci', '-o', 'json'], { env: { KUBECONFIG: kubeconfig } }));
      assert.equal(again.source, 'cache hit');
    });

    it('without --context or flags, the current context is used', async () => {
      const j = jsonOf(await runKubelogin(['whoami', '-o', 'json', '--kubeconfig', kubeconfig], { env: emulatorEnv(emu) }));
      assert.deepEqual([j.kind, j.user, j.groups], ['user', ALICE.username, GROUPS]);
    });

    it('errors are one line, nothing on stdout: unknown context, a non-plugin user, --context with flags, a bad -o', async () => {
      const cases: Array<[string[], RegExp]> = [
        [['--context', 'nope'], /^Error: no context exists with the name: "nope"/],
        [['--context', 'static'], /^Error: context "static" does not log in with kubelogin get-token; pass the get-token flags instead/],
        [['--context', 'ci', '--server-id', SERVER_ID], /^Error: pass either --context or the get-token flags, not both/],
        [['--context', 'ci', '-o', 'yaml'], /^Error: unknown output format "yaml": use -o table or -o json$/],
      ];
      for (const [args, want] of cases) {
        const r = await runKubelogin(['whoami', '--kubeconfig', kubeconfig, ...args], { env: emulatorEnv(emu) });
        assert.match(oneErrorLine(r), want);
      }
    });
  });

  it('a failed sign-in is get-token\'s one error line, and nothing on stdout', async () => {
    const r = await runKubelogin(['whoami', ...spnArgs(makeTempDir())], { env: { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: 'wrong-secret-value' } });
    assert.match(oneErrorLine(r), /^Error: failed to get token: .*AADSTS7000215/);
  });

  it('at -v 9 neither the token nor the secret reaches stderr', async () => {
    const r = await runKubelogin(['whoami', '-v', '9', ...spnArgs(makeTempDir())], { env: spnEnv() });
    assert.equal(r.code, 0, r.stderr);
    assertNoSecrets(r, SPN.secret);
  });
});
