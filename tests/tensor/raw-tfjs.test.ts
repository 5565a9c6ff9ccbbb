/**
 * The upstream defect flowlab fixes (tensorflow/tfjs#3252): with TF.js's ORIGINAL Tanh gradient,
 * nested tf.grad gives a Hessian-vector product of a tanh MLP that is far from float64 finite
 * differences; with flowlab's gradient it agrees. If a TF.js upgrade fixes the upstream gradient,
 * the first assertion fails and tells us.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend, mixedDerivative, withOriginalGradients } from '../../src/tensor/index.js';
import { mlp } from './fixtures.js';

test('raw TF.js nested gradient is wrong for tanh; flowlab is right', async () => {
  await backend.use('cpu');
  const m = mlp('tanh', 'mse', { n: 8, seed: 2 });
  const w = tf.tensor1d(m.w0);
  const v64 = Float64Array.from(Float32Array.from({ length: m.dim }, (_, i) => Math.cos(i)));
  const v = tf.tensor1d(Float32Array.from(v64));
  const w64 = Float64Array.from(m.w0);
  // float64 reference: (Hv)ᵢ by mixed central differences of the plain-TS loss
  const want = Float64Array.from({ length: m.dim }, (_, i) => mixedDerivative((c) => {
    const x = Float64Array.from(w64);
    x[i] += c[0];
    for (let j = 0; j < m.dim; j++) x[j] += c[1] * v64[j];
    return m.reference(x);
  }, 2, 1e-4));
  const lossFn = m.loss as unknown as (x: tf.Tensor) => tf.Tensor;
  const nestedHvp = () => tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.grad(lossFn)(x), v)))(w));
  const rel = (t: tf.Tensor) => {
    const got = t.dataSync();
    t.dispose();
    let e = 0, s = 0;
    for (let i = 0; i < m.dim; i++) { e += (got[i] - want[i]) ** 2; s += want[i] ** 2; }
    return Math.sqrt(e / s);
  };
  const rawError = withOriginalGradients(['Tanh'], () => rel(nestedHvp()));
  const flowlabError = rel(nestedHvp());
  assert.ok(rawError > 0.05, `raw TF.js tanh HVP error ${rawError}: has the upstream gradient been fixed?`);
  assert.ok(flowlabError < 1e-4, `flowlab tanh HVP error ${flowlabError}`);
  tf.dispose([w, v]);
});
