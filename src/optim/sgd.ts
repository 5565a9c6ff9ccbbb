/** Stochastic gradient descent with heavy-ball or Nesterov momentum. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt, checkHyper } from './core.js';

export interface SgdOptions {
  /** Learning rate η (default 1e-2). */ lr?: HyperValue;
  /** Momentum μ (default 0: plain gradient descent). */ momentum?: number;
  /** Nesterov momentum (default false). */ nesterov?: boolean;
  /** Coupled L2 weight decay λ: g ← g + λθ (default 0). */ weightDecay?: number;
}

/**
 * SGD (PyTorch convention, dampening 0): g ← g + λθ; m ← μm + g;
 * d = g + μm (Nesterov) or m; θ ← θ − η d. With μ = 0 this is gradient descent θ ← θ − η g.
 * Nesterov momentum: Sutskever et al. 2013 (ICML), "On the importance of initialization and momentum".
 * @example const opt = sgd({ lr: 0.1, momentum: 0.9, nesterov: true });
 */
export function sgd({ lr = 1e-2, momentum = 0, nesterov = false, weightDecay = 0 }: SgdOptions = {}) {
  checkHyper('sgd', 'lr', lr, (x) => x >= 0, 'non-negative');
  checkHyper('sgd', 'momentum', momentum, (x) => x >= 0 && x < 1, 'in [0, 1)');
  if (nesterov && momentum === 0) throw new RangeError('sgd: nesterov requires momentum > 0; set momentum (e.g. 0.9) or nesterov: false.');
  return leafwise<{ m: Tensor | null }>('sgd', { lr, momentum, nesterov, weightDecay }, {
    init: (p) => ({ m: momentum > 0 ? tf.zerosLike(p) : null }),
    update: (g, s, p, t) => {
      const eta = hyperAt(lr, t - 1);
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      if (momentum === 0) return { u: tf.mul(gd, -eta), s: { m: null } };
      const m = tf.add(tf.mul(s.m!, momentum), gd);
      const d = nesterov ? tf.add(gd, tf.mul(m, momentum)) : m;
      return { u: tf.mul(d, -eta), s: { m } };
    },
  }, { needsParams: weightDecay !== 0 });
}
