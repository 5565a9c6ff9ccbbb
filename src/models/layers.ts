/**
 * Layer functions over parameter views, built from ops whose derivatives of every order are exact
 * under flowlab's gradients: matMul, add, slice/pad/concat/reshape, mean, relu, exp, log, sqrt.
 * Pooling and normalisation are written out (no AvgPoolGrad / fused-norm kernels in the graph).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import { safeGradientKernels } from '../tensor/gradients/index.js';

/**
 * Dense layer y = x W + b over the last axis (W is [in, out], TF.js layout).
 * @example dense(tf.ones([2, 3]), tf.ones([3, 5]), tf.zeros([5])) // shape [2, 5], all 3
 */
export function dense(x: Tensor, W: Tensor, b?: Tensor): Tensor {
  const lead = x.shape.slice(0, -1);
  const y = tf.matMul(tf.reshape(x, [-1, x.shape[x.shape.length - 1]]), W as tf.Tensor2D);
  const out = b ? tf.add(y, b) : y;
  return lead.length === 1 ? out : tf.reshape(out, [...lead, W.shape[1] as number]);
}

/**
 * Whether TF.js's native conv2d can be differentiated three times: true when flowlab's tensor core
 * has replaced the Conv2D and Conv2DBackpropInput gradients by higher-order-safe ones.
 */
function nativeConvIsSafe(): boolean {
  const safe = safeGradientKernels();
  return safe.includes('Conv2D') && safe.includes('Conv2DBackpropInput');
}

/**
 * Takes every `stride`-th row and column of x [n, h, w, c] starting at 0, via a 4-D reshape + slice
 * (StridedSlice has no gradient in TF.js, and 6-D slices are ~40× slower on wasm). h, w must be multiples of stride.
 */
function subsample(x: Tensor, stride: number): Tensor {
  if (stride === 1) return x;
  const [n, h, w, c] = x.shape;
  const r = tf.reshape(x, [(n * h) / stride, stride, w / stride, stride * c]);
  return tf.reshape(tf.slice(r, [0, 0, 0, 0], [(n * h) / stride, 1, w / stride, c]), [n, h / stride, w / stride, c]);
}

/**
 * 2-D convolution, x [n, h, w, cin] (NHWC), K [kh, kw, cin, cout], odd kernel, zero padding
 * (kh−1)/2 on every side (PyTorch `padding=1` for 3×3, also 'same' at stride 1), stride 1 or 2.
 * Uses the native kernel at stride 1 when its gradients are registered to all orders; otherwise (and
 * for stride 2, faster on wasm) an exact shifted-slices form Σ_{dy,dx} shift(x) · K[dy, dx] (same FLOPs, only matMul/slice/pad in the graph).
 * `impl` forces one path ('native' | 'slices'; default 'auto').
 * @example conv2d(tf.ones([1, 32, 32, 3]), tf.ones([3, 3, 3, 16]), { stride: 2 }).shape // [1, 16, 16, 16]
 */
