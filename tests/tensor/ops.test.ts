/**
 * Every op flowlab promises exact derivatives for: grad, hvp and curvatureGrad of a cubic readout
 * of the op agree with float64 central finite differences of an independent plain-TypeScript
 * version (tolerances: grad 1e-5, hvp 1e-4, curvatureGrad 1e-3 relative; sigmoidCrossEntropy's
 * float32 gradient 1e-4), on cpu and wasm. Cases include ops beyond the list (leakyRelu,
 * relu6, clipByValue, selu, sin, cos, expm1, reciprocal, atan, logSigmoid, squaredDifference, cumsum,
 * norm, moments, pad, tile, sigmoidCrossEntropy, fused.matMul).
 */
import { test } from 'node:test';
import { testBackends } from '../backends.js';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend, checkDerivatives, problem } from '../../src/tensor/index.js';
import { OP_CASES, caseObjective, caseW0 } from './op-cases.js';

for (const be of testBackends()) {
  test(`every op: exact derivatives to third order on ${be}`, async () => {
    await backend.use(be);
    const failures: string[] = [];
    for (const c of OP_CASES) {
      const o = caseObjective(c, 7);
      const P = problem(o.loss, { dim: o.dim, name: c.name });
      const w = tf.tensor1d(caseW0(c, 7));
      try {
        const report = await checkDerivatives(P, w, { reference: o.reference, directions: 2, tol: { grad: 1e-5, hvp: 1e-4, curvatureGrad: 1e-3, ...c.tol } });
        if (!report.pass) failures.push(report.toString());
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message}`);
      } finally {
        w.dispose();
      }
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });
}

test('the op list covers what the issue asks for', () => {
  const names = OP_CASES.map((c) => c.name).join(' | ');
  for (const op of ['add', 'sub', 'mul', 'div', 'neg', 'square', 'pow', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'tanh',
    'sigmoid', 'softplus', 'relu', 'elu', 'erf', 'abs', 'maximum', 'minimum', 'matMul', 'conv2d', 'avgPool', 'maxPool', 'sum',
    'mean', 'max', 'reshape', 'slice', 'concat', 'stack', 'unstack', 'transpose', 'gather', 'broadcastTo', 'softmax',
    'logSoftmax', 'logSumExp', 'where/select']) {
    assert.ok(names.includes(op), `missing op case: ${op}`);
  }
});
