/**
 * nbclient (Debian python3-nbclient) executes a notebook on the flowlab kernel.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jupyterEnv, runPythonSuite } from './helpers.js';

test('nbclient runs a notebook: state, display + update, allowed error, later cells', { timeout: 150_000 }, async () => {
  const j = jupyterEnv();
  try {
    const r = await runPythonSuite('nbclient_run.py', j.env, 120_000);
    assert.equal(r.code, 0, 'nbclient run failed (output above)');
    assert.match(r.stdout, /nbclient OK/);
  } finally {
    j.dispose();
  }
});
