/**
 * The fused GELU kernels (src/tensor/gelu.ts): every derivative order against float64 closed forms
 * built here from the textbook erf (reference.erf) and finite differences; nested tf.grad through
 * the kernels' own gradients to third order; the scaled kernel's gradient in s; on the native C
 * kernel, and the elementary-op form on pure wasm and on cpu.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend, reference } from '../../src/tensor/index.js';
import { gelu, geluDerivative } from '../../src/tensor/gelu.js';
import { nativeStatus } from '../../src/tensor/native/index.js';

const Phi = (x: number) => 0.5 * (1 + reference.erf(x / Math.SQRT2));
const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
/** g₀…g₃ by hand: x·Φ, Φ + xφ, φ(2 − x²), φ(x³ − 4x); g₄, g₅ by float64 central differences of g₃, g₄. */
const closed: ((x: number) => number)[] = [(x) => x * Phi(x), (x) => Phi(x) + x * phi(x), (x) => phi(x) * (2 - x * x), (x) => phi(x) * (x ** 3 - 4 * x)];
const fd = (f: (x: number) => number) => (x: number) => (f(x - 2e-3) - 8 * f(x - 1e-3) + 8 * f(x + 1e-3) - f(x + 2e-3)) / 12e-3;
closed.push(fd(closed[3]));
closed.push(fd(closed[4]));

const xs = Float32Array.from([-9, -6.5, -4, -2.5, -1.3, -0.75, -0.2, 0, 1e-3, 0.3, 0.9, 1.7, 2.2, 3.5, 5, 8]);

const modes: { name: string; use: () => Promise<unknown>; skip?: string | false }[] = [
  { name: 'native C kernel', use: () => backend.use('wasm', { blas: true }), skip: nativeStatus().available ? false : `native addon unavailable: ${nativeStatus().reason}` },
  { name: 'pure wasm (elementary ops)', use: () => backend.use('wasm', { blas: false }) },
  { name: 'cpu (elementary ops)', use: () => backend.use('cpu') },
];

for (const mode of modes) {
  test(`gelu derivatives of order 0…5 match float64 closed forms (${mode.name})`, { skip: mode.skip }, async () => {
    await mode.use();
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(xs);
    for (let k = 0; k <= 5; k++) {
      const got = tf.tidy(() => geluDerivative(x, k).dataSync());
      xs.forEach((v, i) => {
        const want = closed[k](v);
        assert.ok(Math.abs(got[i] - want) <= 1e-6 + 2e-5 * Math.abs(want), `g${k}(${v}) = ${got[i]}, want ${want}`);
      });
    }
    // scaled form: s ⊙ g₂(x)
    const s = tf.tensor1d(xs.map((_, i) => i - 3));
    const scaled = tf.tidy(() => geluDerivative(x, 2, s).dataSync());
    xs.forEach((v, i) => assert.ok(Math.abs(scaled[i] - (i - 3) * closed[2](v)) <= 1e-6 + 2e-5 * Math.abs((i - 3) * closed[2](v))));
    assert.throws(() => geluDerivative(x, -1), /'order' must be a non-negative integer/);
    tf.tidy(() => assert.throws(() => geluDerivative(x, 1, tf.ones([3])), /'s' must have x's shape/));
    tf.dispose([x, s]);
    assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  });

  test(`nested tf.grad through gelu is exact to third order, and ∂/∂s of s ⊙ gₖ is gₖ (${mode.name})`, { skip: mode.skip }, async () => {
    await mode.use();
    const x = tf.tensor1d(xs);
    const d1 = tf.grad((z: tf.Tensor) => tf.sum(gelu(z)));
    const d2 = tf.grad((z: tf.Tensor) => tf.sum(d1(z)));
    const d3 = tf.grad((z: tf.Tensor) => tf.sum(d2(z)));
    for (const [k, f] of [[1, d1], [2, d2], [3, d3]] as const) {
      const got = tf.tidy(() => f(x).dataSync());
      xs.forEach((v, i) => assert.ok(Math.abs(got[i] - closed[k](v)) <= 1e-6 + 2e-5 * Math.abs(closed[k](v)), `order ${k} at ${v}: ${got[i]} vs ${closed[k](v)}`));
    }
    const s = tf.onesLike(x);
    const ds = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(geluDerivative(x, 1, t)))(s).dataSync());
    xs.forEach((v, i) => assert.ok(Math.abs(ds[i] - closed[1](v)) <= 1e-6 + 2e-5 * Math.abs(closed[1](v))));
    tf.dispose([x, s]);
  });
}
