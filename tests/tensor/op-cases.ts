/**
 * One objective per op: y = op(inputs carved out of w), read out by a fixed cubic
 * r(y) = Σ cᵢyᵢ³/3 + dᵢyᵢ²/2 + eᵢyᵢ so first, second and third derivatives all pass through the op.
 * Each case has the op in fl.tf and an independent plain-TypeScript float64 version.
 * Inputs have magnitudes in [0.3, 1] (away from kinks of relu/abs/max, ties and domain edges).
 */
import { tf } from '../../src/tensor/tf.js';
import * as ref from '../../src/tensor/reference.js';
import type { Tensor1D } from '../../src/tensor/types.js';

type F64 = Float64Array;
export interface OpCase {
  name: string;
  /** Sizes of the inputs carved from w, in order. */
  sizes: number[];
  tf: (...xs: tf.Tensor1D[]) => tf.Tensor;
  ref: (...xs: F64[]) => ArrayLike<number>;
  /** Looser tolerances where float32 cancellation (not a derivative error) limits accuracy. */
  tol?: { grad?: number; hvp?: number; curvatureGrad?: number };
}

const ew = (name: string, t: (x: tf.Tensor) => tf.Tensor, r: (x: number) => number, n = 6): OpCase =>
  ({ name, sizes: [n], tf: (a) => t(a), ref: (a) => ref.map(a, r) });

function bin(shapeA: number[], shapeB: number[], a: F64, b: F64, f: (x: number, y: number) => number): F64 {
  // Broadcast two row-major arrays (NumPy rules) and apply f.
  const rank = Math.max(shapeA.length, shapeB.length);
  const sa = [...Array(rank - shapeA.length).fill(1), ...shapeA];
  const sb = [...Array(rank - shapeB.length).fill(1), ...shapeB];
  const so = sa.map((d, i) => Math.max(d, sb[i]));
  const size = so.reduce((p, q) => p * q, 1);
  const out = new Float64Array(size);
  const idx = new Array(rank).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let r = flat;
    for (let k = rank - 1; k >= 0; k--) { idx[k] = r % so[k]; r = Math.floor(r / so[k]); }
    let ia = 0, ib = 0;
    for (let k = 0; k < rank; k++) {
      ia = ia * sa[k] + (sa[k] === 1 ? 0 : idx[k]);
      ib = ib * sb[k] + (sb[k] === 1 ? 0 : idx[k]);
    }
    out[flat] = f(a[ia], b[ib]);
  }
  return out;
}

const binCase = (name: string, sa: number[], sb: number[], t: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, f: (x: number, y: number) => number): OpCase => ({
  name,
  sizes: [sa.reduce((p, q) => p * q, 1), sb.reduce((p, q) => p * q, 1)],
  tf: (a, b) => t(tf.reshape(a, sa), tf.reshape(b, sb)),
  ref: (a, b) => bin(sa, sb, a, b, f),
});

/** NHWC conv2d / pooling reference with explicit top/left padding and output size. */
function windowed(x: F64, [n, h, w, c]: number[], kh: number, kw: number, s: number, padT: number, padL: number, oh: number, ow: number,
  f: (vals: number[], taps: number[]) => number, channelsOut = c, filter?: F64): F64 {
  const out = new Float64Array(n * oh * ow * channelsOut);
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let o = 0; o < channelsOut; o++) {
    if (filter) {
      let acc = 0;
      for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
        const y = i * s + p - padT, xx = j * s + q - padL;
        if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
        for (let ci = 0; ci < c; ci++) acc += x[((b * h + y) * w + xx) * c + ci] * filter[((p * kw + q) * c + ci) * channelsOut + o];
      }
      out[((b * oh + i) * ow + j) * channelsOut + o] = acc;
    } else {
      const vals: number[] = [];
      for (let p = 0; p < kh; p++) for (let q = 0; q < kw; q++) {
        const y = i * s + p - padT, xx = j * s + q - padL;
        if (y >= 0 && y < h && xx >= 0 && xx < w) vals.push(x[((b * h + y) * w + xx) * c + o]);
      }
      out[((b * oh + i) * ow + j) * channelsOut + o] = f(vals, []);
    }
  }
  return out;
}

