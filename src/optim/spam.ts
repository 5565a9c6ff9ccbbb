/** SPAM and Stable-SPAM: Adam with spike-aware clipping and periodic momentum resets. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';

interface SpamCommon { lr?: HyperValue; b1?: number; b2?: number; eps?: number; weightDecay?: number; resetInterval?: number; warmup?: number }

/** Steps since the last reset (1-based) and the cosine warm-up factor after a reset (none before the first). */
function resetClock(t: number, interval: number, warmup: number): { k: number; reset: boolean; factor: number } {
  const k = ((t - 1) % interval) + 1;
  const reset = t > 1 && k === 1;
  const factor = t > interval && warmup > 0 && k <= warmup ? 0.5 * (1 - Math.cos((Math.PI * k) / warmup)) : 1;
  return { k, reset, factor };
}

/** The Adam core shared by both: moments since the last reset, bias-corrected by k, decoupled decay. */
function adamCore(g: Tensor, m0: Tensor, v0: Tensor, p: Tensor | undefined, k: number, eta: number, o: Required<SpamCommon>) {
  const m = tf.add(tf.mul(m0, o.b1), tf.mul(g, 1 - o.b1));
  const v = tf.add(tf.mul(v0, o.b2), tf.mul(tf.square(g), 1 - o.b2));
  let d = tf.div(tf.div(m, 1 - Math.pow(o.b1, k)), tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(o.b2, k))), o.eps));
  if (o.weightDecay) d = tf.add(d, tf.mul(p!, o.weightDecay));
  return { u: tf.mul(d, -eta), m, v };
}

/**
 * SPAM (Huang et al. 2025, arXiv 2501.06842): spike-aware clipping — where g² > θ·v (v the
 * previous second moment, entries with v > 0) set g ← sign(g)√(θ v) — then AdamW whose moments
 * are reset to zero every `resetInterval` steps (bias correction counts from the reset) with a
 * cosine learning-rate warm-up over `warmup` steps after each reset.
 * Defaults η 1e-3, b1 0.9, b2 0.999, ε 1e-8, λ 0, θ 5000, reset 500, warm-up 50.
 * @example const opt = spam({ lr: 1e-3, threshold: 5000 });
 */
export function spam({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0, threshold = 5000, resetInterval = 500, warmup = 50 }: SpamCommon & { threshold?: number } = {}) {
  const o = { lr, b1, b2, eps, weightDecay, resetInterval, warmup };
  return leafwise<{ m: Tensor; v: Tensor }>('spam', { ...o, threshold }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
    update: (g, s, p, t) => {
      const { k, reset, factor } = resetClock(t, resetInterval, warmup);
      const m0 = reset ? tf.zerosLike(g) : s.m;
      const v0 = reset ? tf.zerosLike(g) : s.v;
      const bound = tf.mul(v0, threshold);
      const spike = tf.logicalAnd(tf.greater(v0, 0), tf.greater(tf.square(g), bound));
      const gc = tf.where(spike, tf.mul(tf.sign(g), tf.sqrt(bound)), g);
      const r = adamCore(gc, m0, v0, p, k, hyperAt(lr, t - 1) * factor, o);
      return { u: r.u, s: { m: r.m, v: r.v } };
    },
  }, { needsParams: weightDecay !== 0 });
}

/**
 * Stable-SPAM (Huang et al. 2025, arXiv 2502.17055), per parameter tensor:
 * (1) adaptive spike clipping: M ← γ₁M + (1−γ₁)max|g|, clip |g| to M/(1−γ₁ᵗ);
 * (2) norm rescaling: a ← γ₂a + (1−γ₂)‖g‖, b ← γ₂b + (1−γ₂)‖g‖², g ← (g/‖g‖)·â/(√b̂ + ε)
 *     (hats: divided by 1 − γ₂ᵗ);
 * (3) AdamW with moment resets every `resetInterval` steps and a cosine warm-up after resets.
 * Defaults η 1e-3, b1 0.9, b2 0.999, ε 1e-8, γ₁ 0.7, γ₂ 0.9, reset 1000, warm-up 50, λ 0.
 * @example const opt = stableSpam({ lr: 1e-3 });
 */
export function stableSpam({ lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0, gamma1 = 0.7, gamma2 = 0.9, resetInterval = 1000, warmup = 50 }: SpamCommon & { gamma1?: number; gamma2?: number } = {}) {
  const o = { lr, b1, b2, eps, weightDecay, resetInterval, warmup };
  return leafwise<{ m: Tensor; v: Tensor; gmax: Tensor; a: Tensor; b: Tensor }>('stableSpam', { ...o, gamma1, gamma2 }, {
    init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p), gmax: tf.scalar(0), a: tf.scalar(0), b: tf.scalar(0) }),
    update: (g, s, p, t) => {
      const gmax = tf.add(tf.mul(s.gmax, gamma1), tf.mul(tf.max(tf.abs(g)), 1 - gamma1));
      const thr = tf.div(gmax, 1 - Math.pow(gamma1, t));
      const clipped = tf.where(tf.greater(tf.abs(g), thr), tf.mul(tf.sign(g), thr), g);
      const n = tf.sqrt(tf.sum(tf.square(clipped)));
      const a = tf.add(tf.mul(s.a, gamma2), tf.mul(n, 1 - gamma2));
      const b = tf.add(tf.mul(s.b, gamma2), tf.mul(tf.square(n), 1 - gamma2));
      const c2 = 1 - Math.pow(gamma2, t);
      const scaleF = tf.div(tf.div(a, c2), tf.mul(tf.add(tf.sqrt(tf.div(b, c2)), eps), tf.maximum(n, 1e-30)));
      const gn = tf.mul(clipped, scaleF);
      const { k, reset, factor } = resetClock(t, resetInterval, warmup);
      const r = adamCore(gn, reset ? tf.zerosLike(g) : s.m, reset ? tf.zerosLike(g) : s.v, p, k, hyperAt(lr, t - 1) * factor, o);
      return { u: r.u, s: { m: r.m, v: r.v, gmax, a, b } };
    },
  }, { needsParams: weightDecay !== 0 });
}
