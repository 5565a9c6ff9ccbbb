/**
 * Safe replacements for the TF.js composite ops built with `customGrad` (logSoftmax, logSigmoid,
 * losses.softmaxCrossEntropy). `customGrad` saves its forward results as clones the outer tape
 * cannot trace, so their gradients are wrong when differentiated again (tensorflow/tfjs#3252).
 * Written as compositions of kernels with safe gradients they differentiate exactly to any order.
 * `fl.tf` exposes these in place of the originals, and chained methods (`x.logSoftmax()`) use them.
 */
import { tfjs as tf } from './tfjs.js';
import { matMulFast } from './matmul.js';

/**
 * log softmax(x) = x − logSumExp(x) along `axis` (default −1, the last axis).
 * @example tf.logSoftmax(tf.tensor2d([[1, 2, 3]]))
 */
export function logSoftmax<T extends tf.Tensor>(logits: T | tf.TensorLike, axis = -1): T {
  const t = logits instanceof tf.Tensor ? (logits as T) : (tf.tensor(logits as tf.TensorLike) as unknown as T);
  return tf.tidy(() => tf.sub(t, tf.logSumExp(t, axis, true)) as T);
}

/**
 * log σ(x) = −softplus(−x), stable for large |x|.
 * @example tf.logSigmoid(tf.tensor1d([-30, 0, 30]))
 */
export function logSigmoid<T extends tf.Tensor>(x: T | tf.TensorLike): T {
  const t = x instanceof tf.Tensor ? (x as T) : (tf.tensor(x as tf.TensorLike) as unknown as T);
  return tf.tidy(() => tf.neg(tf.softplus(tf.neg(t))) as T);
}

/**
 * Softmax cross-entropy −Σ yᵢ log softmax(z)ᵢ per example, then weighted and reduced exactly as
 * `tf.losses.softmaxCrossEntropy` (label smoothing: y ← y(1 − s) + s/C; default reduction
 * SUM_BY_NONZERO_WEIGHTS).
 * @example tf.losses.softmaxCrossEntropy(tf.oneHot([0, 2], 3), logits)
 */
export function softmaxCrossEntropy<T extends tf.Tensor, O extends tf.Tensor>(
  onehotLabels: T | tf.TensorLike,
  logits: T | tf.TensorLike,
  weights?: tf.Tensor | tf.TensorLike,
  labelSmoothing = 0,
  reduction: tf.Reduction = tf.Reduction.SUM_BY_NONZERO_WEIGHTS,
): O {
  return tf.tidy(() => {
    let labels = tf.cast(onehotLabels instanceof tf.Tensor ? onehotLabels : tf.tensor(onehotLabels), 'float32');
    const z = logits instanceof tf.Tensor ? logits : tf.tensor(logits);
    if (labelSmoothing > 0) {
      const classes = labels.shape[labels.shape.length - 1];
      labels = tf.add(tf.mul(labels, 1 - labelSmoothing), labelSmoothing / classes);
    }
    const perExample = tf.neg(tf.sum(tf.mul(labels, logSoftmax(z, -1)), -1));
    return tf.losses.computeWeightedLoss(perExample, weights, reduction) as O;
  });
}

/**
 * op(a)·op(b) (op = transpose when its flag is set), like `tf.matMul`, but without the wasm slow
 * path for transposed operands (see ./matmul.ts).
 * @example tf.matMul(x, w, true, false) // xᵀw
 */
export function matMul<T extends tf.Tensor>(a: tf.Tensor | tf.TensorLike, b: tf.Tensor | tf.TensorLike, transposeA = false, transposeB = false): T {
  const ta = a instanceof tf.Tensor ? a : tf.tensor(a);
  const tb = b instanceof tf.Tensor ? b : tf.tensor(b);
  try {
    return matMulFast(ta, tb, transposeA, transposeB) as T;
  } finally {
    if (ta !== a) ta.dispose();
    if (tb !== b) tb.dispose();
  }
}

/**
 * Batch normalisation (x − mean)·scale/√(variance + ε) + offset with broadcasting, like
 * `tf.batchNorm`, written as a composition: TF.js's FusedBatchNorm gradient fails without a scale
 * and for rank-2 inputs, and is not differentiable again. Defaults: ε = 0.001.
 * @example tf.batchNorm(x, mean, variance, offset, scale)
 */
export function batchNorm<R extends tf.Rank>(
  x: tf.Tensor<R> | tf.TensorLike,
  mean: tf.Tensor | tf.TensorLike,
  variance: tf.Tensor | tf.TensorLike,
  offset?: tf.Tensor | tf.TensorLike,
  scale?: tf.Tensor | tf.TensorLike,
  varianceEpsilon = 0.001,
): tf.Tensor<R> {
  const t = (v: tf.Tensor | tf.TensorLike) => (v instanceof tf.Tensor ? v : tf.tensor(v as tf.TensorLike));
  return tf.tidy(() => {
    let y = tf.mul(tf.sub(t(x), t(mean)), tf.rsqrt(tf.add(t(variance), varianceEpsilon)));
    if (scale != null) y = tf.mul(y, t(scale));
    if (offset != null) y = tf.add(y, t(offset));
    return y as tf.Tensor<R>;
  });
}

/** `tf.losses` with softmaxCrossEntropy replaced by the safe version. */
export const losses: typeof tf.losses = { ...tf.losses, softmaxCrossEntropy };

let patched = false;
/** Points the chained tensor methods (`x.logSoftmax()`, `x.logSigmoid()`) at the safe ops (once). */
export function patchChainedOps(): void {
  if (patched) return;
  patched = true;
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  proto.logSoftmax = function (this: tf.Tensor, axis?: number) {
    return logSoftmax(this, axis);
  };
  proto.matMul = function (this: tf.Tensor, b: tf.Tensor, transposeA?: boolean, transposeB?: boolean) {
    return matMul(this, b, transposeA, transposeB);
  };
  proto.logSigmoid = function (this: tf.Tensor) {
    return logSigmoid(this);
  };
}
