/** The Adam family: adam, adamw, amsgrad, nadam, radam, adamax (element-wise). */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt, checkHyper } from './core.js';

export interface AdamOptions {
  /** Learning rate η (default 1e-3). */ lr?: HyperValue;
  /** First-moment EMA rate (default 0.9). */ b1?: number;
  /** Second-moment EMA rate (default 0.999). */ b2?: number;
  /** ε added to √v̂ (default 1e-8). */ eps?: number;
  /** Weight decay λ: coupled L2 (g ← g + λθ) for adam/amsgrad/nadam/radam/adamax, decoupled for adamw. */ weightDecay?: number;
  /** Divide the moments by 1 − βᵗ (default true). */ biasCorrection?: boolean;
}

function checkBetas(name: string, b1: number, b2: number): void {
  checkHyper(name, 'b1', b1, (x) => x >= 0 && x < 1, 'in [0, 1)');
  checkHyper(name, 'b2', b2, (x) => x >= 0 && x < 1, 'in [0, 1)');
}

type Moments = { m: Tensor; v: Tensor };
const ema = (old: Tensor, x: Tensor, b: number) => tf.add(tf.mul(old, b), tf.mul(x, 1 - b));

/**
 * Adam (Kingma & Ba 2015, arXiv 1412.6980): m ← b1m + (1−b1)g; v ← b2v + (1−b2)g²;
 * θ ← θ − η (m/bc₁)/(√(v/bc₂) + ε), bcᵢ = 1 − bᵢᵗ. weightDecay adds λθ to g (PyTorch Adam).
 * @example const opt = adam({ lr: 1e-3 });
 */