function matmulRef(a: F64, b: F64, m: number, k: number, n: number, ta = false, tb = false): F64 {
  const A = ta ? transpose2(a, k, m) : a;
  const B = tb ? transpose2(b, n, k) : b;
  return ref.matMul(A, B, m, k, n);
}
function transpose2(a: F64, r: number, c: number): F64 {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}
function rowsReduce(a: F64, r: number, c: number, f: (row: number[]) => number[]): F64 {
  const out: number[] = [];
  for (let i = 0; i < r; i++) out.push(...f(Array.from(a.subarray(i * c, (i + 1) * c))));
  return Float64Array.from(out);
}
const lse = (row: number[]) => { const m = Math.max(...row); return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)); };
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

export const OP_CASES: OpCase[] = [
  binCase('add', [6], [6], tf.add, (x, y) => x + y),
  binCase('add (broadcast)', [2, 3], [3], tf.add, (x, y) => x + y),
  binCase('sub (broadcast)', [2, 3], [2, 1], tf.sub, (x, y) => x - y),
  binCase('mul (broadcast)', [2, 3], [3], tf.mul, (x, y) => x * y),
  binCase('div (broadcast)', [2, 3], [3], (a, b) => tf.div(a, tf.add(2, b)), (x, y) => x / (2 + y)),
  ew('neg', tf.neg, (x) => -x),
  ew('square', tf.square, (x) => x * x),
  ew('pow (a³)', (x) => tf.pow(x, 3), (x) => x ** 3),
  binCase('pow (aᵇ)', [6], [6], (a, b) => tf.pow(tf.add(2, a), b), (x, y) => (2 + x) ** y),
  ew('sqrt', (x) => tf.sqrt(tf.add(2, x)), (x) => Math.sqrt(2 + x)),
  ew('rsqrt', (x) => tf.rsqrt(tf.add(2, x)), (x) => 1 / Math.sqrt(2 + x)),
  ew('exp', tf.exp, Math.exp),
  ew('log', (x) => tf.log(tf.add(3, x)), (x) => Math.log(3 + x)),
  ew('log1p', (x) => tf.log1p(tf.mul(0.5, x)), (x) => Math.log1p(0.5 * x)),
  ew('tanh', tf.tanh, Math.tanh),
  ew('sigmoid', tf.sigmoid, ref.act.sigmoid),
  ew('softplus', tf.softplus, ref.act.softplus),
  ew('relu', tf.relu, ref.act.relu),
  ew('elu', tf.elu, ref.act.elu),
  ew('erf', tf.erf, ref.erf),
  ew('abs', tf.abs, Math.abs),
  binCase('maximum', [6], [6], tf.maximum, Math.max),
  binCase('minimum', [6], [6], tf.minimum, Math.min),
  { name: 'matMul', sizes: [6, 12], tf: (a, b) => tf.matMul(tf.reshape(a, [2, 3]), tf.reshape(b, [3, 4])), ref: (a, b) => matmulRef(a, b, 2, 3, 4) },
  {
    name: 'matMul (transposeA, transposeB)', sizes: [6, 12],
    tf: (a, b) => tf.matMul(tf.reshape(a, [3, 2]), tf.reshape(b, [4, 3]), true, true),
    ref: (a, b) => matmulRef(a, b, 2, 3, 4, true, true),
  },
  {
    name: 'matMul (batched)', sizes: [12, 12],
    tf: (a, b) => tf.matMul(tf.reshape(a, [2, 2, 3]), tf.reshape(b, [2, 3, 2])),
    ref: (a, b) => Float64Array.from([...matmulRef(a.subarray(0, 6), b.subarray(0, 6), 2, 3, 2), ...matmulRef(a.subarray(6), b.subarray(6), 2, 3, 2)]),
  },
  {
    name: 'conv2d (same, stride 1)', sizes: [32, 36],
    tf: (x, f) => tf.conv2d(tf.reshape(x, [1, 4, 4, 2]) as tf.Tensor4D, tf.reshape(f, [3, 3, 2, 2]) as tf.Tensor4D, 1, 'same'),
    ref: (x, f) => windowed(x, [1, 4, 4, 2], 3, 3, 1, 1, 1, 4, 4, () => 0, 2, f),
  },
  {
    name: 'conv2d (valid, stride 2)', sizes: [50, 16],
    tf: (x, f) => tf.conv2d(tf.reshape(x, [2, 5, 5, 1]) as tf.Tensor4D, tf.reshape(f, [2, 2, 1, 4]) as tf.Tensor4D, 2, 'valid'),
    ref: (x, f) => windowed(x, [2, 5, 5, 1], 2, 2, 2, 0, 0, 2, 2, () => 0, 4, f),
  },
  {
    name: 'depthwiseConv2d (same, multiplier 2)', sizes: [18, 24],
    tf: (x, f) => tf.depthwiseConv2d(tf.reshape(x, [1, 3, 3, 2]) as tf.Tensor4D, tf.reshape(f, [3, 2, 2, 2]) as tf.Tensor4D, 1, 'same'),
    ref: (x, f) => {
      // output channel c·2 + m = Σ_pq x[i+p−1, j+q−0 (same pads: top 1, left 0), c] f[p, q, c, m]
      const out: number[] = [];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let c = 0; c < 2; c++) for (let m = 0; m < 2; m++) {
        let s = 0;
        for (let p = 0; p < 3; p++) for (let q = 0; q < 2; q++) {
          const y = i + p - 1, z = j + q;
          if (y >= 0 && y < 3 && z < 3) s += x[(y * 3 + z) * 2 + c] * f[((p * 2 + q) * 2 + c) * 2 + m];
        }
        out.push(s);
      }
      return out;
    },
  },
  {
    name: 'depthwiseConv2d (valid, stride 2)', sizes: [50, 8],
    tf: (x, f) => tf.depthwiseConv2d(tf.reshape(x, [1, 5, 5, 2]) as tf.Tensor4D, tf.reshape(f, [2, 2, 2, 1]) as tf.Tensor4D, 2, 'valid'),
    ref: (x, f) => {
      const out: number[] = [];
      for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let c = 0; c < 2; c++) {
        let s = 0;
        for (let p = 0; p < 2; p++) for (let q = 0; q < 2; q++) s += x[((2 * i + p) * 5 + 2 * j + q) * 2 + c] * f[(p * 2 + q) * 2 + c];
        out.push(s);
      }
      return out;
    },
  },
  {
    name: 'avgPool (2×2, stride 2)', sizes: [32],
    tf: (x) => tf.avgPool(tf.reshape(x, [1, 4, 4, 2]) as tf.Tensor4D, 2, 2, 'valid'),
    ref: (x) => windowed(x, [1, 4, 4, 2], 2, 2, 2, 0, 0, 2, 2, mean),
  },
  {
    name: 'avgPool (3×3, same)', sizes: [16],
    tf: (x) => tf.avgPool(tf.reshape(x, [1, 4, 4, 1]) as tf.Tensor4D, 3, 1, 'same'),
    ref: (x) => windowed(x, [1, 4, 4, 1], 3, 3, 1, 1, 1, 4, 4, mean),
  },
  {
    name: 'maxPool (2×2, stride 2)', sizes: [32],
    tf: (x) => tf.maxPool(tf.reshape(x, [1, 4, 4, 2]) as tf.Tensor4D, 2, 2, 'valid'),
    ref: (x) => windowed(x, [1, 4, 4, 2], 2, 2, 2, 0, 0, 2, 2, (v) => Math.max(...v)),
  },
  {
    name: 'maxPool (3×3, same)', sizes: [16],
    tf: (x) => tf.maxPool(tf.reshape(x, [1, 4, 4, 1]) as tf.Tensor4D, 3, 1, 'same'),
    ref: (x) => windowed(x, [1, 4, 4, 1], 3, 3, 1, 1, 1, 4, 4, (v) => Math.max(...v)),
  },
  { name: 'sum (axis 1)', sizes: [6], tf: (a) => tf.sum(tf.reshape(a, [2, 3]), 1), ref: (a) => rowsReduce(a, 2, 3, (r) => [r.reduce((s, x) => s + x, 0)]) },
  { name: 'mean (all)', sizes: [6], tf: (a) => tf.mean(a), ref: (a) => [mean(Array.from(a))] },
  { name: 'max (axis 1)', sizes: [6], tf: (a) => tf.max(tf.reshape(a, [2, 3]), 1), ref: (a) => rowsReduce(a, 2, 3, (r) => [Math.max(...r)]) },
  { name: 'min (all)', sizes: [6], tf: (a) => tf.min(a), ref: (a) => [Math.min(...a)] },
  {
    name: 'reshape + slice', sizes: [12],
    tf: (a) => tf.slice(tf.reshape(a, [3, 4]), [1, 1], [2, 2]),
    ref: (a) => [a[5], a[6], a[9], a[10]],
  },
  {
    name: 'concat (axis 1)', sizes: [4, 6],
    tf: (a, b) => tf.concat([tf.reshape(a, [2, 2]), tf.reshape(b, [2, 3])], 1),
    ref: (a, b) => [a[0], a[1], b[0], b[1], b[2], a[2], a[3], b[3], b[4], b[5]],
  },
  { name: 'stack', sizes: [3, 3], tf: (a, b) => tf.stack([a, b], 1), ref: (a, b) => [a[0], b[0], a[1], b[1], a[2], b[2]] },
  {
    name: 'unstack', sizes: [6],
    tf: (a) => { const [r0, r1] = tf.unstack(tf.reshape(a, [2, 3])); return tf.mul(r0, tf.exp(r1)); },
    ref: (a) => [0, 1, 2].map((j) => a[j] * Math.exp(a[3 + j])),
  },
  {
    name: 'transpose', sizes: [24],
    tf: (a) => tf.transpose(tf.reshape(a, [2, 3, 4]), [2, 0, 1]),
    ref: (a) => { const o: number[] = []; for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) o.push(a[(i * 3 + j) * 4 + k]); return o; },
  },
  {
    name: 'gather (axis 0, repeated indices)', sizes: [12],
    tf: (a) => tf.gather(tf.reshape(a, [4, 3]), tf.tensor1d([2, 0, 2], 'int32'), 0),
    ref: (a) => [2, 0, 2].flatMap((r) => [a[r * 3], a[r * 3 + 1], a[r * 3 + 2]]),
  },
  {
    name: 'gather (axis 1)', sizes: [12],
    tf: (a) => tf.gather(tf.reshape(a, [3, 4]), tf.tensor1d([3, 1], 'int32'), 1),
    ref: (a) => [0, 1, 2].flatMap((r) => [a[r * 4 + 3], a[r * 4 + 1]]),
  },
  {
    name: 'broadcastTo', sizes: [3],
    tf: (a) => tf.broadcastTo(tf.reshape(a, [1, 3]), [2, 3]),
    ref: (a) => [...a, ...a],
  },
  {
    name: 'softmax', sizes: [8],
    tf: (a) => tf.softmax(tf.reshape(a, [2, 4])),
    ref: (a) => ref.map(ref.logSoftmaxRows(a, 2, 4), Math.exp),
  },
  { name: 'logSoftmax', sizes: [8], tf: (a) => tf.logSoftmax(tf.reshape(a, [2, 4])), ref: (a) => ref.logSoftmaxRows(a, 2, 4) },
  { name: 'logSumExp (axis 1)', sizes: [8], tf: (a) => tf.logSumExp(tf.reshape(a, [2, 4]), 1), ref: (a) => rowsReduce(a, 2, 4, (r) => [lse(r)]) },
  {
    name: 'where/select', sizes: [6, 6],
    tf: (a, b) => tf.where(tf.tensor1d([1, 0, 0, 1, 1, 0], 'bool'), tf.exp(a), tf.square(b)),
    ref: (a, b) => [1, 0, 0, 1, 1, 0].map((c, i) => (c ? Math.exp(a[i]) : b[i] * b[i])),
  },
  // beyond the list: common ops users reach for
  { name: 'dot (w·w, one buffer as both operands)', sizes: [4], tf: (a) => tf.dot(a, a), ref: (a) => [a.reduce((s, x) => s + x * x, 0)] },
  { name: 'conv1d', sizes: [12, 8], tf: (x, f) => tf.conv1d(tf.reshape(x, [1, 6, 2]) as tf.Tensor3D, tf.reshape(f, [2, 2, 2]) as tf.Tensor3D, 1, 'valid'),
    ref: (x, f) => windowed(x, [1, 1, 6, 2], 1, 2, 1, 0, 0, 1, 5, () => 0, 2, f) },
  ew('leakyRelu', (x) => tf.leakyRelu(x, 0.1), (x) => (x > 0 ? x : 0.1 * x)),
  ew('relu6', (x) => tf.relu6(tf.mul(x, 8)), (x) => Math.min(Math.max(8 * x, 0), 6)),
  ew('clipByValue', (x) => tf.clipByValue(x, -0.5, 0.5), (x) => Math.min(Math.max(x, -0.5), 0.5)),
  ew('selu', tf.selu, (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x))),
  ew('sin', tf.sin, Math.sin),
  ew('cos', tf.cos, Math.cos),
  ew('expm1', tf.expm1, Math.expm1),
  ew('reciprocal', (x) => tf.reciprocal(tf.add(2, x)), (x) => 1 / (2 + x)),
  ew('atan', tf.atan, Math.atan),
  ew('logSigmoid', tf.logSigmoid, (x) => -ref.act.softplus(-x)),
  binCase('squaredDifference', [6], [6], tf.squaredDifference, (x, y) => (x - y) ** 2),
  { name: 'cumsum', sizes: [5], tf: (a) => tf.cumsum(a), ref: (a) => { let s = 0; return Array.from(a, (x) => (s += x)); } },
  { name: 'norm (euclidean)', sizes: [6], tf: (a) => tf.norm(a), ref: (a) => [Math.sqrt(a.reduce((s, x) => s + x * x, 0))] },
  {
    name: 'moments (variance)', sizes: [6], tf: (a) => tf.moments(a).variance,
    ref: (a) => { const m = mean(Array.from(a)); return [mean(Array.from(a, (x) => (x - m) ** 2))]; },
  },
  { name: 'pad', sizes: [4], tf: (a) => tf.pad(tf.reshape(a, [2, 2]), [[1, 0], [0, 1]], 0.5), ref: (a) => [0.5, 0.5, 0.5, a[0], a[1], 0.5, a[2], a[3], 0.5] },
  {
    name: 'mirrorPad (reflect)', sizes: [9], tf: (a) => tf.mirrorPad(tf.reshape(a, [3, 3]), [[1, 2], [2, 0]], 'reflect'),
    ref: (a) => { const r = [1, 0, 1, 2, 1, 0]; const c = [2, 1, 0, 1, 2]; return r.flatMap((i) => c.map((j) => a[i * 3 + j])); },
  },
  {
    name: 'mirrorPad (symmetric)', sizes: [6], tf: (a) => tf.mirrorPad(tf.reshape(a, [2, 3]), [[1, 1], [0, 2]], 'symmetric'),
    ref: (a) => { const r = [0, 0, 1, 1]; const c = [0, 1, 2, 2, 1]; return r.flatMap((i) => c.map((j) => a[i * 3 + j])); },
  },
  {
    name: 'batchNorm (moments, scale, offset)', sizes: [8, 4, 4],
    tf: (x, s, o) => { const X = tf.reshape(x, [2, 4]); const m = tf.moments(X, 0); return tf.batchNorm(X, m.mean, m.variance, o, s, 0.1); },
    ref: (x, s, o) => Array.from(x, (v, i) => { const j = i % 4; const mu = (x[j] + x[4 + j]) / 2; const va = ((x[j] - mu) ** 2 + (x[4 + j] - mu) ** 2) / 2; return ((v - mu) / Math.sqrt(va + 0.1)) * s[j] + o[j]; }),
  },
  {
    name: 'batchNorm (no scale)', sizes: [8, 4],
    tf: (x, o) => tf.batchNorm(tf.reshape(x, [2, 4]), tf.tensor1d([0.1, -0.2, 0, 0.3]), tf.tensor1d([1, 2, 0.5, 1.5]), o),
    ref: (x, o) => Array.from(x, (v, i) => (v - [0.1, -0.2, 0, 0.3][i % 4]) / Math.sqrt([1, 2, 0.5, 1.5][i % 4] + 0.001) + o[i % 4]),
  },
  { name: 'tile', sizes: [3], tf: (a) => tf.tile(a, [2]), ref: (a) => [...a, ...a] },
  {
    name: 'sigmoidCrossEntropy', sizes: [6],
    tf: (a) => tf.losses.sigmoidCrossEntropy(tf.tensor1d([1, 0, 1, 1, 0, 0]), a),
    ref: (a) => [mean([1, 0, 1, 1, 0, 0].map((y, i) => ref.act.softplus(a[i]) - y * a[i]))],
    // relu(x) − xy + log1p(e^−|x|) cancels in float32: its gradient is accurate to ~3e-5 only
    tol: { grad: 1e-4 },
  },
  {
    name: 'fused.matMul (bias, relu)', sizes: [6, 12],
    tf: (a, b) => tf.fused.matMul({ a: tf.reshape(a, [2, 3]), b: tf.reshape(b, [3, 4]), bias: tf.tensor1d([0.1, -0.2, 0.3, 0]), activation: 'relu' }),
    ref: (a, b) => ref.map(ref.addBias(matmulRef(a, b, 2, 3, 4), [0.1, -0.2, 0.3, 0], 2, 4), (x) => Math.max(x, 0)),
  },
  {
    name: 'fused.matMul (elu)', sizes: [6, 12],
    tf: (a, b) => tf.fused.matMul({ a: tf.reshape(a, [2, 3]), b: tf.reshape(b, [3, 4]), activation: 'elu' }),
    ref: (a, b) => ref.map(matmulRef(a, b, 2, 3, 4), ref.act.elu),
  },
];

