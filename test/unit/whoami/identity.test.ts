// describeToken as a table of claims → what whoami reports; the JWT payload decoder on odd input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveTokenOptions } from '../../../src/cli/options';
import { decodeJwtPayload } from '../../../src/platform/jwt';
import { describeToken } from '../../../src/whoami/identity';
import { whoamiTable } from '../../../src/whoami/format';

const jwt = (claims: object) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const options = (...flags: Array<[string, string | boolean]>) => resolveTokenOptions([['server-id', 'srv-id'], ...flags], {}).options;
const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('describeToken', () => {
  const cases: Array<{ name: string; claims: object; flags?: Array<[string, string | boolean]>; want: Record<string, unknown> }> = [
    { name: 'user by upn', claims: { upn: 'a@x', unique_name: 'b@x', aud: 'srv-id', idtyp: 'user' }, want: { kind: 'user', user: 'a@x', userClaim: 'upn', audienceMatches: true } },
    { name: 'user by unique_name (v1)', claims: { unique_name: 'b@x', aud: 'srv-id' }, want: { user: 'b@x', userClaim: 'unique_name' } },
    { name: 'user by preferred_username (guest, v2)', claims: { preferred_username: 'c@x', aud: 'srv-id' }, want: { user: 'c@x', userClaim: 'preferred_username' } },
    { name: 'app: appid, no user', claims: { appid: 'app-1', oid: 'o-1', aud: 'srv-id', idtyp: 'app' }, want: { kind: 'app', appId: 'app-1', objectId: 'o-1', user: undefined } },
    { name: 'azp when there is no appid (v2)', claims: { azp: 'app-2', aud: 'srv-id' }, want: { appId: 'app-2' } },
    { name: 'other audience', claims: { aud: 'other' }, want: { audienceMatches: false, expectedAudience: 'srv-id' } },
    { name: 'spn: form matches', claims: { aud: 'spn:srv-id' }, flags: [['legacy', true], ['login', 'spn']], want: { audienceMatches: true, expectedAudience: 'spn:srv-id', login: 'spn (--legacy)' } },
    { name: '--legacy is ignored by ropc', claims: { aud: 'srv-id' }, flags: [['legacy', true], ['login', 'ropc']], want: { login: 'ropc', expectedAudience: 'srv-id' } },
    { name: 'groups', claims: { groups: ['g1', 'g2'] }, want: { groups: ['g1', 'g2'], groupsOverage: undefined } },
    { name: 'claim sources overage', claims: { groups: ['ignored'], _claim_names: { groups: 's1' }, _claim_sources: { s1: { endpoint: 'https://graph/x' } } }, want: { groups: undefined, groupsOverage: { form: 'claim-sources', endpoint: 'https://graph/x' } } },
    { name: 'hasgroups overage', claims: { hasgroups: true }, want: { groups: undefined, groupsOverage: { form: 'hasgroups' } } },
    { name: 'times from iat/exp', claims: { iat: 1_700_000_000, exp: 1_700_003_600 }, want: { issuedAt: 1_700_000_000_000, expiresAt: 1_700_003_600_000 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const id = describeToken(jwt(c.claims), 1, 'cache', options(...(c.flags ?? [])));
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(id[k as keyof typeof id], v, k);
    });
  }

  it('an opaque token: only the expiry is known, and the table says so', () => {
    const id = describeToken('opaque-token', NOW + 3_600_000, 'new', options());
    assert.deepEqual([id.decoded, id.expiresAt, id.audienceMatches], [false, NOW + 3_600_000, false]);
    const table = whoamiTable(id, NOW);
    assert.match(table, /^token\s+not a JWT: no claims to show$/m);
    assert.match(table, /^expires\s+2026-01-01T01:00:00Z \(in 60m\)$/m);
    assert.ok(!table.includes('opaque-token'));
  });

  it('a mismatched audience is spelled out in the table', () => {
    const table = whoamiTable(describeToken(jwt({ aud: 'other' }), NOW, 'cache', options()), NOW);
    assert.match(table, /^audience\s+other \(does NOT match --server-id srv-id: the API server will reject this token\)$/m);
  });
});

describe('decodeJwtPayload', () => {
  for (const text of ['', 'a.b', 'a..c', 'a.!!!.c', `a.${Buffer.from('[1]').toString('base64url')}.c`, `a.${Buffer.from('"s"').toString('base64url')}.c`]) {
    it(`${JSON.stringify(text)} is not a payload`, () => assert.equal(decodeJwtPayload(text), undefined));
  }
});
