/**
 * IOPub / reply ordering over 20 overlapping cells (submitted without waiting), driven by
 * jupyter_client: busy → execute_input → outputs → idle per cell, no interleaving, replies in
 * submission order, consistent execution counts (tests/kernel/ordering.py).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jupyterEnv, runPythonSuite } from './helpers.js';

test('overlapping cells keep the messaging spec order on IOPub and shell', { timeout: 150_000 }, async () => {
  const j = jupyterEnv();
  try {
    const r = await runPythonSuite('ordering.py', j.env, 120_000);
    assert.equal(r.code, 0, 'ordering suite failed (output above)');
    assert.match(r.stderr, /Ran 1 test/);
  } finally {
    j.dispose();
  }
});
