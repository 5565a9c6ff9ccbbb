/**
 * Losses over model outputs f and targets y, averaged over examples (rows), with optional masks
 * for sequence tasks (masked rows are excluded from both the sum and the count), and accuracy.
 */
import { tf } from '../tensor/tf.js';
import { readAndDispose } from '../tensor/read.js';
import type { Scalar, Tensor } from '../tensor/types.js';
import { logSoftmax } from './softmax.js';
import { softplus } from './activations.js';

/** A loss: (outputs f [..., C], targets y [..., C], mask? [...]) → scalar mean over unmasked rows. */
export type Loss = ((f: Tensor, y: Tensor, mask?: Tensor) => Scalar) & { readonly lossName: string };

function named(name: string, fn: (f: Tensor, y: Tensor, mask?: Tensor) => Scalar): Loss {
  return Object.assign(fn, { lossName: name }) as Loss;
}

function checkShapes(name: string, f: Tensor, y: Tensor, mask?: Tensor): void {
  if (f.shape.join() !== y.shape.join()) {
    throw new Error(`${name}: outputs f [${f.shape}] and targets y [${y.shape}] must have the same shape; use one-hot targets (dataset.y)`);
  }
  if (mask && mask.shape.join() !== f.shape.slice(0, -1).join()) {
    throw new Error(`${name}: mask must have shape [${f.shape.slice(0, -1)}] (f without its last axis), got [${mask.shape}]`);
  }
}

/** Mean over rows of a per-row quantity r [...], weighted by the mask when given. */
function rowMean(r: Tensor, mask?: Tensor): Scalar {
  if (!mask) return tf.mean(r) as Scalar;
  return tf.div(tf.sum(tf.mul(r, mask)), tf.maximum(tf.sum(mask), 1)) as Scalar;
}

/**
 * Squared loss with the papers' convention: L = (1/n) Σᵢ ½ Σ_c (f_ic − y_ic)² (Cohen et al. 2021,
 * arXiv:2103.00065; Cohen et al. 2025, arXiv:2410.24206).
 * @example mse(model.apply(w, data.x), data.y)
 */
export const mse: Loss = named('mse', (f, y, mask) =>
  tf.tidy(() => {
    checkShapes('mse', f, y, mask);
    return rowMean(tf.mul(0.5, tf.sum(tf.square(tf.sub(f, y)), -1)), mask);
  }),
);

/**
 * Softmax cross-entropy: L = (1/n) Σᵢ −Σ_c y_ic log softmax(fᵢ)_c (stable log-sum-exp).
 * @example crossEntropy(logits, oneHot)
 */
export const crossEntropy: Loss = named('crossEntropy', (f, y, mask) =>
  tf.tidy(() => {
    checkShapes('crossEntropy', f, y, mask);
    return rowMean(tf.neg(tf.sum(tf.mul(y, logSoftmax(f)), -1)), mask);
  }),
);

/**
 * Logistic loss for binary labels y ∈ {−1, +1} and scalar outputs: L = (1/n) Σᵢ log(1 + exp(−yᵢ fᵢ)).
 * f and y are [n] or [n, 1] (same shape).
 * @example logistic(model.apply(w, x), y)
 */
export const logistic: Loss = named('logistic', (f, y, mask) =>
  tf.tidy(() => {
    if (f.shape.join() !== y.shape.join()) throw new Error(`logistic: f [${f.shape}] and y [${y.shape}] must have the same shape; y holds ±1 labels`);
    const margins = tf.mul(tf.reshape(y, [-1]), tf.reshape(f, [-1]));
    return rowMean(softplus(tf.neg(margins)), mask ? tf.reshape(mask, [-1]) : undefined);
  }),
);

/**
 * Masked squared loss: `mse` with the mask required (sequence tasks).
 * @example maskedMse(model.apply(w, data.x), data.y, data.mask)
 */
export const maskedMse: Loss = named('maskedMse', (f, y, mask) => {
  if (!mask) throw new Error('maskedMse: a mask is required; pass dataset.mask');
  return mse(f, y, mask);
});

/**
 * Masked cross-entropy: `crossEntropy` with the mask required (sequence tasks).
 * @example maskedCrossEntropy(model.apply(w, data.x), data.y, data.mask) // data = sortingTask()
 */
export const maskedCrossEntropy: Loss = named('maskedCrossEntropy', (f, y, mask) => {
  if (!mask) throw new Error('maskedCrossEntropy: a mask is required; pass dataset.mask');
  return crossEntropy(f, y, mask);
});

const LOSSES: Record<string, Loss> = { mse, crossEntropy, logistic, maskedMse, maskedCrossEntropy };

/**
 * A loss by name ('mse' | 'crossEntropy' | 'logistic' | 'maskedMse' | 'maskedCrossEntropy'); also accepts 'ce'.
 * @example fromModel(model, data, lossByName('mse'))
 */
export function lossByName(name: string): Loss {
  const l = LOSSES[name === 'ce' ? 'crossEntropy' : name];
  if (!l) throw new Error(`loss: unknown name "${name}"; expected one of ${Object.keys(LOSSES).join(', ')}`);
  return l;
}

/**
 * Classification accuracy as a device scalar: fraction of (unmasked) rows where argmax f = argmax y;
 * for a single output column, sign(f) = sign(y) (±1 labels). NaN when every row is masked.
 * @example const acc = accuracyOnDevice(model.apply(w, data.x), data.y); // a Scalar, no read
 */
export function accuracyOnDevice(f: Tensor, y: Tensor, mask?: Tensor): Scalar {
  if (!(f instanceof tf.Tensor) || !(y instanceof tf.Tensor)) {
    throw new TypeError(`accuracy(f, y): f (the model's outputs) and y (the targets) must be tensors, got ${f?.constructor?.name ?? typeof f} and ${y?.constructor?.name ?? typeof y}; for a problem built with fl.problem.fromModel use await P.evaluate(w) (loss and accuracy).`);
  }
  if (f.size !== y.size) throw new Error(`accuracy(f, y): f has shape [${f.shape}] but y has shape [${y.shape}]; they must match (one row per example).`);
  return tf.tidy(() => {
    const C = f.rank === 1 ? 1 : f.shape[f.shape.length - 1];
    const rows = f.size / C;
    const F = tf.reshape(f, [rows, C]);
    const Y = tf.reshape(y, [rows, C]);
    const hit = C === 1
      ? tf.equal(tf.sign(tf.reshape(F, [rows])), tf.sign(tf.reshape(Y, [rows])))
      : tf.equal(tf.argMax(F, 1), tf.argMax(Y, 1));
    const weights = mask ? tf.cast(tf.notEqual(tf.reshape(mask, [rows]), 0), 'float32') : tf.ones([rows]);
    return tf.div(tf.sum(tf.mul(tf.cast(hit, 'float32'), weights)), tf.sum(weights)) as Scalar;
  });
}

/**
 * Classification accuracy (see `accuracyOnDevice`) as a number. Async: one read.
 * @example await accuracy(model.apply(w, data.x), data.y)
 */
export async function accuracy(f: Tensor, y: Tensor, mask?: Tensor): Promise<number> {
  return (await readAndDispose([accuracyOnDevice(f, y, mask)]))[0][0];
}
