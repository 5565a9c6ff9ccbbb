/**
 * Kernels a backend gets wrong silently, checked on the active backend against plain-TypeScript
 * versions: constant padding of rank-5 and rank-6 tensors (webgpu's Pad kernel emits invalid WGSL
 * for them; src/tensor/webgpu-pad-guard.ts), and the strided slice/scatter pattern the window
 * gradients use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';

/** Plain constant pad of a row-major array. */
function padRef(x: Float32Array, shape: number[], paddings: [number, number][], value: number): { data: Float32Array; shape: number[] } {
  const out = paddings.map(([b, a], i) => shape[i] + b + a);
  const data = new Float32Array(out.reduce((p, d) => p * d, 1)).fill(value);
  const idx = new Array(shape.length).fill(0);
  for (let flat = 0; flat < x.length; flat++) {
    let r = flat;
    for (let i = shape.length - 1; i >= 0; i--) { idx[i] = r % shape[i]; r = Math.floor(r / shape[i]); }
    let o = 0;
    for (let i = 0; i < shape.length; i++) o = o * out[i] + idx[i] + paddings[i][0];
    data[o] = x[flat];
  }
  return { data, shape: out };
}

for (const [shape, paddings] of [
  [[2, 3, 1, 2, 1], [[0, 0], [1, 0], [0, 2], [0, 0], [0, 1]]],
  [[2, 3, 1, 2, 1, 2], [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]],
  [[1, 2, 2, 1, 2, 1], [[1, 1], [0, 1], [2, 0], [0, 0], [1, 0], [0, 3]]],
] as [number[], [number, number][]][]) {
  test(`pad of a rank-${shape.length} tensor [${shape}] matches the plain padding (value 0 and −1.5)`, async () => {
    const x = Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(1.3 * i) + 2);
    for (const value of [0, -1.5]) {
      const want = padRef(x, shape, paddings, value);
      const t = tf.tensor(x, shape);
      const p = tf.pad(t, paddings, value);
      assert.deepEqual(p.shape, want.shape);
      assert.deepEqual(Array.from(await p.data()), Array.from(want.data));
      tf.dispose([t, p]);
    }
  });
}

test('addN of 1, 7, 8, 12 and 30 tensors equals the plain sum (webgpu binds one buffer per input)', async () => {
  for (const k of [1, 7, 8, 12, 30]) {
    const parts = Array.from({ length: k }, (_, j) => Float32Array.from({ length: 5 }, (_, i) => (j + 1) * 0.25 + i));
    const ts = parts.map((p) => tf.tensor1d(p));
    const s = tf.addN(ts);
    const want = Array.from({ length: 5 }, (_, i) => parts.reduce((acc, p) => acc + p[i], 0));
    assert.deepEqual(Array.from(await s.data()), want, `addN of ${k}`);
    tf.dispose([...ts, s]);
  }
});
