/**
 * The Problem contract's guard rails: bad input gets an error naming the argument, what was
 * expected and the fix; hvpBatch equals row-wise hvp; lossAndGrad equals loss and grad; no method
 * leaks tensors over 1,000 calls (tf.memory().numTensors stable).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend, problem } from '../../src/tensor/index.js';
import type { Scalar, Tensor1D } from '../../src/tensor/types.js';
import { mlp } from './fixtures.js';

const quartic = problem((w) => tf.sum(tf.pow(w, 4)) as Scalar, { dim: 3, name: 'quartic' });

test('bad inputs name the argument, the expectation and the fix', async () => {
  await backend.use('wasm');
  const before = tf.memory().numTensors;
  const w = tf.tensor1d([1, 2, 3]);
  assert.throws(() => quartic.loss(tf.tensor1d([1, 2])), /quartic\.loss: argument 'w' must have shape \[3\], got \[2\]/);
  assert.throws(() => quartic.grad(tf.tensor2d([[1, 2, 3]]) as unknown as Tensor1D), /argument 'w' must have shape \[3\].*reshape/);
  assert.throws(() => quartic.grad(tf.tensor1d([1, 2, 3], 'int32')), /argument 'w' must have dtype float32, got int32.*tf\.cast/);
  assert.throws(() => quartic.loss([1, 2, 3] as unknown as Tensor1D), /argument 'w' must be a float32 Tensor1D of length 3, got an array/);
  assert.throws(() => quartic.hvp(w, tf.tensor1d([1, NaN, 0])), /quartic\.hvp: argument 'v' contains NaN or Inf/);
  assert.throws(() => quartic.curvatureGrad(w, tf.tensor1d([Infinity, 0, 0]), w), /argument 'u' contains NaN or Inf/);
  assert.throws(() => quartic.hvpBatch(w, tf.zeros([3, 2]) as tf.Tensor2D), /argument 'V' must have shape \[k, 3\].*got \[3, 2\]/);
  const gone = tf.tensor1d([1, 2, 3]);
  gone.dispose();
  assert.throws(() => quartic.loss(gone as Tensor1D), /argument 'w' was already disposed/);
  const vectorLoss = problem((x) => tf.mul(x, 2) as unknown as Scalar, { dim: 3 });
  assert.throws(() => vectorLoss.loss(w), /loss function must return a scalar \(rank 0\), got shape \[3\].*tf\.sum/);
  const numberLoss = problem(() => 1 as unknown as Scalar, { dim: 3 });
  assert.throws(() => numberLoss.grad(w), /must return a scalar tensor, got number/);
  const logLoss = problem((x) => tf.sum(tf.log(x)) as Scalar, { dim: 3, name: 'logsum' });
  const zero = tf.tensor1d([0, 1, 1]);
  assert.throws(() => logLoss.loss(zero), /logsum\.loss: the loss L\(w\) contains NaN or Inf/);
  assert.throws(() => logLoss.grad(zero), /logsum\.grad: the gradient ∇L\(w\) contains NaN or Inf/);
  assert.throws(() => problem((x) => tf.sum(x) as Scalar, { dim: 0 }), /option 'dim' must be a positive integer/);
  assert.throws(() => problem(null as unknown as (w: Tensor1D) => Scalar, { dim: 2 }), /argument 'lossFn' must be a function/);
  tf.dispose([w, zero]);
  // the test's own stray inputs above are the only tensors allowed to remain
  assert.ok(tf.memory().numTensors - before <= 9, `tensors leaked by failing calls: ${tf.memory().numTensors - before}`);
});

test('hvpBatch equals row-wise hvp; lossAndGrad equals loss and grad; quartic closed form', async () => {
  await backend.use('wasm');
  const m = mlp('silu', 'xent', { seed: 4 });
  const P = problem(m.loss, { dim: m.dim });
  const w = tf.tensor1d(m.w0);
  const V = tf.randomNormal([3, m.dim], 0, 1, 'float32', 9) as tf.Tensor2D;
  const batch = P.hvpBatch(w, V).arraySync();
  tf.unstack(V).forEach((v, i) => {
    const hv = P.hvp(w, v as Tensor1D).arraySync();
    hv.forEach((x, j) => assert.ok(Math.abs(x - batch[i][j]) <= 1e-5 * (1 + Math.abs(x))));
  });
  const { loss, grad } = P.lossAndGrad(w);
  assert.ok(Math.abs(loss.dataSync()[0] - P.loss(w).dataSync()[0]) < 1e-6);
  const g = P.grad(w).dataSync();
  grad.dataSync().forEach((x, i) => assert.ok(Math.abs(x - g[i]) < 1e-6));
  // quartic: ∇ = 4w³, Hv = 12w²v, ∇(uᵀHv) = 24 w u v
  const x = tf.tensor1d([1, -2, 0.5]), u = tf.tensor1d([1, 1, 2]), v = tf.tensor1d([3, 1, -1]);
  assert.deepEqual(Array.from(quartic.grad(x).dataSync()), [4, -32, 0.5]);
  assert.deepEqual(Array.from(quartic.hvp(x, v).dataSync()), [36, 48, -3]);
  assert.deepEqual(Array.from(quartic.curvatureGrad(x, u, v).dataSync()), [72, -48, -24]);
});

test('no method leaks tensors over 1,000 calls', async () => {
  await backend.use('wasm');
  const m = mlp('tanh', 'mse', { n: 4, d: 2, h: 3, c: 2 });
  const P = problem(m.loss, { dim: m.dim });
  const w = tf.tensor1d(m.w0);
  const u = tf.randomNormal([m.dim], 0, 1, 'float32', 1) as Tensor1D;
  const V = tf.randomNormal([2, m.dim], 0, 1, 'float32', 2) as tf.Tensor2D;
  const calls: (() => tf.TensorContainer)[] = [
    () => P.loss(w), () => P.grad(w), () => P.lossAndGrad(w), () => P.hvp(w, u), () => P.hvpBatch(w, V), () => P.curvatureGrad(w, u, u),
  ];
  for (const call of calls) tf.dispose(call()); // warm-up (lazy backend state)
  const before = tf.memory().numTensors;
  for (let i = 0; i < 1000; i++) tf.dispose(calls[i % calls.length]());
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([w, u, V]);
});
