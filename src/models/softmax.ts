/**
 * Softmax, log-softmax and causal self-attention from elementary ops (exp, log, sum, relu), so
 * that derivatives of every order are exact: TF.js's fused Softmax/LogSoftmax/Max gradients reuse
 * saved outputs or need Equal's gradient and break under nested differentiation.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';

/**
 * Maximum over the last axis (keepdims) via a tree of max(a, b) = b + relu(a − b). Used only as a
 * shift for numerical stability: log-sum-exp does not depend on it, so its derivatives cancel.
 * @example maxLastAxis(tf.tensor2d([[1, 5, 2]])) // [[5]]
 */
export function maxLastAxis(x: Tensor): Tensor {
  let t = x;
  const r = x.rank;
  while (t.shape[r - 1] > 1) {
    const m = t.shape[r - 1];
    if (m % 2 === 1) t = tf.concat([t, tf.slice(t, [...Array(r - 1).fill(0), m - 1], [...t.shape.slice(0, -1), 1])], r - 1);
    const half = t.shape[r - 1] / 2;
    const lead = t.shape.slice(0, -1);
    const a = tf.slice(t, Array(r).fill(0), [...lead, half]);
    const b = tf.slice(t, [...Array(r - 1).fill(0), half], [...lead, half]);
    t = tf.add(b, tf.relu(tf.sub(a, b)));
  }
  return t;
}

/**
 * log softmax over the last axis: xᵢ − m − log Σⱼ exp(xⱼ − m), m = max x (stable).
 * @example logSoftmax(tf.tensor2d([[1000, 0]])) // [[0, -1000]]
 */
export function logSoftmax(x: Tensor): Tensor {
  const s = tf.sub(x, maxLastAxis(x));
  return tf.sub(s, tf.log(tf.sum(tf.exp(s), -1, true)));
}

/**
 * softmax over the last axis: exp(xᵢ − m) / Σⱼ exp(xⱼ − m).
 * @example softmax(tf.tensor2d([[0, 0]])) // [[0.5, 0.5]]
 */
export function softmax(x: Tensor): Tensor {
  const e = tf.exp(tf.sub(x, maxLastAxis(x)));
  return tf.div(e, tf.sum(e, -1, true));
}

/**
 * Multi-head scaled dot-product attention. q, k, v: [n, T, heads·dh] → [n, T, heads·dh].
 * softmax(q kᵀ/√dh + M) v per head, M = −1e9 above the diagonal when `causal`.
 * @example attention(q, k, v, 8, { causal: true }) // q, k, v: [n, T, 8·dh]
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, heads: number, { causal = false } = {}): Tensor {
  const [n, T, inner] = q.shape;
  const dh = inner / heads;
  const split = (t: Tensor) => tf.transpose(tf.reshape(t, [n, T, heads, dh]), [0, 2, 1, 3]);
  const qh = split(q);
  const kh = split(k);
  const vh = split(v);
  let scores = tf.mul(tf.matMul(qh as tf.Tensor4D, kh as tf.Tensor4D, false, true), 1 / Math.sqrt(dh));
  if (causal) {
    const mask = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) mask[i * T + j] = -1e9;
    scores = tf.add(scores, tf.tensor2d(mask, [T, T]));
  }
  const out = tf.matMul(softmax(scores) as tf.Tensor4D, vh as tf.Tensor4D);
  return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [n, T, inner]);
}
