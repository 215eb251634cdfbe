// The redactor and the terminal cleaner: tables of what is removed and what must stay readable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, redact, sanitize } from '../../../src/platform/log';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJlLXZhbHVl';
const ENTRA_RT = '0.AXoAv4j5cvGGr0GRqy180BHbRz9kX2Fub3RoZXI.AgABAAEAAAD--DLA3VO7QrddgJg7WevrAgDs_wQA9P8';
const OPAQUE = 'Zq3vXw9YbT1uR8kN2mLp5sJd7hGf4cVa6eBn0oQiWzXyTuKlMjHgFdSaPoIuYtRe';

describe('redact', () => {
  const table: Array<[string, string, string, string[]?]> = [
    // name, input, expected output, registered secrets
    ['a registered secret, anywhere', 'secret is hunter2-xyz here: hunter2-xyz', 'secret is [REDACTED] here: [REDACTED]', ['hunter2-xyz']],
    ['a registered value shorter than 4 characters is not replaced (it would eat ordinary words)', 'abc abc', 'abc abc', ['abc']],
    ['a JWT', `token ${JWT} end`, 'token [REDACTED-JWT] end'],
    ['an Entra refresh token (0.A…)', `expired: ${ENTRA_RT}`, 'expired: [REDACTED]'],
    ['an Entra auth code (1.A…), short', 'code 1.AXoAshortercodevalue123', 'code [REDACTED]'],
    ['a long opaque run with upper, lower case and digits', `rt:${OPAQUE}`, 'rt:[REDACTED]'],
    ['a form field', 'grant_type=refresh_token&refresh_token=abc.def&client_id=x', 'grant_type=refresh_token&refresh_token=[REDACTED]&client_id=x'],
    ['code_verifier and code fields', 'code=xyz123&code_verifier=vvv', 'code=[REDACTED]&code_verifier=[REDACTED]'],
    ['a JSON field', '{"access_token":"at-value","expires_in":3599}', '{"access_token":"[REDACTED]","expires_in":3599}'],
    ['a device_code JSON field', '{"device_code": "dc-value", "user_code": "ABCD-EFGH"}', '{"device_code": "[REDACTED]", "user_code": "ABCD-EFGH"}'],
    ['an Authorization header value', 'Authorization: Bearer abcdefghijklmnop12', 'Authorization: Bearer [REDACTED]'],
    ['Basic credentials', 'sent Basic dXNlcjpwYXNzd29yZDEyMw==', 'sent Basic [REDACTED]'],
    ['an X-IDENTITY-HEADER line', 'X-IDENTITY-HEADER: 5f1c0b0e-aaaa', 'X-IDENTITY-HEADER: [REDACTED]'],
    // What must stay readable.
    ['prose about tokens', 'failed to get token: client secret cannot be empty', 'failed to get token: client secret cannot be empty'],
    ['a GUID', 'tenant 72f988bf-86f1-41af-91ab-2d7cd011db47', 'tenant 72f988bf-86f1-41af-91ab-2d7cd011db47'],
    ['a 40-hex cache key and a sha256 thumbprint', `key=${'a1'.repeat(20)} tp ${'AB12'.repeat(16)}`, `key=${'a1'.repeat(20)} tp ${'AB12'.repeat(16)}`],
    ['a long path', '/tmp/kubelogin-test-Ab12Cd/cache/tokens/0123456789abcdef0123456789abcdef01234567.json', '/tmp/kubelogin-test-Ab12Cd/cache/tokens/0123456789abcdef0123456789abcdef01234567.json'],
    ['a URL', 'GET https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token', 'GET https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token'],
    ['an AADSTS message', 'AADSTS7000215: Invalid client secret provided. Trace ID: 0a1b', 'AADSTS7000215: Invalid client secret provided. Trace ID: 0a1b'],
    ['a long lower-case host name', 'kubelogin-test-cluster-westeurope-0001.hcp.westeurope.azmk8s.io', 'kubelogin-test-cluster-westeurope-0001.hcp.westeurope.azmk8s.io'],
  ];
  for (const [name, input, want, secrets] of table) {
    it(name, () => assert.equal(redact(input, secrets), want));
  }
});

describe('sanitize', () => {
  const table: Array<[string, string, string]> = [
    ['OSC: set the terminal title (BEL)', 'a\x1b]0;pwned\x07b', 'ab'],
    ['OSC ended by ESC \\', 'a\x1b]2;title\x1b\\b', 'ab'],
    ['OSC 8 hyperlink', '\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['CSI: clear screen, home, colours', '\x1b[2J\x1b[H\x1b[31mred\x1b[0m', 'red'],
    ['CSI with private parameters', 'x\x1b[?1049hy', 'xy'],
    ['a two-byte escape (RIS: reset the terminal)', 'a\x1bcb', 'ab'],
    ['one-byte C1 CSI and OSC', 'a\x9b2Jb\x9d0;t\x07c', 'abc'],
    ['carriage return (overwrites the line), BEL, backspace, NUL, DEL', 'a\rb\x07c\x08d\x00e\x7ff', 'abcdef'],
    ['bidirectional overrides', 'abc\u202Edcb\u2066x\u2069', 'abcdcbx'],
    ['tab and newline are kept', 'a\tb\nc', 'a\tb\nc'],
    ['ordinary Unicode is kept', 'café – ✓ 日本', 'café – ✓ 日本'],
    ['a lone ESC at the end', 'end\x1b', 'end'],
  ];
  for (const [name, input, want] of table) {
    it(name, () => assert.equal(sanitize(input), want));
  }
});

describe('createLogger', () => {
  function capture(level: number) {
    const lines: string[] = [];
    return { log: createLogger(level, (l) => lines.push(l)), lines };
  }

  it('cleans, then redacts: a secret split by an escape sequence does not join up again', () => {
    const { log, lines } = capture(1);
    log.secret('hunter2-xyz');
    log.v(1, 'pw hunter2\x1b[0m-xyz');
    assert.deepEqual(lines, ['pw [REDACTED]\n']);
  });

  it('warn and v lines, and scrub, are cleaned; prompt is cleaned but not redacted', () => {
    const { log, lines } = capture(0);
    log.secret('s3cret-value');
    log.warn('\x1b]0;t\x07w s3cret-value');
    log.v(5, 'hidden at -v 0');
    log.prompt('Enter code ABCD-1234\x1b[2J at https://microsoft.com/devicelogin');
    assert.deepEqual(lines, ['warning: w [REDACTED]\n', 'Enter code ABCD-1234 at https://microsoft.com/devicelogin\n']);
    assert.equal(log.scrub('x\x07 s3cret-value'), 'x [REDACTED]');
  });
});
