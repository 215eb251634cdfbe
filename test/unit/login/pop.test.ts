import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import type { TokenOptions } from '../../../src/cli/options';
import { UsageError } from '../../../src/errors';
import { popApplies } from '../../../src/cli/options';
import { parsePopClaims, startPop } from '../../../src/login/pop';
import { newPopKey, popKeySigns, popKid, popReqCnf, signPopToken, type RsaPrivateJwk } from '../../../src/login/pop-token';
import type { LoginContext } from '../../../src/login/types';
import { createLogger } from '../../../src/platform/log';

const ARM_ID = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1';
const NO_CLAIMS = 'unable to parse PoP claims: failed to parse PoP token claims: no claims provided; pass --pop-claims';
const BAD_PAIR = 'unable to parse PoP claims: failed to parse PoP token claims. Ensure the claims are formatted as `key=value` with no extra whitespace; pass --pop-claims';
const NO_U = 'unable to parse PoP claims: required u-claim not provided for PoP token flow. Please provide the ARM ID of the cluster in the format `u=<ARM_ID>`; pass --pop-claims';

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
/** An unsigned JWT-shaped string with these claims (the access token's signature is not this module's business). */
const fakeAt = (claims: object) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

/** RFC 7638 by hand: SHA-256 over the required RSA members in lexicographic order, no whitespace. */
function thumbprint(jwk: { e: string; n: string }): string {
  return createHash('sha256').update(`{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`).digest('base64url');
}

describe('parsePopClaims', () => {
  test('claims → map (keys and values trimmed, u required)', () => {
    const table: Array<[string, Record<string, string>]> = [
      [`u=${ARM_ID}`, { u: ARM_ID }],
      ['u=host, 1=2', { u: 'host', 1: '2' }],
      [' u = host ,k=v', { u: 'host', k: 'v' }],
      ['k=v,u=host', { k: 'v', u: 'host' }],
      ['u=first,u=second', { u: 'second' }],
      ['u=a=b', { u: 'a=b' }],
    ];
    for (const [input, want] of table) assert.deepEqual({ ...parsePopClaims(input) }, want, input);
  });

  test('malformed claims → upstream wording, then what to pass', () => {
    const table: Array<[string, string]> = [
      ['', NO_CLAIMS],
      ['\t   ', NO_CLAIMS],
      ['claim1=val1,claim2', BAD_PAIR],
      ['claim1=  ', BAD_PAIR],
      ['invalid-format', BAD_PAIR],
      ['=v,u=x', BAD_PAIR],
      ['u=x,', BAD_PAIR],
      ['key=value', NO_U],
      ['U=host', NO_U],
    ];
    for (const [input, want] of table) {
      assert.throws(() => parsePopClaims(input), (err: Error) => {
        assert.ok(err instanceof UsageError, input);
        assert.ok(err.message.startsWith(want), `${JSON.stringify(input)}: ${err.message}`);
        assert.ok(!err.message.includes('\n'));
        return true;
      });
    }
  });
});

test('popApplies: interactive, ropc and spn without --legacy; every other mode ignores --pop-enabled', () => {
  const table: Array<[TokenOptions['loginMethod'], boolean, boolean, boolean]> = [
    ['spn', true, false, true],
    ['spn', true, true, false],
    ['ropc', true, true, true],
    ['interactive', true, false, true],
    ['spn', false, false, false],
    ['devicecode', true, false, false],
    ['msi', true, false, false],
    ['workloadidentity', true, false, false],
    ['azurecli', true, false, false],
  ];
  for (const [loginMethod, popEnabled, legacy, want] of table) {
    assert.equal(popApplies({ loginMethod, popEnabled, legacy }), want, `${loginMethod} pop=${popEnabled} legacy=${legacy}`);
  }
});

/** A key with the shape the old per-run API had: kid, req_cnf and a signer (now over the cached JWK). */
async function createPopKey() {
  const jwk = await newPopKey();
  const kid = popKid(jwk);
  return { jwk, kid, reqCnf: popReqCnf(kid), sign: async (at: string, u: string, now = Date.now()) => signPopToken(jwk, at, u, now) };
}

