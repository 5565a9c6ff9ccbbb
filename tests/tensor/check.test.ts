/**
 * The derivative-check harness itself: it must FAIL derivatives that are slightly wrong (a Problem
 * whose hvp or curvatureGrad is scaled by 1 + 1e-2, or whose grad is off by 1e-3), in full and in
 * directional mode, and pass the correct ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend, checkDerivatives, problem, type Problem } from '../../src/tensor/index.js';
import { mlp } from './fixtures.js';

function perturbed(P: Problem, which: 'grad' | 'hvp' | 'curvatureGrad', factor: number): Problem {
  const scale = <T extends tf.Tensor>(t: T): T => { const s = tf.mul(t, factor) as T; t.dispose(); return s; };
  return {
    ...P,
    loss: (w) => P.loss(w),
    lossAndGrad: (w) => P.lossAndGrad(w),
    hvpBatch: (w, V) => P.hvpBatch(w, V),
    grad: (w) => (which === 'grad' ? scale(P.grad(w)) : P.grad(w)),
    hvp: (w, v) => (which === 'hvp' ? scale(P.hvp(w, v)) : P.hvp(w, v)),
    curvatureGrad: (w, u, v) => (which === 'curvatureGrad' ? scale(P.curvatureGrad(w, u, v)) : P.curvatureGrad(w, u, v)),
  };
}

test('the harness catches slightly wrong derivatives', async () => {
  await backend.use('wasm');
  const m = mlp('sigmoid', 'mse', { seed: 8 });
  const P = problem(m.loss, { dim: m.dim, name: 'sigmoid-mlp' });
  const w = tf.tensor1d(m.w0);
  const before = tf.memory().numTensors;
  for (const fullDim of [64, 0]) {
    const ok = await checkDerivatives(P, w, { reference: m.reference, directions: 2, fullDim });
    assert.ok(ok.pass, ok.toString());
    const cases = [['grad', 1 + 1e-3], ['hvp', 1 + 1e-2], ['curvatureGrad', 1 + 3e-2]] as const;
    for (const [which, factor] of cases) {
      const report = await checkDerivatives(perturbed(P, which, factor), w, { reference: m.reference, directions: 2, fullDim });
      assert.equal(report.passed[which], false, `${which} ×${factor} not caught (fullDim ${fullDim}):\n${report.toString()}`);
      assert.match(report.toString(), new RegExp(`${which} .*FAIL`));
    }
  }
  assert.equal(tf.memory().numTensors, before, 'checkDerivatives leaks no tensors');
  w.dispose();
});
