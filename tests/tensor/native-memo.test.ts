/**
 * The native path's Tanh kernel that remembers results by input content (src/tensor/native/memo.ts):
 * every result against float64 Math.tanh, bitwise equal to the plain wasm kernel's (native path
 * off), never stale when an input differs in one element or only in the sign of a zero, correct
 * past its size bound, and the third derivative of Σ tanh(wᵢ) (where the safe gradients recompute
 * tanh of the same input many times) against its closed form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend, problem } from '../../src/tensor/index.js';
import { nativeActive, nativeStatus } from '../../src/tensor/native/index.js';
import { randomNormal } from './float64-compare.js';

const skip = nativeStatus().available ? false : `native addon unavailable: ${nativeStatus().reason}`;

/** Asserts every entry of tanh(x) (float32) is within 2 float32 ulps of float64 tanh. */
function assertTanh(got: Float32Array, x: Float32Array, what: string): void {
  assert.equal(got.length, x.length, `${what}: length`);
  for (let i = 0; i < x.length; i++) {
    const want = Math.tanh(x[i]);
    assert.ok(Math.abs(got[i] - want) <= 2 ** -22 * Math.max(Math.abs(want), 2 ** -126), `${what}[${i}]: tanh(${x[i]}) = ${got[i]}, float64 ${want}`);
  }
}

function tanhOf(x: Float32Array, shape: number[]): Float32Array {
  const y = tf.tidy(() => tf.tanh(tf.tensor(x, shape)));
  const values = y.dataSync() as Float32Array;
  y.dispose();
  return values;
}

test('remembered tanh: float64-accurate, bitwise the plain kernel, never stale', { skip }, async () => {
  const shape = [50, 32];
  const x = randomNormal(shape, 1).map((v) => 2 * v);
  const y = Float32Array.from(x);
  y[777] += 0.5; // one element differs
  const z = Float32Array.from(x);
  z[3] = 0; // +0 here, −0 in zNeg: equal as numbers, different bits
  const zNeg = Float32Array.from(z);
  zNeg[3] = -0;

  await backend.use('wasm', { blas: false });
  const plain = [x, y, z, zNeg].map((v) => tanhOf(v, shape));
  await backend.use('wasm');
  assert.ok(nativeActive());
  const before = tf.memory().numTensors;
  // repeated and interleaved inputs: hits, misses and evictions (more distinct inputs than slots)
  const others = [11, 12, 13, 14, 15].map((s) => randomNormal(shape, s));
  const order = [x, x, y, x, z, zNeg, z, ...others, x, y, zNeg];
  const expect = (v: Float32Array) => [x, y, z, zNeg].indexOf(v);
  for (const [n, v] of order.entries()) {
    const got = tanhOf(v, shape);
    assertTanh(got, v, `call ${n}`);
    const k = expect(v);
    if (k >= 0) assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(plain[k].buffer), `call ${n}: bitwise equal to the plain wasm kernel`);
  }
  assert.ok(Object.is(tanhOf(zNeg, shape)[3], -0), 'tanh(−0) = −0 even right after tanh(+0)');
  assert.ok(Object.is(tanhOf(z, shape)[3], 0), 'tanh(+0) = +0 right after tanh(−0)');
  assert.equal(tf.memory().numTensors, before, 'no tensor kept');
});

test('remembered tanh: inputs past the size bound still evaluate', { skip }, async () => {
  await backend.use('wasm');
  const n = (1 << 20) + 3;
  const x = Float32Array.from({ length: n }, (_, i) => ((i % 4001) - 2000) / 500);
  for (let rep = 0; rep < 2; rep++) assertTanh(tanhOf(x, [n]), x, `rep ${rep}`);
});

test('third derivative of Σ tanh(wᵢ) through the remembered kernel equals the closed form', { skip }, async () => {
  await backend.use('wasm');
  // ∇(uᵀH(w)v)ᵢ = uᵢvᵢ tanh'''(wᵢ),  tanh''' = −2(1 − t²)(1 − 3t²),  t = tanh(wᵢ)
  const dim = 300;
  const [w0, u0, v0] = [1, 2, 3].map((s) => randomNormal([dim], s));
  const P = problem((w) => tf.sum(tf.tanh(w)), { dim });
  const [w, u, v] = [w0, u0, v0].map((a) => tf.tensor1d(a));
  for (let rep = 0; rep < 2; rep++) {
    const U = tf.stack([u, v]) as tf.Tensor2D;
    const r = P.curvatureGradBatch!(w, U, [[0, 1], [1, 1]]);
    const [g01, g11] = tf.unstack(r.curvatureGrad).map((t) => t.dataSync());
    const hv = tf.unstack(r.hvp).map((t) => t.dataSync());
    for (let i = 0; i < dim; i++) {
      const t = Math.tanh(w0[i]);
      const d2 = -2 * t * (1 - t * t), d3 = -2 * (1 - t * t) * (1 - 3 * t * t);
      assert.ok(Math.abs(g01[i] - u0[i] * v0[i] * d3) <= 1e-5 * (1 + Math.abs(u0[i] * v0[i] * d3)), `rep ${rep}: ∇(uᵀHv)[${i}]`);
      assert.ok(Math.abs(g11[i] - v0[i] * v0[i] * d3) <= 1e-5 * (1 + Math.abs(v0[i] * v0[i] * d3)), `rep ${rep}: ∇(vᵀHv)[${i}]`);
      assert.ok(Math.abs(hv[1][i] - d2 * v0[i]) <= 1e-5 * (1 + Math.abs(d2 * v0[i])), `rep ${rep}: (Hv)[${i}]`);
    }
    tf.dispose([U, r.loss, r.grad, r.hvp, r.curvatureGrad]);
  }
  tf.dispose([w, u, v]);
});
