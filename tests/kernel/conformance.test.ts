/**
 * jupyter_kernel_test (the official conformance suite, Debian python3-jupyter-kernel-test) and
 * extra protocol checks, driven through jupyter_client against a freshly installed kernelspec.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jupyterEnv, runPythonSuite } from './helpers.js';

test('jupyter_kernel_test conformance: every check passes, only the pager is skipped', { timeout: 240_000 }, async () => {
  const j = jupyterEnv();
  try {
    const r = await runPythonSuite('conformance.py', j.env, 200_000);
    assert.equal(r.code, 0, 'conformance suite failed (output above)');
    assert.match(r.stderr, /test_pager .*skipped/);
    assert.doesNotMatch(r.stderr, /\bFAIL:|\bERROR:/);
  } finally {
    j.dispose();
  }
});
