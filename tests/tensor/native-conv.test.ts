/**
 * The native path's conv2d (im2col + OpenBLAS sgemm) and its input and filter gradients (col2im,
 * and Conv2DBackpropFilter, which the native path adds to the wasm backend) against float64 sums
 * written here from the definition, for strides 1 and 2 and same, valid and explicit padding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../src/tensor/tf.js';
import { backend } from '../../src/tensor/index.js';
import { nativeStatus } from '../../src/tensor/native/index.js';
import { assertCloseToFloat64, randomNormal } from './float64-compare.js';

const status = nativeStatus();
const skip = status.available ? false : `native addon unavailable: ${status.reason}`;

/** conv2d in float64 from its definition: y[b,i,j,o] = Σ x[b, i·sh − top + p, j·sw − left + q, c] K[p,q,c,o]. */
function conv64(x: Float32Array, xs: number[], k: Float32Array, ks: number[], s: number, top: number, left: number, oh: number, ow: number): Float64Array {
  const [n, h, w, cin] = xs;
  const [kh, kw, , cout] = ks;
  const y = new Float64Array(n * oh * ow * cout);
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let o = 0; o < cout; o++) {
    let acc = 0;
    for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
      const ii = i * s - top + p, jj = j * s - left + q;
      if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
      for (let c = 0; c < cin; c++) acc += x[((b * h + ii) * w + jj) * cin + c] * k[((p * kw + q) * cin + c) * cout + o];
    }
    y[((b * oh + i) * ow + j) * cout + o] = acc;
  }
  return y;
}

test('native conv2d, its input and filter gradients equal float64 sums: strides 1 and 2, same/valid/explicit padding', { skip }, async () => {
  await backend.use('wasm', { blas: true });
  assert.ok(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm'), 'the native path adds Conv2DBackpropFilter on wasm');
  const before = tf.memory().numTensors;
  const cases: { xs: number[]; ks: number[]; s: 1 | 2; pad: 'same' | 'valid' | number }[] = [
    { xs: [2, 7, 6, 3], ks: [3, 3, 3, 4], s: 1, pad: 'same' },
    { xs: [2, 8, 8, 3], ks: [3, 3, 3, 5], s: 2, pad: 'same' },
    { xs: [1, 7, 9, 2], ks: [3, 1, 2, 3], s: 2, pad: 'valid' },
    { xs: [3, 5, 5, 4], ks: [5, 5, 4, 2], s: 1, pad: 1 },
  ];
  let seed = 60;
  for (const { xs, ks, s, pad } of cases) {
    const x = randomNormal(xs, seed++), k = randomNormal(ks, seed++);
    const info = tf.backend_util.computeConv2DInfo(xs as [number, number, number, number], ks as [number, number, number, number], s, 1, pad);
    const { outHeight: oh, outWidth: ow } = info;
    const { top, left } = info.padInfo;
    const what = `x [${xs}] K [${ks}] stride ${s} pad ${pad}`;
    const y = tf.tidy(() => tf.conv2d(tf.tensor4d(x, xs as [number, number, number, number]), tf.tensor4d(k, ks as [number, number, number, number]), s, pad));
    assertCloseToFloat64(y, { shape: [xs[0], oh, ow, ks[3]], values: conv64(x, xs, k, ks, s, top, left, oh, ow) }, `conv ${what}`);
    // gradients of ⟨dy, conv(x, K)⟩: by linearity, ∂/∂x[e] = ⟨dy, conv(eₑ, K)⟩ and ∂/∂K[e] = ⟨dy, conv(x, eₑ)⟩
    const dy = randomNormal([xs[0], oh, ow, ks[3]], seed++);
    const dot = (a: Float64Array) => a.reduce((acc, v, i) => acc + v * dy[i], 0);
    const unit = (len: number, i: number) => Float32Array.from({ length: len }, (_, j) => (j === i ? 1 : 0));
    const dx64 = Float64Array.from({ length: x.length }, (_, e) => dot(conv64(unit(x.length, e), xs, k, ks, s, top, left, oh, ow)));
    const dk64 = Float64Array.from({ length: k.length }, (_, e) => dot(conv64(x, xs, unit(k.length, e), ks, s, top, left, oh, ow)));
    const [dx, dk] = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad), tf.tensor(dy, y.shape))))(
      [tf.tensor4d(x, xs as [number, number, number, number]), tf.tensor4d(k, ks as [number, number, number, number])]));
    assertCloseToFloat64(dx, { shape: xs, values: dx64 }, `∂x ${what}`);
    assertCloseToFloat64(dk, { shape: ks, values: dk64 }, `∂K ${what}`);
    tf.dispose([y, dx, dk]);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
});
