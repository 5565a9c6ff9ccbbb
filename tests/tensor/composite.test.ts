/**
 * Composite objectives: 2-layer MLPs with each activation (tanh, sigmoid, GELU exact and tanh
 * approximation, SiLU, softplus, ELU) under MSE and softmax cross-entropy. grad, hvp and
 * curvatureGrad agree with float64 central differences of a plain-TypeScript MLP
 * (grad 1e-5, hvp 1e-4, curvatureGrad 1e-3 relative) on cpu and wasm; the float32-stencil mode of
 * the harness (no reference) passes too, with its documented weaker tolerances.
 */
import { test } from 'node:test';
import { testBackends } from '../backends.js';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend, checkDerivatives, problem } from '../../src/tensor/index.js';
import { mlp, type Activation } from './fixtures.js';

const ACTS: Activation[] = ['tanh', 'sigmoid', 'gelu', 'geluTanh', 'silu', 'softplus', 'elu'];

for (const be of testBackends()) {
  test(`2-layer MLPs (7 activations × MSE/cross-entropy) match float64 references on ${be}`, async () => {
    await backend.use(be);
    const failures: string[] = [];
    for (const act of ACTS) {
      for (const loss of ['mse', 'xent'] as const) {
        const m = mlp(act, loss, { seed: 3 });
        const P = problem(m.loss, { dim: m.dim, name: `${act}/${loss}` });
        const w = tf.tensor1d(m.w0);
        const report = await checkDerivatives(P, w, { reference: m.reference, directions: 2 });
        if (!report.pass) failures.push(report.toString());
        w.dispose();
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });
}

test('float32-stencil mode (no reference) passes on a GELU MLP and its report reads well', async () => {
  await backend.use('wasm');
  const m = mlp('gelu', 'xent', { seed: 5 });
  const P = problem(m.loss, { dim: m.dim, name: 'gelu-mlp' });
  const w = tf.tensor1d(m.w0);
  const report = await checkDerivatives(P, w, { directions: 2 });
  w.dispose();
  assert.equal(report.mode, 'float32-stencil');
  assert.ok(report.pass, report.toString());
  assert.match(report.toString(), /gelu-mlp.*PASS/);
  assert.match(report.toString(), /curvatureGrad/);
});
