/** EXAdam: Adam with cross-moment debiasing and gradient acceleration. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';

/**
 * EXAdam (Adly 2024, arXiv 2412.20302), as in the official code: m, v as in Adam;
 * d₁ = 1 + b2ᵗ·v/(v + ε), d₂ = 1 + b1ᵗ·m²/(m² + ε); m̃ = m d₁/bc₁, ṽ = v d₂/bc₂, g̃ = g d₁/bc₁;
 * θ ← θ(1 − ηλ) − η(m̃ + g̃)/(√ṽ + ε). Defaults η 1e-3, b1 0.9, b2 0.999, ε 1e-8, λ 0.
 * @example const opt = exadam({ lr: 1e-3, weightDecay: 1e-4 });
 */
export function exadam({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0 }: { lr?: HyperValue; b1?: number; b2?: number; eps?: number; weightDecay?: number } = {}) {
  return leafwise<{ m: Tensor; v: Tensor }>('exadam', { lr, b1, b2, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(g), 1 - b2));
      const bc1 = 1 - Math.pow(b1, t);
      const bc2 = 1 - Math.pow(b2, t);
      const d1 = tf.add(1, tf.mul(tf.div(v, tf.add(v, eps)), Math.pow(b2, t)));
      const m2 = tf.square(m);
      const d2 = tf.add(1, tf.mul(tf.div(m2, tf.add(m2, eps)), Math.pow(b1, t)));
      const mt = tf.div(tf.mul(m, d1), bc1);
      const vt = tf.div(tf.mul(v, d2), bc2);
      const gt = tf.div(tf.mul(g, d1), bc1);
      const eta = hyperAt(lr, t - 1);
      let u = tf.div(tf.mul(tf.add(mt, gt), -eta), tf.add(tf.sqrt(vt), eps));
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      return { u, s: { m, v } };
    },
  }, { needsParams: weightDecay !== 0 });
}
