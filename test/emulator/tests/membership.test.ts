// The emulator's group and role claims (per user and per app), the two groups overage forms, and the
// skewed Date header that doctor's clock check reads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { startEmulator, type Emulator } from '../../emulator';
import { postForm, request } from '../../helpers/http';

const TENANT = '5a5a5a5a-1111-4222-8333-444455556666';
const SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630';
const GROUPS = ['0b0b0b0b-1111-4222-8333-000000000001', '0b0b0b0b-1111-4222-8333-000000000002'];

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
  emu.addApp({ clientId: 'public' });
  emu.addApp({ clientId: 'spn', secret: 's3cret', roles: ['Cluster.Admin'], groups: GROUPS });
  emu.addApp({ clientId: 'spn-overage', secret: 's3cret', groups: GROUPS, groupsOverage: 'claim-sources' });
  emu.addUser({ username: 'alice@contoso.com', password: 'pw', tenantId: TENANT, groups: GROUPS, roles: ['Reader'] });
  emu.addUser({ username: 'olga@contoso.com', password: 'pw', tenantId: TENANT, groups: GROUPS, groupsOverage: 'claim-sources' });
  emu.addUser({ username: 'hank@contoso.com', password: 'pw', tenantId: TENANT, groups: GROUPS, groupsOverage: 'hasgroups' });
  emu.addUser({ username: 'nora@contoso.com', password: 'pw', tenantId: TENANT });
});
after(() => emu.close());

async function userClaims(username: string) {
  const { status, body } = await postForm(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
    grant_type: 'password', client_id: 'public', username, password: 'pw', scope: `${SERVER}/.default`,
  }, emu.caPem);
  assert.equal(status, 200, JSON.stringify(body));
  return decodeJwt(body.access_token);
}

async function appClaims(clientId: string) {
  const { status, body } = await postForm(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
    grant_type: 'client_credentials', client_id: clientId, client_secret: 's3cret', scope: `${SERVER}/.default`,
  }, emu.caPem);
  assert.equal(status, 200, JSON.stringify(body));
  return decodeJwt(body.access_token);
}

describe('emulator group and role claims', () => {
  test('a user with groups and roles gets both claims', async () => {
    const c = await userClaims('alice@contoso.com');
    assert.deepEqual(c.groups, GROUPS);
    assert.deepEqual(c.roles, ['Reader']);
    assert.equal(c._claim_names, undefined);
  });

  test('claim-sources overage: _claim_names/_claim_sources point at Graph, no groups claim', async () => {
    const c = await userClaims('olga@contoso.com');
    assert.equal(c.groups, undefined);
    assert.deepEqual(c._claim_names, { groups: 'src1' });
    assert.equal((c._claim_sources as { src1: { endpoint: string } }).src1.endpoint, `https://graph.windows.net/${TENANT}/users/${String(c.oid)}/getMemberObjects`);
  });

  test('hasgroups overage: hasgroups true, no groups claim', async () => {
    const c = await userClaims('hank@contoso.com');
    assert.equal(c.groups, undefined);
    assert.equal(c.hasgroups, true);
  });

  test('a user without groups gets none of these claims', async () => {
    const c = await userClaims('nora@contoso.com');
    for (const name of ['groups', 'roles', 'hasgroups', '_claim_names', '_claim_sources']) assert.equal(c[name], undefined, name);
  });

  test('apps: groups and roles per client, and the overage form for service principals', async () => {
    const c = await appClaims('spn');
    assert.deepEqual([c.groups, c.roles], [GROUPS, ['Cluster.Admin']]);
    const o = await appClaims('spn-overage');
    assert.equal(o.groups, undefined);
    assert.match((o._claim_sources as { src1: { endpoint: string } }).src1.endpoint, /\/servicePrincipals\/[0-9a-f-]+\/getMemberObjects$/);
  });
});

describe('emulator Date header', () => {
  test('is the true time by default and moves by clockSkewSeconds', async () => {
    const url = `${emu.url}/${TENANT}/v2.0/.well-known/openid-configuration`;
    const plain = await request(url, { ca: emu.caPem });
    assert.ok(Math.abs(Date.parse(String(plain.headers.date)) - Date.now()) < 5_000);
    emu.clockSkewSeconds = -600;
    try {
      const skewed = await request(url, { ca: emu.caPem });
      const off = Date.parse(String(skewed.headers.date)) - Date.now();
      assert.ok(off < -595_000 && off > -605_000, `skew ${off} ms`);
    } finally {
      emu.clockSkewSeconds = 0;
    }
  });
});
