/** AdaBelief: adapt the step to the belief in the observed gradient. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';

/**
 * AdaBelief (Zhuang et al. 2020, arXiv 2010.07468), the paper's Algorithm 2 without rectification:
 * m ← b1m + (1−b1)g; s ← b2s + (1−b2)(g − m)² + ε; θ ← θ(1 − ηλ) − η(m/bc₁)/(√(s/bc₂) + ε).
 * Defaults η 1e-3, b1 0.9, b2 0.999, ε 1e-16, decoupled λ 0 (the official code's weight_decouple).
 * @example const opt = adabelief({ lr: 1e-3 });
 */
export function adabelief({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-16, weightDecay = 0 }: { lr?: HyperValue; b1?: number; b2?: number; eps?: number; weightDecay?: number } = {}) {
  return leafwise<{ m: Tensor; s: Tensor }>('adabelief', { lr, b1, b2, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), s: tf.zerosLike(p) }),
    update: (g, st, p, t) => {
      const m = tf.add(tf.mul(st.m, b1), tf.mul(g, 1 - b1));
      const s = tf.add(tf.add(tf.mul(st.s, b2), tf.mul(tf.square(tf.sub(g, m)), 1 - b2)), eps);
      let d = tf.div(tf.div(m, 1 - Math.pow(b1, t)), tf.add(tf.sqrt(tf.div(s, 1 - Math.pow(b2, t))), eps));
      if (weightDecay) d = tf.add(d, tf.mul(p!, weightDecay));
      return { u: tf.mul(d, -hyperAt(lr, t - 1)), s: { m, s } };
    },
  }, { needsParams: weightDecay !== 0 });
}
