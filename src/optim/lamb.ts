/** Layer-wise trust-ratio optimizers: LAMB and LARS (one trust ratio per parameter tensor). */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';

const norm = (x: Tensor) => tf.sqrt(tf.sum(tf.square(x)));

/**
 * LAMB (You et al. 2020, arXiv 1904.00962): r = (m/bc₁)/(√(v/bc₂) + ε) + λθ;
 * φ = ‖θ‖/‖r‖ (1 when either norm is 0); θ ← θ − η φ r, per parameter tensor.
 * Defaults η 1e-3, b1 0.9, b2 0.999, ε 1e-6, λ 0.01. A flat w is one "layer".
 * @example const opt = lamb({ lr: 1e-3, weightDecay: 0.01 });
 */
export function lamb({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-6, weightDecay = 0.01 }: { lr?: HyperValue; b1?: number; b2?: number; eps?: number; weightDecay?: number } = {}) {
  return leafwise<{ m: Tensor; v: Tensor }>('lamb', { lr, b1, b2, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const m = tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(g), 1 - b2));
      let r = tf.div(tf.div(m, 1 - Math.pow(b1, t)), tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(b2, t))), eps));
      if (weightDecay) r = tf.add(r, tf.mul(p!, weightDecay));
      const wn = norm(p!);
      const rn = norm(r);
      const phi = tf.where(tf.logicalAnd(tf.greater(wn, 0), tf.greater(rn, 0)), tf.div(wn, tf.maximum(rn, 1e-30)), tf.onesLike(wn));
      return { u: tf.mul(r, tf.mul(phi, -hyperAt(lr, t - 1))), s: { m, v } };
    },
  }, { needsParams: true });
}

/**
 * LARS (You, Gitman & Ginsburg 2017, arXiv 1708.03888): local rate
 * ℓ = τ‖θ‖/(‖g‖ + λ‖θ‖) (1 when either norm is 0); b ← μb + η ℓ (g + λθ); θ ← θ − b.
 * Defaults η 1e-1, τ (trust coefficient) 1e-3, μ 0.9, λ 0.
 * @example const opt = lars({ lr: 0.1, momentum: 0.9 });
 */
export function lars({ lr = 0.1, momentum = 0.9, weightDecay = 0, trustCoefficient = 1e-3 }: { lr?: HyperValue; momentum?: number; weightDecay?: number; trustCoefficient?: number } = {}) {
  return leafwise<{ b: Tensor }>('lars', { lr, momentum, weightDecay, trustCoefficient }, {
    init: (p) => ({ b: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const wn = norm(p!);
      const gn = norm(g);
      const ok = tf.logicalAnd(tf.greater(wn, 0), tf.greater(gn, 0));
      const local = tf.where(ok, tf.div(tf.mul(wn, trustCoefficient), tf.add(gn, tf.mul(wn, weightDecay))), tf.onesLike(wn));
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const b = tf.add(tf.mul(s.b, momentum), tf.mul(gd, tf.mul(local, hyperAt(lr, t - 1))));
      return { u: tf.neg(b), s: { b } };
    },
  }, { needsParams: true });
}
