/** Adafactor: factored second moments with relative step sizes. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import { leafwise } from './core.js';

export interface AdafactorOptions {
  /** Fixed learning rate; undefined (default) = relative step ρₜ = min(1e-2, 1/√t). */ lr?: number;
  /** First-moment rate (default 0: no momentum, the paper's memory-saving setting). */ b1?: number;
  /** ε₁ added to g² (default 1e-30). */ eps?: number;
  /** ε₂, floor of RMS(θ) in the relative step (default 1e-3). */ eps2?: number;
  /** Update clipping threshold d (default 1). */ clipThreshold?: number;
  /** β̂₂ = 1 − t^decayRate (default −0.8). */ decayRate?: number;
  /** Multiply the step by max(ε₂, RMS(θ)) (default true). */ scaleParameter?: boolean;
  /** Decoupled weight decay (default 0). */ weightDecay?: number;
}

const rms = (x: Tensor) => tf.sqrt(tf.mean(tf.square(x)));

/**
 * Adafactor (Shazeer & Stern 2018, arXiv 1804.04235): β̂₂ = 1 − t^−0.8; for a matrix (rank ≥ 2,
 * leading axes merged into rows) R ← β̂₂R + (1−β̂₂)mean_cols(g² + ε₁), C ← β̂₂C + (1−β̂₂)mean_rows(g² + ε₁),
 * V̂ = R Cᵀ/mean(R); for vectors V ← β̂₂V + (1−β̂₂)(g² + ε₁). U = g/√V̂; U ← U/max(1, RMS(U)/d);
 * optional momentum U ← b1·m + (1−b1)U; αₜ = max(ε₂, RMS(θ))·ρₜ, ρₜ = min(1e-2, 1/√t) (relative step);
 * θ ← θ − αₜU (− αₜλθ).
 * @example const opt = adafactor();   // relative step sizes, no lr needed
 */
export function adafactor({ lr, b1 = 0, eps = 1e-30, eps2 = 1e-3, clipThreshold = 1, decayRate = -0.8, scaleParameter = true, weightDecay = 0 }: AdafactorOptions = {}) {
  type S = { r: Tensor | null; c: Tensor | null; v: Tensor | null; m: Tensor | null };
  return leafwise<S>('adafactor', { lr: lr ?? 'relative', b1, eps, eps2, clipThreshold, decayRate, scaleParameter, weightDecay }, {
    init: (p) => {
      const factored = p.rank >= 2;
      const cols = p.shape[p.rank - 1];
      const rows = p.size / cols;
      return {
        r: factored ? tf.zeros([rows]) : null,
        c: factored ? tf.zeros([cols]) : null,
        v: factored ? null : tf.zerosLike(p),
        m: b1 > 0 ? tf.zerosLike(p) : null,
      };
    },
    update: (g, s, p, t) => {
      const beta2 = 1 - Math.pow(t, decayRate);
      const g2 = tf.add(tf.square(g), eps);
      let U: Tensor;
      const next: S = { r: null, c: null, v: null, m: null };
      if (s.r && s.c) {
        const cols = g.shape[g.rank - 1];
        const G2 = tf.reshape(g2, [-1, cols]);
        next.r = tf.add(tf.mul(s.r, beta2), tf.mul(tf.mean(G2, 1), 1 - beta2));
        next.c = tf.add(tf.mul(s.c, beta2), tf.mul(tf.mean(G2, 0), 1 - beta2));
        const rf = tf.rsqrt(tf.div(next.r, tf.mean(next.r)));
        const cf = tf.rsqrt(next.c);
        U = tf.reshape(tf.mul(tf.mul(tf.reshape(g, [-1, cols]), tf.reshape(rf, [-1, 1])), tf.reshape(cf, [1, -1])), g.shape);
      } else {
        next.v = tf.add(tf.mul(s.v!, beta2), tf.mul(g2, 1 - beta2));
        U = tf.mul(g, tf.rsqrt(next.v));
      }
      U = tf.div(U, tf.maximum(tf.div(rms(U), clipThreshold), 1));
      if (s.m) { next.m = tf.add(tf.mul(s.m, b1), tf.mul(U, 1 - b1)); U = next.m; }
      const rho = lr ?? Math.min(1e-2, 1 / Math.sqrt(t));
      const alpha = scaleParameter ? tf.mul(tf.maximum(rms(p!), eps2), rho) : tf.scalar(rho);
      let u = tf.mul(U, tf.neg(alpha));
      if (weightDecay) u = tf.sub(u, tf.mul(p!, tf.mul(alpha, weightDecay)));
      return { u, s: next };
    },
  }, { needsParams: scaleParameter || weightDecay !== 0 });
}