export function adam({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0, biasCorrection = true }: AdamOptions = {}) {
  checkBetas('adam', b1, b2);
  return leafwise<Moments>('adam', { lr, b1, b2, eps, weightDecay, biasCorrection }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const m = ema(s.m, gd, b1);
      const v = ema(s.v, tf.square(gd), b2);
      const bc1 = biasCorrection ? 1 - Math.pow(b1, t) : 1;
      const bc2 = biasCorrection ? 1 - Math.pow(b2, t) : 1;
      const u = tf.div(tf.mul(m, -hyperAt(lr, t - 1) / bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
      return { u, s: { m, v } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * AdamW (Loshchilov & Hutter 2019, arXiv 1711.05101): Adam with decoupled weight decay,
 * θ ← θ − η[(m/bc₁)/(√(v/bc₂)+ε) + λθ]. Default λ = 1e-2 (PyTorch). Same as optax's
 * chain(scaleByAdam, addDecayedWeights, scaleByLearningRate).
 * @example const opt = adamw({ lr: 1e-3, weightDecay: 0.1 });
 */
export function adamw({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 1e-2, biasCorrection = true }: AdamOptions = {}) {
  checkBetas('adamw', b1, b2);
  return leafwise<Moments>('adamw', { lr, b1, b2, eps, weightDecay, biasCorrection }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const m = ema(s.m, g, b1);
      const v = ema(s.v, tf.square(g), b2);
      const bc1 = biasCorrection ? 1 - Math.pow(b1, t) : 1;
      const bc2 = biasCorrection ? 1 - Math.pow(b2, t) : 1;
      let d = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
      if (weightDecay) d = tf.add(d, tf.mul(p!, weightDecay));
      return { u: tf.mul(d, -hyperAt(lr, t - 1)), s: { m, v } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * AMSGrad (Reddi et al. 2018, arXiv 1904.09237): v̄ ← max(v̄, v); θ ← θ − η (m/bc₁)/(√(v̄/bc₂) + ε)
 * (PyTorch's amsgrad=True form: the max is taken on the raw v, then bias-corrected).
 * @example const opt = amsgrad({ lr: 1e-3 });
 */
export function amsgrad({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0 }: AdamOptions = {}) {
  checkBetas('amsgrad', b1, b2);
  return leafwise<Moments & { vmax: Tensor }>('amsgrad', { lr, b1, b2, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p), vmax: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const m = ema(s.m, gd, b1);
      const v = ema(s.v, tf.square(gd), b2);
      const vmax = tf.maximum(s.vmax, v);
      const u = tf.div(tf.mul(m, -hyperAt(lr, t - 1) / (1 - Math.pow(b1, t))), tf.add(tf.sqrt(tf.div(vmax, 1 - Math.pow(b2, t))), eps));
      return { u, s: { m, v, vmax } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * NAdam (Dozat 2016, "Incorporating Nesterov Momentum into Adam", ICLR workshop), in optax's
 * form without the momentum-decay schedule: m̂ = b1·m/(1 − b1ᵗ⁺¹) + (1−b1)g/(1 − b1ᵗ);
 * θ ← θ − η m̂/(√(v/bc₂) + ε). Default η = 2e-3 (Dozat).
 * @example const opt = nadam({ lr: 2e-3 });
 */
export function nadam({ lr = 2e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0 }: AdamOptions = {}) {
  checkBetas('nadam', b1, b2);
  return leafwise<Moments>('nadam', { lr, b1, b2, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const m = ema(s.m, gd, b1);
      const v = ema(s.v, tf.square(gd), b2);
      const mHat = tf.add(tf.mul(m, b1 / (1 - Math.pow(b1, t + 1))), tf.mul(gd, (1 - b1) / (1 - Math.pow(b1, t))));
      const u = tf.div(tf.mul(mHat, -hyperAt(lr, t - 1)), tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(b2, t))), eps));
      return { u, s: { m, v } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * RAdam (Liu et al. 2020, arXiv 1908.03265): ρ∞ = 2/(1−b2) − 1, ρₜ = ρ∞ − 2t b2ᵗ/(1−b2ᵗ);
 * if ρₜ > 5: r = √[(ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)], θ ← θ − η r (m/bc₁)/(√(v/bc₂)+ε);
 * else θ ← θ − η m/bc₁ (threshold 5 as in PyTorch and optax).
 * @example const opt = radam({ lr: 1e-3 });
 */
export function radam({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0 }: AdamOptions = {}) {
  checkBetas('radam', b1, b2);
  const rhoInf = 2 / (1 - b2) - 1;
  return leafwise<Moments>('radam', { lr, b1, b2, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const m = ema(s.m, gd, b1);
      const v = ema(s.v, tf.square(gd), b2);
      const b2t = Math.pow(b2, t);
      const rho = rhoInf - (2 * t * b2t) / (1 - b2t);
      const mHat = tf.div(m, 1 - Math.pow(b1, t));
      const eta = hyperAt(lr, t - 1);
      if (rho <= 5) return { u: tf.mul(mHat, -eta), s: { m, v } };
      const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
      return { u: tf.div(tf.mul(mHat, -eta * r), tf.add(tf.sqrt(tf.div(v, 1 - b2t)), eps)), s: { m, v } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * AdaMax (Kingma & Ba 2015, §7.1): m ← b1m + (1−b1)g; u ← max(b2u, |g|);
 * θ ← θ − (η/bc₁) m/(u + ε). Default η = 2e-3 (the paper's).
 * @example const opt = adamax({ lr: 2e-3 });
 */
export function adamax({ lr = 2e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0 }: AdamOptions = {}) {
  checkBetas('adamax', b1, b2);
  return leafwise<{ m: Tensor; u: Tensor }>('adamax', { lr, b1, b2, eps, weightDecay }, {
    init: (p) => ({ m: tf.zerosLike(p), u: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const gd = weightDecay ? tf.add(g, tf.mul(p!, weightDecay)) : g;
      const m = ema(s.m, gd, b1);
      const u = tf.maximum(tf.mul(s.u, b2), tf.abs(gd));
      return { u: tf.div(tf.mul(m, -hyperAt(lr, t - 1) / (1 - Math.pow(b1, t))), tf.add(u, eps)), s: { m, u } };
    },
  }, { needsParams: weightDecay !== 0 });
}
