// Only our errors are ours: main.ts prints their message and exit code; anything else is an
// "unexpected error". The mark must hold across the two bundles, which each have their own classes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError, ConfigError, isKubeloginError, KubeloginError, TimeoutError, UsageError } from '../../src/errors';

test('our typed errors are recognised', () => {
  for (const err of [new KubeloginError('a'), new UsageError('b'), new ConfigError('c'), new AuthError('d'), new TimeoutError('e')]) {
    assert.equal(isKubeloginError(err), true, err.name);
  }
});

test('an error that merely has a numeric exitCode is not ours', () => {
  const foreign = Object.assign(new Error('from a library'), { exitCode: 2 });
  assert.equal(isKubeloginError(foreign), false);
  assert.equal(isKubeloginError({ message: 'x', exitCode: 1 }), false);
  assert.equal(isKubeloginError(undefined), false);
});

test('the mark is a registered symbol, so the other bundle\'s copy of the classes is recognised too', () => {
  const otherBundle = Object.assign(new Error('from heavy.cjs'), { exitCode: 1, [Symbol.for('kubelogin.error')]: true });
  assert.equal(isKubeloginError(otherBundle), true);
  assert.equal(Object.getOwnPropertySymbols(new UsageError('x')).includes(Symbol.for('kubelogin.error')), true);
});