export function conv2d(x: Tensor, K: Tensor, { stride = 1, impl = 'auto' }: { stride?: number; impl?: 'auto' | 'native' | 'slices' } = {}): Tensor {
  const [kh, kw, cin, cout] = K.shape;
  if (kh % 2 === 0 || kw % 2 === 0) throw new Error(`conv2d: kernel must have odd size, got ${kh}×${kw}`);
  if (x.shape[3] !== cin) throw new Error(`conv2d: input has ${x.shape[3]} channels, kernel expects ${cin}`);
  const ph = (kh - 1) / 2;
  const pw = (kw - 1) / 2;
  // Strided: the shifted-slices form (rank-4 ops only) is faster on wasm than the native filter gradient.
  if (impl === 'native' || (impl === 'auto' && stride === 1 && nativeConvIsSafe())) {
    const pad = [[0, 0], [ph, ph], [pw, pw], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
    return tf.conv2d(x as tf.Tensor4D, K as tf.Tensor4D, stride, pad);
  }
  const [n, h, w] = x.shape;
  if (h % stride !== 0 || w % stride !== 0) throw new Error(`conv2d: spatial size ${h}×${w} must be a multiple of stride ${stride}`);
  const xp = tf.pad(x, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
  const cols: Tensor[] = [];
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) cols.push(subsample(tf.slice(xp, [0, i, j, 0], [n, h, w, cin]), stride));
  const patches = tf.concat(cols, 3); // [n, h/s, w/s, kh·kw·cin], ordered (i, j, c) like K's reshape
  return dense(patches, tf.reshape(K, [kh * kw * cin, cout]));
}

/**
 * Views x [n, h, w, c] as [n·h/k, k, w/k, k·c]: entry (a, i, b, j·c + q) is x at row k·a' + i, column
 * k·b + j, channel q. 4-D on purpose: TF.js-wasm slices and reductions of rank > 4 take a slow path.
 */
function windows(x: Tensor, k: number, who: string): Tensor {
  const [n, h, w, c] = x.shape;
  if (h % k !== 0 || w % k !== 0) throw new Error(`${who}: spatial size ${h}×${w} must be a multiple of ${k}`);
  return tf.reshape(x, [(n * h) / k, k, w / k, k * c]);
}

/**
 * Average pooling over k×k windows with stride k (mean over each window).
 * @example avgPoolK(tf.ones([1, 8, 8, 2]), 4).shape // [1, 2, 2, 2]
 */
export function avgPoolK(x: Tensor, k: number): Tensor {
  const [n, h, w, c] = x.shape;
  const rows = tf.mean(windows(x, k, 'avgPool'), 1); // [n·h/k, w/k, k·c]
  return tf.reshape(tf.mean(tf.reshape(rows, [(n * h) / k, w / k, k, c]), 2), [n, h / k, w / k, c]);
}

/**
 * 2×2 average pooling, stride 2 (mean over each window).
 * @example avgPool2(tf.ones([1, 4, 4, 2])) // [1, 2, 2, 2] of ones
 */
export function avgPool2(x: Tensor): Tensor {
  return avgPoolK(x, 2);
}

/**
 * 2×2 max pooling, stride 2, via max(a, b) = b + relu(a − b) (relu is exact to all orders).
 * @example maxPool2(tf.ones([1, 8, 8, 2])).shape // [1, 4, 4, 2]
 */
export function maxPool2(x: Tensor): Tensor {
  const [n, h, w, c] = x.shape;
  const r = windows(x, 2, 'maxPool');
  const pick = (i: number, j: number) => tf.reshape(tf.slice(r, [0, i, 0, j * c], [(n * h) / 2, 1, w / 2, c]), [n, h / 2, w / 2, c]);
  const max = (a: Tensor, b: Tensor) => tf.add(b, tf.relu(tf.sub(a, b)));
  return max(max(pick(0, 0), pick(0, 1)), max(pick(1, 0), pick(1, 1)));
}

/**
 * LayerNorm over the last axis from elementary ops (the central-flows authors found a fused
 * LayerNorm gave wrong third derivatives): γ (x − μ)/(σ + ε) + β with σ the unbiased standard
 * deviation and ε = 1e-6 outside the square root (their TrainableLayerNorm), or with
 * `torchStyle: true` PyTorch's nn.LayerNorm: (x − μ)/√(σ²_biased + ε).
 * @example layerNorm(x, gamma, beta) // normalises the last axis
 */
export function layerNorm(x: Tensor, gamma?: Tensor, beta?: Tensor, { eps = 1e-6, torchStyle = false } = {}): Tensor {
  const d = x.shape[x.shape.length - 1];
  const mu = tf.mean(x, -1, true);
  const xc = tf.sub(x, mu);
  const ss = tf.sum(tf.square(xc), -1, true);
  const y = torchStyle ? tf.div(xc, tf.sqrt(tf.add(tf.div(ss, d), eps))) : tf.div(xc, tf.add(tf.sqrt(tf.div(ss, d - 1)), eps));
  const g = gamma ? tf.mul(y, gamma) : y;
  return beta ? tf.add(g, beta) : g;
}

/**
 * GroupNorm for x [n, h, w, c] as in the central-flows ResNet: per example and group of c/groups
 * channels, (x − μ)/√(var_unbiased + ε), ε = 1e-6, then per-channel scale and shift.
 * @example groupNorm(tf.randomNormal([1, 4, 4, 32]), tf.ones([32]), tf.zeros([32]), 16)
 */
export function groupNorm(x: Tensor, gamma: Tensor, beta: Tensor, groups: number, { eps = 1e-6 } = {}): Tensor {
  const [n, h, w, c] = x.shape;
  if (c % groups !== 0) throw new Error(`groupNorm: ${c} channels not divisible by ${groups} groups`);
  const g = tf.reshape(x, [n, h * w, groups, c / groups]);
  const m = h * w * (c / groups);
  const mu = tf.mean(g, [1, 3], true);
  const xc = tf.sub(g, mu);
  const v = tf.div(tf.sum(tf.square(xc), [1, 3], true), m - 1);
  const y = tf.reshape(tf.div(xc, tf.sqrt(tf.add(v, eps))), [n, h, w, c]);
  return tf.add(tf.mul(y, gamma), beta);
}
