import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatExecCredential, readExecInfo, V1, V1BETA1 } from '../../../src/kube/exec-credential';

test('apiVersion from KUBERNETES_EXEC_INFO', () => {
  const table: Array<[string | undefined, string]> = [
    [undefined, V1BETA1],
    ['', V1BETA1],
    ['{"apiVersion":""}', V1BETA1],
    [`{"apiVersion":"${V1}","spec":{"interactive":true}}`, V1],
    [`{"kind":"ExecCredential","apiVersion":"${V1BETA1}","spec":{}}`, V1BETA1],
  ];
  for (const [raw, want] of table) assert.equal(readExecInfo(raw).apiVersion, want, String(raw));
});

test('spec.interactive is read when present', () => {
  assert.equal(readExecInfo(`{"apiVersion":"${V1}","spec":{"interactive":false}}`).interactive, false);
  assert.equal(readExecInfo(`{"apiVersion":"${V1}","spec":{"interactive":true}}`).interactive, true);
  assert.equal(readExecInfo(undefined).interactive, undefined);
});

test('unsupported or unparsable exec info is an error', () => {
  assert.throws(() => readExecInfo('{"apiVersion":"client.authentication.k8s.io/v1alpha1"}'), /api version: client\.authentication\.k8s\.io\/v1alpha1 is not supported/);
  assert.throws(() => readExecInfo('{nope'), /cannot unmarshal "\{nope" to ExecCredential/);
});

test('output: one JSON line, upstream key order, RFC 3339 seconds in UTC', () => {
  const out = formatExecCredential(V1, 'tok', Date.UTC(2025, 1, 19, 5, 11, 17, 999));
  assert.equal(out, '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false},"status":{"expirationTimestamp":"2025-02-19T05:11:17Z","token":"tok"}}\n');
});

test('KUBERNETES_EXEC_INFO that is not an ExecCredential object: null is noted, the rest rejected', () => {
  const nul = readExecInfo('null');
  assert.equal(nul.apiVersion, V1BETA1);
  assert.match(nul.note ?? '', /JSON null/);
  assert.equal(readExecInfo(`{"apiVersion":"${V1}"}`).note, undefined);
  const table: Array<[string, RegExp]> = [
    ['[]', /the value is an array, not an object/],
    ['[{"apiVersion":"x"}]', /the value is an array/],
    ['0', /the value is a number/],
    ['"client.authentication.k8s.io/v1"', /the value is a string/],
    ['false', /the value is a boolean/],
    ['{"apiVersion":{}}', /apiVersion is an object, not a string/],
    ['{"spec":"x"}', /spec is a string, not an object/],
    ['{"spec":{"interactive":1}}', /spec\.interactive is a number, not true or false/],
  ];
  for (const [raw, want] of table) assert.throws(() => readExecInfo(raw), want, raw);
  assert.throws(() => readExecInfo(`"${'x'.repeat(500)}"`), (err: Error) => err.message.length < 400);
});

test('the expiry matches toISOString (without the fraction) for any time, and rejects what it rejects', () => {
  const times = [
    0, 1, 999, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 1, 29, 0, 0, 0), Date.UTC(2024, 0, 1, 9, 5, 3, 500),
    Date.UTC(9999, 11, 31, 23, 59, 59), Date.UTC(10000, 0, 1), -1000, 1e15, 1765000000000,
  ];
  for (let i = 0; i < 500; i++) times.push(Math.floor(Math.random() * 4e12));
  for (const t of times) {
    const expected = new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    assert.equal(JSON.parse(formatExecCredential(V1, 't', t)).status.expirationTimestamp, expected, String(t));
  }
  assert.throws(() => formatExecCredential(V1, 't', 1e20), RangeError);
});
