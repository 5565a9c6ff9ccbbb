/** Lion: evolved sign momentum. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt, checkHyper } from './core.js';

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", arXiv 2302.06675):
 * c = sign(b1m + (1−b1)g); θ ← θ(1 − ηλ) − ηc; m ← b2m + (1−b2)g.
 * Defaults η 1e-4, b1 0.9, b2 0.99, λ 0. With λ > 0 the iterates are driven into the box
 * ‖θ‖∞ ≤ 1/λ (Chen, Liu, Liang & Liu 2024, "Lion Secretly Solves Constrained Optimization", arXiv 2310.05898).
 * @example const opt = lion({ lr: 1e-4, weightDecay: 1.0 });
 */
export function lion({ lr = 1e-4, b1 = 0.9, b2 = 0.99, weightDecay = 0 }: { lr?: HyperValue; b1?: number; b2?: number; weightDecay?: number } = {}) {
  checkHyper('lion', 'b1', b1, (x) => x >= 0 && x <= 1, 'in [0, 1]');
  checkHyper('lion', 'b2', b2, (x) => x >= 0 && x < 1, 'in [0, 1)');
  return leafwise<{ m: Tensor }>('lion', { lr, b1, b2, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const c = tf.sign(tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1)));
      const d = weightDecay ? tf.add(c, tf.mul(p!, weightDecay)) : c;
      const m = tf.add(tf.mul(s.m, b2), tf.mul(g, 1 - b2));
      return { u: tf.mul(d, -hyperAt(lr, t - 1)), s: { m } };
    },
  }, { needsParams: weightDecay !== 0 });
}
