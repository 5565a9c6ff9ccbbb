/**
 * Malformed frames, bad signatures, unknown types and oversized messages on every socket
 * (pyzmq + jupyter_client Session); the kernel never executes them and keeps answering.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jupyterEnv, runPythonSuite } from './helpers.js';

test('the kernel survives hostile input on every socket and never runs unauthenticated code', { timeout: 200_000 }, async () => {
  const j = jupyterEnv();
  try {
    const r = await runPythonSuite('robustness.py', j.env, 180_000);
    assert.equal(r.code, 0, 'robustness suite failed (output above)');
    assert.match(r.stderr, /Ran 5 tests/);
    assert.match(r.stderr, /bad signature/, 'bad signatures are logged');
  } finally {
    j.dispose();
  }
});