/** w0 for a case: magnitudes in [0.3, 1], random signs; binary cases keep |a − b| ≥ 0.15. */
export function caseW0(c: OpCase, seed: number): Float32Array {
  const r = ref.rng(seed);
  const dim = c.sizes.reduce((p, q) => p + q, 0);
  const w = new Float32Array(dim);
  for (let i = 0; i < dim; i++) w[i] = (r.uniform() < 0.5 ? -1 : 1) * (0.3 + 0.7 * r.uniform());
  // Distinct values with margins for ties (max, maxPool) and for maximum/minimum pairs.
  if (c.sizes.length === 2 && c.sizes[0] === c.sizes[1]) {
    for (let i = 0; i < c.sizes[0]; i++) if (Math.abs(w[i] - w[c.sizes[0] + i]) < 0.15) w[i] += w[i] > w[c.sizes[0] + i] ? 0.15 : -0.15;
  }
  const order = Array.from(w.keys()).sort((i, j) => w[i] - w[j]);
  for (let k = 1; k < order.length; k++) if (w[order[k]] - w[order[k - 1]] < 0.02) w[order[k]] = w[order[k - 1]] + 0.02;
  return w;
}

/** Builds (lossFn, reference) for a case with the cubic readout. */
export function caseObjective(c: OpCase, seed: number): { dim: number; loss: (w: Tensor1D) => tf.Scalar; reference: (w: F64) => number } {
  const dim = c.sizes.reduce((p, q) => p + q, 0);
  const offsets = c.sizes.map((_, i) => c.sizes.slice(0, i).reduce((p, q) => p + q, 0));
  const split64 = (w: F64) => c.sizes.map((s, i) => w.subarray(offsets[i], offsets[i] + s));
  const outSize = c.ref(...split64(new Float64Array(Float64Array.from(caseW0(c, seed))))).length;
  const r = ref.rng(seed + 1000);
  const C = Float32Array.from(r.normals(outSize));
  const D = Float32Array.from(r.normals(outSize));
  const E = Float32Array.from(r.normals(outSize));
  const Ct = tf.keep(tf.tensor1d(C)), Dt = tf.keep(tf.tensor1d(D)), Et = tf.keep(tf.tensor1d(E));
  const loss = (w: Tensor1D) => {
    const xs = c.sizes.map((s, i) => tf.slice(w, offsets[i], s));
    const y = tf.reshape(c.tf(...xs), [-1]);
    const y2 = tf.mul(y, y);
    return tf.sum(tf.add(tf.add(tf.mul(Ct, tf.div(tf.mul(y2, y), 3)), tf.mul(Dt, tf.div(y2, 2))), tf.mul(Et, y))) as tf.Scalar;
  };
  const reference = (w: F64) => {
    const y = c.ref(...split64(w));
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (C[i] * y[i] ** 3) / 3 + (D[i] * y[i] ** 2) / 2 + E[i] * y[i];
    return s;
  };
  return { dim, loss, reference };
}
