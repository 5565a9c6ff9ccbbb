/** AdaGrad and AdaDelta (element-wise accumulators). */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt, checkHyper, defineTransformation } from './core.js';
import { asRecord, likeParams } from './tree.js';

/**
 * AdaGrad (Duchi, Hazan & Singer 2011, JMLR 12): G ← G + g²; θ ← θ − η g/(√G + ε).
 * Defaults η 1e-2, ε 1e-10, initial accumulator 0 (PyTorch), coupled L2 weight decay 0.
 * @example const opt = adagrad({ lr: 0.1 });
 */
export function adagrad({ lr = 1e-2, eps = 1e-10, initialAccumulator = 0, weightDecay = 0 }: { lr?: HyperValue; eps?: number; initialAccumulator?: number; weightDecay?: number } = {}) {
  checkHyper('adagrad', 'initialAccumulator', initialAccumulator, (x) => x >= 0, 'non-negative');
  return leafwise<{ G: Tensor }>('adagrad', { lr, eps, initialAccumulator, weightDecay }, {
    init: (p) => ({ G: tf.fill(p.shape, initialAccumulator) }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const G = tf.add(s.G, tf.square(gd));
      return { u: tf.div(tf.mul(gd, -hyperAt(lr, t - 1)), tf.add(tf.sqrt(G), eps)), s: { G } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * AdaDelta (Zeiler 2012, arXiv 1212.5701): E[g²] ← ρE[g²] + (1−ρ)g²;
 * Δ = −√(E[Δ²] + ε)/√(E[g²] + ε)·g; E[Δ²] ← ρE[Δ²] + (1−ρ)Δ²; θ ← θ + ηΔ.
 * ρ is named `b2` (the squared-gradient EMA rate, flowlab's convention). Defaults η 1, ρ 0.9, ε 1e-6 (PyTorch).
 * @example const opt = adadelta({ lr: 1, b2: 0.9 });
 */
export function adadelta({ lr = 1, b2 = 0.9, eps = 1e-6, weightDecay = 0 }: { lr?: HyperValue; b2?: number; eps?: number; weightDecay?: number } = {}) {
  checkHyper('adadelta', 'b2', b2, (x) => x >= 0 && x < 1, 'in [0, 1)');
  return leafwise<{ eg: Tensor; ed: Tensor }>('adadelta', { lr, b2, eps, weightDecay }, {
    init: (p) => ({ eg: tf.zerosLike(p), ed: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const eg = tf.add(tf.mul(s.eg, b2), tf.mul(tf.square(gd), 1 - b2));
      const delta = tf.mul(tf.div(tf.sqrt(tf.add(s.ed, eps)), tf.sqrt(tf.add(eg, eps))), tf.neg(gd));
      const ed = tf.add(tf.mul(s.ed, b2), tf.mul(tf.square(delta), 1 - b2));
      return { u: tf.mul(delta, hyperAt(lr, t - 1)), s: { eg, ed } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * AdaGrad-Norm (Ward, Wu & Bottou 2019, arXiv 1806.01811; the scalar method of AdAdaGrad-Norm,
 * Lau et al. 2024, arXiv 2402.11215): b² ← b² + ‖g‖² (over every leaf); θ ← θ − η g/b.
 * One scalar step size for all coordinates; ‖g‖ stays on the device. Defaults η 1, b₀ 1e-2 (b₀ > 0
 * keeps the first step finite).
 * @example const opt = adagradNorm({ lr: 1, b0: 0.01 });
 */
export function adagradNorm({ lr = 1, b0 = 1e-2 }: { lr?: HyperValue; b0?: number } = {}) {
  checkHyper('adagradNorm', 'b0', b0, (x) => x > 0, 'positive');
  return defineTransformation<{ count: number; b2: Tensor }>({
    name: 'adagradNorm',
    hyperparams: { lr, b0 },
    init: () => ({ count: 0, b2: tf.scalar(b0 * b0) }),
    update: (grads, s) => {
      const t = s.count + 1;
      const g = asRecord(grads);
      const b2 = tf.add(s.b2, tf.addN(Object.values(g).map((x) => tf.sum(tf.square(x)))));
      const scale = tf.div(-hyperAt(lr, t - 1), tf.sqrt(b2));
      const u = Object.fromEntries(Object.entries(g).map(([k, x]) => [k, tf.mul(x, scale)]));
      return { updates: likeParams(grads, u), state: { count: t, b2 } };
    },
  });
}
