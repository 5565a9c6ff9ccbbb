/**
 * flowlab's wasm Identity, Cast, Slice, SplitV and Unpack kernels (src/tensor/wasm-kernels.ts):
 * values against index arithmetic written here, for every rank and contiguous and strided slices;
 * clones share their data (no buffer added) yet stay valid when either side is disposed; no leaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend } from '../../src/tensor/index.js';

/** x[begin : begin + size] of a row-major array of `shape`, by explicit multi-indices. */
function slice64(values: Float32Array, shape: number[], begin: number[], size: number[]): number[] {
  const out: number[] = [];
  const idx = new Array(shape.length).fill(0);
  const count = size.reduce((p, q) => p * q, 1);
  for (let o = 0; o < count; o++) {
    let flat = 0;
    for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + begin[d] + idx[d];
    out.push(values[flat]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

test('wasm slices equal index arithmetic: ranks 1–5, contiguous and strided, split and unstack', async () => {
  await backend.use('wasm');
  const before = tf.memory().numTensors;
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [5]],
    [[4, 6], [1, 0], [2, 6]], // contiguous rows
    [[4, 6], [1, 2], [3, 3]], // strided
    [[3, 4, 5], [1, 1, 2], [2, 3, 2]],
    [[2, 3, 4, 5], [0, 1, 0, 1], [2, 2, 4, 3]],
    [[2, 2, 3, 2, 3], [1, 0, 1, 0, 1], [1, 2, 2, 2, 2]], // rank 5: the wasm kernel's generic path
    [[4, 6], [2, 2], [0, 3]], // empty
  ];
  for (const [shape, begin, size] of cases) {
    const values = Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) => i * 0.5 - 3);
    const got = tf.tidy(() => Array.from(tf.slice(tf.tensor(values, shape), begin, size).dataSync()));
    assert.deepEqual(got, slice64(values, shape, begin, size), `slice [${shape}] at [${begin}] size [${size}]`);
  }
  const w = Float32Array.from({ length: 23 }, (_, i) => i + 1);
  const parts = tf.tidy(() => tf.split(tf.tensor1d(w), [5, 0, 10, 8]).map((p) => Array.from(p.dataSync())));
  assert.deepEqual(parts, [Array.from(w.subarray(0, 5)), [], Array.from(w.subarray(5, 15)), Array.from(w.subarray(15))]);
  const m = Float32Array.from({ length: 12 }, (_, i) => i);
  const cols = tf.tidy(() => tf.split(tf.tensor2d(m, [3, 4]), [1, 3], 1).map((p) => Array.from(p.dataSync())));
  assert.deepEqual(cols, [[0, 4, 8], [1, 2, 3, 5, 6, 7, 9, 10, 11]]);
  const rows = tf.tidy(() => tf.unstack(tf.tensor2d(m, [3, 4])).map((p) => [p.shape, Array.from(p.dataSync())]));
  assert.deepEqual(rows, [[[4], [0, 1, 2, 3]], [[4], [4, 5, 6, 7]], [[4], [8, 9, 10, 11]]]);
  const columns = tf.tidy(() => tf.unstack(tf.tensor2d(m, [3, 4]), 1).map((p) => Array.from(p.dataSync())));
  assert.deepEqual(columns, [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
});

test('wasm clones and same-dtype casts share data; either side can be disposed first', async () => {
  await backend.use('wasm');
  const x = tf.tensor1d([1, 2, 3]);
  const buffers = tf.memory().numDataBuffers;
  const y = tf.clone(x);
  const c = tf.cast(x, 'float32');
  assert.equal(tf.memory().numDataBuffers, buffers, 'a clone adds no buffer');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  y.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3]);
  const i = tf.cast(c, 'int32');
  assert.equal(i.dtype, 'int32');
  assert.deepEqual(Array.from(i.dataSync()), [1, 2, 3]);
  tf.dispose([c, i]);
  assert.equal(tf.memory().numDataBuffers, buffers - 1, 'the shared buffer is freed once every sharer is gone');
  // the gradient of a clone (saved tensors are clones) is unchanged: d/dx Σ clone(x)² = 2x
  const g = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.clone(t))))(tf.tensor1d([1, -2])).dataSync()));
  assert.deepEqual(g, [2, -4]);
});