describe('PoP key and token (node:crypto)', () => {
  test('the key is an RSA-2048 private JWK with every member', async () => {
    const jwk = await newPopKey();
    assert.equal(jwk.kty, 'RSA');
    for (const m of ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const) assert.match(jwk[m], /^[A-Za-z0-9_-]+$/, m);
    assert.equal(Buffer.from(jwk.n, 'base64url').length * 8, 2048);
  });

  test('the same cached key signs the same kid every time, each token verifying with the embedded jwk', async () => {
    const jwk: RsaPrivateJwk = JSON.parse(JSON.stringify(await newPopKey()));
    const kids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const token = signPopToken(jwk, 'at', ARM_ID, Date.now());
      kids.add(String(decodeProtectedHeader(token).kid));
      await jwtVerify(token, await importJWK(b64json(token.split('.')[1]).cnf.jwk, 'RS256'), { typ: 'pop' });
    }
    assert.deepEqual([...kids], [popKid(jwk)]);
  });

  test('req_cnf names the key by its RFC 7638 thumbprint, software-held', async () => {
    const key = await createPopKey();
    assert.deepEqual(b64json(key.reqCnf), { kid: key.kid, xms_ksl: 'sw' });
    assert.match(key.reqCnf, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
    assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/, 'SHA-256, base64url');
  });

  test('the signed token: header, payload, RS256 by the embedded RSA-2048 jwk whose thumbprint is the kid', async () => {
    const key = await createPopKey();
    const at = fakeAt({ aud: 'server', cnf: { kid: key.kid } });
    const now = Date.now();
    const token = await key.sign(at, ARM_ID, now);
    const [h, p] = token.split('.');
    const header = b64json(h);
    const payload = b64json(p);
    assert.deepEqual(header, { typ: 'pop', alg: 'RS256', kid: key.kid });
    assert.deepEqual(Object.keys(payload), ['at', 'ts', 'u', 'cnf', 'nonce']);
    assert.equal(payload.at, at);
    assert.equal(payload.u, ARM_ID);
    assert.equal(payload.ts, Math.floor(now / 1000));
    assert.match(payload.nonce, /^[0-9a-f]{32}$/);
    const jwk = payload.cnf.jwk as JWK & { e: string; n: string };
    assert.deepEqual(Object.keys(jwk), ['e', 'kty', 'n', 'alg', 'kid']);
    assert.deepEqual([jwk.kty, jwk.alg, jwk.kid, jwk.e], ['RSA', 'RS256', key.kid, 'AQAB']);
    assert.equal(Buffer.from(jwk.n, 'base64url').length * 8, 2048);
    assert.equal(thumbprint(jwk), key.kid);
    const verified = await jwtVerify(token, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'], typ: 'pop' });
    assert.equal(verified.payload.u, ARM_ID);
  });

  test('a token signed by another key does not verify with this jwk', async () => {
    const [a, b] = await Promise.all([createPopKey(), createPopKey()]);
    assert.notEqual(a.kid, b.kid);
    const token = await a.sign('at', 'u');
    const otherJwk = b64json((await b.sign('at', 'u')).split('.')[1]).cnf.jwk;
    await assert.rejects(jwtVerify(token, await importJWK(otherJwk, 'RS256')));
  });

  test('a damaged key that still parses: an empty modulus never signs a token, a damaged one fails the key check', async () => {
    const jwk = await newPopKey();
    assert.equal(popKeySigns(jwk), true);
    // OpenSSL signs with an empty modulus to an empty signature: a token ending in "." must never be printed.
    const empty = { ...jwk, n: 'AAAA', d: 'AAAA' };
    assert.throws(() => signPopToken(empty, 'at', ARM_ID, Date.now()), /not as long as its modulus/);
    assert.equal(popKeySigns(empty), false);
    // One character of the modulus changed: still a 2048-bit key that signs, but not one its public half verifies.
    const i = 100;
    const flipped = { ...jwk, n: jwk.n.slice(0, i) + (jwk.n[i] === 'A' ? 'B' : 'A') + jwk.n.slice(i + 1) };
    assert.equal(popKeySigns(flipped), false);
  });

  test('every signature has its own nonce', async () => {
    const key = await createPopKey();
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++) nonces.add(b64json((await key.sign('at', 'u')).split('.')[1]).nonce);
    assert.equal(nonces.size, 5);
  });
});

describe('startPop', () => {
  function ctx(popClaims: string, popKey?: RsaPrivateJwk, lines: string[] = []): LoginContext {
    return { options: { popClaims } as TokenOptions, popKey, log: createLogger(10, (l) => void lines.push(l)) } as LoginContext;
  }

  test('binds the request to the key get-token made; finish() hands back the bound access token, never logged', async () => {
    const lines: string[] = [];
    const key = await newPopKey();
    const c = ctx(`u=${ARM_ID}`, key, lines);
    const pop = startPop(c);
    assert.equal(pop.kid, popKid(key));
    assert.equal(pop.fields.token_type, 'pop');
    assert.deepEqual(b64json(pop.fields.req_cnf), { kid: pop.kid, xms_ksl: 'sw' });
    const at = fakeAt({ cnf: { kid: pop.kid } });
    const out = pop.finish({ token: at, expiresOn: 1_900_000_000_000 });
    assert.deepEqual(out, { token: at, expiresOn: 1_900_000_000_000 });
    c.log.v(1, `token ${at}`);
    assert.ok(lines.every((l) => !l.includes(at)), lines.join(''));
  });

  test('finish() refuses an access token bound to another key, or to none', async () => {
    const pop = startPop(ctx('u=x', await newPopKey()));
    for (const claims of [{ cnf: { kid: 'someone-else' } }, { aud: 'bearer-only' }]) {
      assert.throws(() => pop.finish({ token: fakeAt(claims), expiresOn: 0 }), /not bound to the PoP key/);
    }
  });

  test('bad claims are a UsageError from startPop', async () => {
    const key = await newPopKey();
    assert.throws(() => startPop(ctx('k=v', key)), /required u-claim not provided/);
  });
});
