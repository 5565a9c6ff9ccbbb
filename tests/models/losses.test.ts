/** Losses and accuracy against hand-computed values (the papers' conventions). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, problem } from '../../src/tensor/index.js';
import { mse, crossEntropy, logistic, maskedMse, maskedCrossEntropy, accuracy, lossByName, softplus } from '../../src/models/index.js';

const val = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('mse = (1/n) Σᵢ ½ Σ_c (f − y)² (summed over classes, averaged over examples)', () => {
  const f = tf.tensor2d([[1, 0], [0.5, 0.5]]);
  const y = tf.tensor2d([[0, 1], [1, 0]]);
  // Row 1: ½(1 + 1) = 1; row 2: ½(0.25 + 0.25) = 0.25; mean 0.625.
  assert.ok(Math.abs(val(mse(f, y)) - 0.625) < 1e-7);
  tf.dispose([f, y]);
});

test('crossEntropy = mean −log softmax(f)_label, stable for logits of 1e4', () => {
  const f = tf.tensor2d([[2, 0, 0], [0, 0, 0], [1e4, 0, -1e4]]);
  const y = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 1, 0]]);
  const expected = (-(2 - Math.log(Math.exp(2) + 2)) + Math.log(3) + 1e4) / 3;
  assert.ok(Math.abs(val(crossEntropy(f, y)) - expected) / expected < 1e-6);
  tf.dispose([f, y]);
});

test('logistic = mean log(1 + exp(−y f)) for ±1 labels, stable for large margins', () => {
  const f = tf.tensor2d([[2], [-1], [100]]);
  const y = tf.tensor2d([[1], [1], [-1]]);
  const expected = (Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(1)) + 100 + Math.log1p(Math.exp(-100))) / 3;
  assert.ok(Math.abs(val(logistic(f, y)) - expected) / expected < 1e-6);
  tf.dispose([f, y]);
});

test('logistic loss has exact derivatives at w = 0 (all margins 0): ∇L = −(1/2n) Σ yᵢxᵢ, H = (1/4n) XᵀX', () => {
  // Large-step logistic regression starts GD at w = 0; softplus's kinks must not zero the gradient there.
  const x = [[1, 2], [-0.5, 1], [3, -1]];
  const yv = [1, -1, 1];
  const X = tf.tensor2d(x);
  const Y = tf.tensor2d(yv.map((v) => [v]));
  const P = problem((w) => logistic(tf.matMul(X, tf.reshape(w, [2, 1])), Y), { dim: 2 });
  const w0 = tf.zeros([2]) as tf.Tensor1D;
  const g = P.grad(w0).dataSync();
  const v = tf.tensor1d([1, -2]);
  const hv = P.hvp(w0, v).dataSync();
  const n = x.length;
  const gRef = [0, 1].map((j) => -x.reduce((a, r, i) => a + yv[i] * r[j], 0) / (2 * n));
  const hvRef = [0, 1].map((j) => x.reduce((a, r) => a + r[j] * (r[0] * 1 + r[1] * -2), 0) / (4 * n));
  for (let j = 0; j < 2; j++) {
    assert.ok(Math.abs(g[j] - gRef[j]) < 1e-6, `grad[${j}] = ${g[j]}, expected ${gRef[j]}`);
    assert.ok(Math.abs(hv[j] - hvRef[j]) < 1e-5, `hvp[${j}] = ${hv[j]}, expected ${hvRef[j]}`);
  }
  const s = (t: number) => { const a = tf.tensor1d([t]); const r = softplus(a).dataSync()[0]; a.dispose(); return r; };
  assert.ok(Math.abs(s(0) - Math.LN2) < 1e-7 && s(-30) >= 0 && s(-30) < 1e-12 && s(30) === 30, `softplus(0, −30, 30) = ${s(0)}, ${s(-30)}, ${s(30)}`);
  tf.dispose([X, Y, w0, v]);
});

test('masked losses average only over unmasked rows', () => {
  // [n=1, T=3, C=2]; position 0 masked.
  const f = tf.tensor3d([[[5, -5], [1, 0], [0, 1]]]);
  const y = tf.tensor3d([[[0, 0], [1, 0], [1, 0]]]);
  const mask = tf.tensor2d([[0, 1, 1]]);
  // mse over rows 1, 2: ½·0 + ½·(1 + 1) = 1 → mean 0.5.
  assert.ok(Math.abs(val(maskedMse(f, y, mask)) - 0.5) < 1e-7);
  const ce = (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(1))) / 2;
  assert.ok(Math.abs(val(maskedCrossEntropy(f, y, mask)) - ce) < 1e-6);
  assert.throws(() => maskedMse(f, y), /mask is required/);
  tf.dispose([f, y, mask]);
});

test('accuracy: argmax agreement (masked rows skipped), sign agreement for one output', async () => {
  const f = tf.tensor2d([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0, 1]]);
  const y = tf.tensor2d([[1, 0], [1, 0], [1, 0], [0, 1]]);
  assert.equal(await accuracy(f, y), 0.75);
  const mask = tf.tensor1d([1, 0, 1, 1]);
  assert.equal(await accuracy(f, y, mask), 1);
  const fb = tf.tensor2d([[0.3], [-2], [1]]);
  const yb = tf.tensor2d([[1], [1], [1]]);
  assert.ok(Math.abs(await accuracy(fb, yb) - 2 / 3) < 1e-7); // 2/3 in float32 (computed on the device)
  tf.dispose([f, y, mask, fb, yb]);
});

test('shape mismatches and unknown names are reported', () => {
  const f = tf.zeros([2, 3]);
  const y = tf.zeros([2, 4]);
  assert.throws(() => mse(f, y), /must have the same shape/);
  assert.throws(() => lossByName('hinge'), /unknown name "hinge"/);
  assert.equal(lossByName('ce'), crossEntropy);
  tf.dispose([f, y]);
});
