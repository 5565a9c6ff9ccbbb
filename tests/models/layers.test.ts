/**
 * Layer functions against their defining formulas computed in plain float64 TypeScript, and both
 * conv2d paths (native kernel, shifted slices) against each other and through the derivative harness.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, checkDerivatives, problem } from '../../src/tensor/index.js';
import { conv2d, avgPool2, maxPool2, layerNorm, softmax, logSoftmax, attention } from '../../src/models/index.js';
import { rng } from '../../src/data/random.js';
import { conv64, pool64, type Img64 } from './reference64.js';
import { ln64 } from './reference64nets.js';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) {
  assert.equal(a.length, b.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  assert.ok(worst < tol, `${what}: max relative difference ${worst}`);
}

const r = rng(2);
const img: Img64 = { n: 2, h: 6, w: 6, c: 3, v: Float64Array.from({ length: 2 * 6 * 6 * 3 }, () => r.normal()) };
const K = Float64Array.from({ length: 3 * 3 * 3 * 4 }, () => r.normal());

for (const impl of ['native', 'slices'] as const) {
  for (const stride of [1, 2]) {
    test(`conv2d (${impl}, stride ${stride}) equals the defining sum with zero padding 1`, async () => {
      const x = tf.tensor4d(Float32Array.from(img.v), [2, 6, 6, 3]);
      const k = tf.tensor4d(Float32Array.from(K), [3, 3, 3, 4]);
      const y = conv2d(x, k, { stride, impl });
      const ref = conv64(img, K, 3, 3, 4, stride);
      assert.deepEqual(y.shape, [2, ref.h, ref.w, 4]);
      close((await y.data()), ref.v, 1e-5, 'conv');
      tf.dispose([x, k, y]);
    });
  }
}

test('conv2d via shifted slices differentiates exactly to third order (float64 reference)', async () => {
  const x = tf.tensor4d(Float32Array.from(img.v), [2, 6, 6, 3]);
  // L(K) = Σ tanh(conv(x, K))², stride 2, slices path.
  const P = problem((w) => tf.sum(tf.square(tf.tanh(conv2d(x, tf.reshape(w, [3, 3, 3, 4]), { stride: 2, impl: 'slices' })))) as tf.Scalar, { dim: K.length });
  const w = tf.tensor1d(Float32Array.from(K, (v) => 0.3 * v));
  const report = await checkDerivatives(P, w, {
    reference: (w64) => conv64(img, w64, 3, 3, 4, 2).v.reduce((a, v) => a + Math.tanh(v) ** 2, 0),
    directions: 2,
  });
  assert.ok(report.pass, report.toString());
  tf.dispose([x, w]);
});

test('2×2 pooling: mean and max of each window', async () => {
  const x = tf.tensor4d(Float32Array.from(img.v), [2, 6, 6, 3]);
  const a = avgPool2(x);
  const m = maxPool2(x);
  close((await a.data()), pool64(img, 'avg').v, 1e-6, 'avg');
  close((await m.data()), pool64(img, 'max').v, 1e-6, 'max');
  tf.dispose([x, a, m]);
});

test('layerNorm: γ(x − μ)/(σ_unbiased + 1e-6) + β and, torchStyle, (x − μ)/√(σ²_biased + ε)', async () => {
  const v = Float64Array.from({ length: 12 }, () => r.normal());
  const g = Float64Array.from([1.5, -0.5, 2]);
  const b = Float64Array.from([0.1, 0.2, -0.3]);
  const x = tf.tensor2d(Float32Array.from(v), [4, 3]);
  const y = layerNorm(x, tf.tensor1d(Float32Array.from(g)), tf.tensor1d(Float32Array.from(b)));
  close((await y.data()), ln64(v, 3, g, b), 1e-5, 'layerNorm');
  const t = layerNorm(x, undefined, undefined, { torchStyle: true, eps: 1e-5 });
  const row = [...v.slice(0, 3)];
  const mu = row.reduce((a, c) => a + c) / 3;
  const va = row.reduce((a, c) => a + (c - mu) ** 2, 0) / 3;
  close((await t.data()).slice(0, 3), row.map((c) => (c - mu) / Math.sqrt(va + 1e-5)), 1e-5, 'torch layerNorm');
  tf.dispose([x, y, t]);
});

test('softmax and logSoftmax match the formula, stay finite for huge logits', async () => {
  const x = tf.tensor2d([[1, 2, 3], [1000, 0, -1000], [-5, -5, -5]]);
  const s = (await softmax(x).array()) as number[][];
  const ls = (await logSoftmax(x).array()) as number[][];
  const e = [1, 2, 3].map((v) => Math.exp(v));
  const z = e.reduce((a, b) => a + b);
  close(s[0], e.map((v) => v / z), 1e-6, 'softmax row 0');
  close(s[1], [1, 0, 0], 1e-6, 'softmax row 1');
  close(s[2], [1 / 3, 1 / 3, 1 / 3], 1e-6, 'softmax row 2');
  close(ls[1], [0, -1000, -2000], 1e-6, 'logSoftmax huge');
  x.dispose();
});

test('causal attention: position t only sees positions ≤ t', async () => {
  const [n, T, d] = [1, 4, 4];
  const q = tf.randomNormal([n, T, d], 0, 1, 'float32', 1);
  const k = tf.randomNormal([n, T, d], 0, 1, 'float32', 2);
  const v = tf.randomNormal([n, T, d], 0, 1, 'float32', 3);
  const out = (await attention(q, k, v, 2, { causal: true }).array()) as number[][][];
  // Position 0 attends only to itself: its output is v[0].
  close(out[0][0], ((await v.array()) as number[][][])[0][0], 1e-5, 'position 0');
  // Changing v at the last position leaves earlier outputs unchanged.
  const v2 = tf.concat([tf.slice(v, [0, 0, 0], [1, 3, d]), tf.ones([1, 1, d])], 1);
  const out2 = (await attention(q, k, v2, 2, { causal: true }).array()) as number[][][];
  for (let t = 0; t < 3; t++) close(out2[0][t], out[0][t], 1e-6, `position ${t}`);
  assert.ok(Math.abs(out2[0][3][0] - out[0][3][0]) > 1e-4, 'the last position does see v[3]');
  tf.dispose([q, k, v, v2]);
});
