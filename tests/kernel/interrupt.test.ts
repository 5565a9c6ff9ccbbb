/**
 * Interrupt (control message and SIGINT) and survival tests, driven by jupyter_client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jupyterEnv, runPythonSuite } from './helpers.js';

test('interrupts stop sync and async loops within 1 s, state survives, the kernel survives errors', { timeout: 200_000 }, async () => {
  const j = jupyterEnv();
  try {
    const r = await runPythonSuite('interrupt.py', j.env, 180_000);
    assert.equal(r.code, 0, 'interrupt suite failed (output above)');
    assert.match(r.stderr, /Ran 10 tests/);
  } finally {
    j.dispose();
  }
});
