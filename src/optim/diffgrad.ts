/** diffGrad: friction from the change of the gradient. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';

/**
 * diffGrad (Dubey et al. 2019, arXiv 1909.11015): ξ = sigmoid(|g_prev − g|) (g_prev = 0 at t = 1);
 * m, v as in Adam; θ ← θ − η(√bc₂/bc₁) ξ⊙m/(√v + ε). ξ IS applied: the popular
 * pytorch_optimizer port skips it by default, flowlab follows the paper and the official code.
 * Defaults η 1e-3, b1 0.9, b2 0.999, ε 1e-8, coupled L2 λ 0.
 * @example const opt = diffgrad({ lr: 1e-3 });
 */
export function diffgrad({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0 }: { lr?: HyperValue; b1?: number; b2?: number; eps?: number; weightDecay?: number } = {}) {
  return leafwise<{ m: Tensor; v: Tensor; prev: Tensor }>('diffgrad', { lr, b1, b2, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p), prev: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const m = tf.add(tf.mul(s.m, b1), tf.mul(gd, 1 - b1));
      const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(gd), 1 - b2));
      const xi = tf.sigmoid(tf.abs(tf.sub(s.prev, gd)));
      const c = -hyperAt(lr, t - 1) * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
      return { u: tf.div(tf.mul(tf.mul(xi, m), c), tf.add(tf.sqrt(v), eps)), s: { m, v, prev: gd } };
    },
  }, { needsParams: weightDecay !== 0 });
}
