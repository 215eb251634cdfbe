// What may reach MSAL's TokenCache.deserialize: a table of well-formed and malformed caches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { msalCacheProblem } from '../../../src/cache/msal-shape';

const RT = { home_account_id: 'uid.utid', environment: 'login.example', credential_type: 'RefreshToken', client_id: 'c', secret: 'rt-secret-value' };
const AT = { home_account_id: '', environment: 'e', credential_type: 'AccessToken', client_id: 'c', secret: 's', realm: 't', target: 'x/.default', cached_at: '1', expires_on: '2', extended_expires_on: '2', token_type: 'Bearer' };
const ACCOUNT = { home_account_id: 'uid.utid', environment: 'e', realm: 't', username: 'u@x', authority_type: 'MSSTS', tenantProfiles: [JSON.stringify({ tenantId: 't' })] };

describe('msalCacheProblem', () => {
  const good: Array<[string, unknown]> = [
    ['an empty object', {}],
    ['what msal-node serialises when empty', { Account: {}, IdToken: {}, AccessToken: {}, RefreshToken: {}, AppMetadata: {} }],
    ['a user cache', { Account: { a: ACCOUNT }, RefreshToken: { r: RT }, AccessToken: { t: AT }, AppMetadata: { m: { client_id: 'c', environment: 'e', family_id: '1' } } }],
    ['an access token with cache key components', { AccessToken: { t: { ...AT, additionalCacheKeyComponents: { a: 'b' } } } }],
  ];
  for (const [name, cache] of good) it(`accepts ${name}`, () => assert.equal(msalCacheProblem(JSON.stringify(cache)), undefined));

  const bad: Array<[string, string, RegExp]> = [
    ['not JSON', '{"Account":', /not JSON/],
    ['NUL bytes', '\0\0', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['a section that is a string', JSON.stringify({ RefreshToken: 'x' }), /RefreshToken is not an object/],
    ['an entry that is a number', JSON.stringify({ RefreshToken: { r: 1 } }), /RefreshToken entry is not an object/],
    ['a refresh token without secret', JSON.stringify({ RefreshToken: { r: { ...RT, secret: undefined } } }), /bad secret/],
    ['a numeric expiry', JSON.stringify({ AccessToken: { t: { ...AT, expires_on: 2 } } }), /bad expires_on/],
    ['tenant profiles that are not JSON', JSON.stringify({ Account: { a: { ...ACCOUNT, tenantProfiles: ['{'] } } }), /bad tenantProfiles/],
    ['cache key components that are not strings', JSON.stringify({ AccessToken: { t: { ...AT, additionalCacheKeyComponents: { a: 1 } } } }), /bad additionalCacheKeyComponents/],
  ];
  for (const [name, text, why] of bad) it(`rejects ${name}`, () => assert.match(msalCacheProblem(text) ?? 'accepted', why));

  it('never names a secret in the problem', () => {
    const p = msalCacheProblem(JSON.stringify({ RefreshToken: { 'secret-looking-key': { ...RT, client_id: 5 } } }));
    assert.ok(p && !p.includes('secret-looking-key') && !p.includes(RT.secret));
  });
});
