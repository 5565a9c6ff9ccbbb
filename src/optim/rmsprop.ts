/** RMSProp (diagonal and scalar), in the central-flows convention (b2 = squared-gradient EMA rate). */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue, OptState } from './types.js';
import { leafwise, hyperAt, checkHyper, defineTransformation } from './core.js';
import { asRecord, mapParams } from './tree.js';

export interface RmspropOptions {
  /** Learning rate η (default 1e-2, PyTorch's). */ lr?: HyperValue;
  /** EMA rate of g² (default 0.99). */ b2?: number;
  /** ε added to √ν̂ (default 1e-8). */ eps?: number;
  /** Divide ν by 1 − b2ᵗ (default false; the central-flows RMSProp runs use true). */ biasCorrection?: boolean;
  /** Heavy-ball momentum on the preconditioned step (default 0). */ momentum?: number;
  /** Coupled L2 weight decay (default 0). */ weightDecay?: number;
}

/**
 * RMSProp (Tieleman & Hinton 2012, Lecture 6.5): ν ← b2ν + (1−b2)g²; ν̂ = ν/(1−b2ᵗ) when
 * biasCorrection, else ν; θ ← θ − η g/(√ν̂ + ε). This is the preconditioner P = diag(√ν̂+ε)/η of
 * Cohen et al. 2025 (central flows, arXiv 2410.24206).
 * @example const opt = rmsprop({ lr: 2e-5, b2: 0.99, eps: 1e-7, biasCorrection: true });
 */
export function rmsprop({ lr = 1e-2, b2 = 0.99, eps = 1e-8, biasCorrection = false, momentum = 0, weightDecay = 0 }: RmspropOptions = {}) {
  checkHyper('rmsprop', 'b2', b2, (x) => x >= 0 && x < 1, 'in [0, 1)');
  return leafwise<{ nu: Tensor; buf: Tensor | null }>('rmsprop', { lr, b2, eps, biasCorrection, momentum, weightDecay }, {
    init: (p) => ({ nu: tf.zerosLike(p), buf: momentum > 0 ? tf.zerosLike(p) : null }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const nu = tf.add(tf.mul(s.nu, b2), tf.mul(tf.square(gd), 1 - b2));
      const nuHat = biasCorrection ? tf.div(nu, 1 - Math.pow(b2, t)) : nu;
      const step = tf.div(gd, tf.add(tf.sqrt(nuHat), eps));
      const eta = hyperAt(lr, t - 1);
      if (momentum === 0) return { u: tf.mul(step, -eta), s: { nu, buf: null } };
      const buf = tf.add(tf.mul(s.buf!, momentum), step);
      return { u: tf.mul(buf, -eta), s: { nu, buf } };
    },
  }, { needsParams: weightDecay !== 0 });
}

export interface ScalarRmspropOptions {
  /** Learning rate η (default 1e-2). */ lr?: HyperValue;
  /** EMA rate of ‖g‖² (default 0.99). */ b2?: number;
  /** ε added to √ν (default 0, as in the equation). */ eps?: number;
  /** Divide ν by 1 − b2ᵗ (default false). */ biasCorrection?: boolean;
  /** Initial ν (default 0). */ nu0?: number;
}

/**
 * Scalar RMSProp (Cohen et al. 2025, central flows, arXiv 2410.24206): one scalar ν for all
 * parameters: ν ← b2ν + (1−b2)‖g‖²; θ ← θ − (η/(√ν̂ + ε)) g. Effective sharpness ηS/√ν.
 * ‖g‖ is the global norm over every leaf. State: `{ count, nu }` (nu a number, which the central-flow
 * recorders read: each update reads ‖g‖² in one scalar transfer).
 * @example const opt = scalarRmsprop({ lr: 0.01, b2: 0.99 });
 */
export function scalarRmsprop({ lr = 1e-2, b2 = 0.99, eps = 0, biasCorrection = false, nu0 = 0 }: ScalarRmspropOptions = {}) {
  checkHyper('scalarRmsprop', 'b2', b2, (x) => x >= 0 && x < 1, 'in [0, 1)');
  return defineTransformation<OptState & { count: number; nu: number }>({
    name: 'scalarRmsprop', hyperparams: { lr, b2, eps, biasCorrection, nu0 },
    init: () => ({ count: 0, nu: nu0 }),
    read: (g) => ({ sq: tf.addN(Object.values(asRecord(g)).map((x) => tf.sum(tf.square(x)))) }),
    update: (g, s, _p, _ctx, fetched) => {
      const t = s.count + 1;
      const sq = fetched.sq.values[0];
      const nu = b2 * s.nu + (1 - b2) * sq;
      const nuHat = biasCorrection ? nu / (1 - Math.pow(b2, t)) : nu;
      const factor = -hyperAt(lr, t - 1) / (Math.sqrt(nuHat) + eps);
      return { updates: mapParams((x) => tf.mul(x, factor), g), state: { count: t, nu } };
    },
  });
}
