/** Adan: adaptive Nesterov momentum. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';

/**
 * Adan (Xie et al. 2022, arXiv 2208.06677), as in the official code (betas as EMA keep-rates):
 * Δ = g − g_prev (Δ₁ = 0); m ← b1m + (1−b1)g; v ← b2v + (1−b2)Δ; n ← b3n + (1−b3)(g + b2Δ)²;
 * θ ← [θ − η(m/bc₁ + b2·v/bc₂)/(√(n/bc₃) + ε)]/(1 + ηλ).
 * Defaults η 1e-3, (b1, b2, b3) = (0.98, 0.92, 0.99), ε 1e-8, λ 0.
 * @example const opt = adan({ lr: 1e-3, weightDecay: 0.02 });
 */
export function adan({ lr = 1e-3, b1 = 0.98, b2 = 0.92, b3 = 0.99, eps = 1e-8, weightDecay = 0 }: { lr?: HyperValue; b1?: number; b2?: number; b3?: number; eps?: number; weightDecay?: number } = {}) {
  return leafwise<{ m: Tensor; v: Tensor; n: Tensor; prev: Tensor }>('adan', { lr, b1, b2, b3, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p), n: tf.zerosLike(p), prev: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const diff = t === 1 ? tf.zerosLike(g) : tf.sub(g, s.prev);
      const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(s.v, b2), tf.mul(diff, 1 - b2));
      const n = tf.add(tf.mul(s.n, b3), tf.mul(tf.square(tf.add(g, tf.mul(diff, b2))), 1 - b3));
      const eta = hyperAt(lr, t - 1);
      const num = tf.add(tf.div(m, 1 - Math.pow(b1, t)), tf.mul(v, b2 / (1 - Math.pow(b2, t))));
      const step = tf.mul(tf.div(num, tf.add(tf.sqrt(tf.div(n, 1 - Math.pow(b3, t))), eps)), -eta);
      // θ' = (θ + step)/(1 + ηλ)  ⇒  u = θ' − θ = (step − ηλθ)/(1 + ηλ)
      const u = weightDecay ? tf.div(tf.sub(step, tf.mul(p!, eta * weightDecay)), 1 + eta * weightDecay) : step;
      return { u, s: { m, v, n, prev: g } };
    },
  }, { needsParams: weightDecay !== 0 });
}
