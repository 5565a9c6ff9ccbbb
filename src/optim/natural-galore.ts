/** Natural GaLore: GaLore's low-rank projection with an empirical-Fisher natural-gradient step (Woodbury). */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { checkHyper, leafwise, hyperAt } from './core.js';
import { spdSolveValues } from './linalg.js';
import { auxAdamStep } from './matrix-common.js';
import { basisFromGram, gramForBasis, initProjectedLeaf, projectGradient, projectedAdamStep, type ProjectedLeaf } from './low-rank-projection.js';

export interface NaturalGaloreOptions {
  /** Learning rate η (default 1e-3). */ lr?: HyperValue;
  /** Projection rank r (default 128; at most min(m, n)). */ rank?: number;
  /** Steps between projection refreshes (default 200). */ updateProjGap?: number;
  /** GaLore's scale α (default 0.25). */ scale?: number;
  /** Projected gradients in the Fisher window, s (default 10). */ history?: number;
  /** Tikhonov damping λ of the empirical Fisher λI + GGᵀ (default 1e-2). */ damping?: number;
  /** Adam rates and ε (defaults 0.9, 0.999, 1e-8). */ b1?: number; b2?: number; eps?: number;
  /** Decoupled weight decay λ_w (default 0). */ weightDecay?: number;
}

type Leaf = ProjectedLeaf & { W: Tensor | null };

/**
 * Natural GaLore (Das 2024, arXiv 2410.16029). Per matrix leaf (GaLore's [in, out] view, P the
 * top-r left singular vectors of G when m ≤ n, else right; refreshed every `updateProjGap` steps
 * from a float64 eigh): the projected gradient g = vec(PᵀG) (or vec(GP)) joins a window
 * G_t = [g_{t−s+1}, …, g_t] of the last s projected gradients, and the natural gradient under the
 * damped empirical Fisher F = λI + G_tG_tᵀ is applied with Woodbury's identity,
 *   g̃ = F⁻¹g = (g − G_t (λI + G_tᵀG_t)⁻¹ G_tᵀ g)/λ     (an s×s system, solved in float64),
 * then Adam on g̃: m ← b1m + (1−b1)g̃, v ← b2v + (1−b2)g̃², N = m̂/(√v̂ + ε);
 * W ← W − η·α·PN (or NPᵀ) − ηλ_wW. Non-matrix leaves take Adam with the same η.
 * The window starts empty (zero columns change nothing) and is emptied when P is refreshed:
 * gradients projected on the old basis do not live in the new subspace. On those steps the
 * window holds g alone and g̃ = g/(λ + ‖g‖²) stays on the device; other steps read G_tᵀG_t and
 * G_tᵀg (s² + s numbers per leaf) in the update's one packed transfer.
 * Defaults η 1e-3, r 128, gap 200, α 0.25, s 10, λ 1e-2, b1 0.9, b2 0.999, ε 1e-8, λ_w 0.
 * @example const opt = withSpec(P.spec!, naturalGalore({ lr: 1e-3, rank: 64, history: 10 }));
 */
export function naturalGalore({ lr = 1e-3, rank = 128, updateProjGap = 200, scale = 0.25, history = 10, damping = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0 }: NaturalGaloreOptions = {}) {
  checkHyper('naturalGalore', 'history', history, (x) => Number.isInteger(x) && x >= 1, 'a positive integer');
  checkHyper('naturalGalore', 'damping', damping, (x) => x > 0, 'positive');
  const refreshing = (s: Leaf, t: number) => !s.P || (t - 1) % updateProjGap === 0;
  /** The window with the newest projected gradient r [1, d] appended (oldest dropped). */
  const nextWindow = (W: Tensor, r: Tensor, reset: boolean) =>
    reset ? tf.concat([tf.zeros([history - 1, r.shape[1]!]), r]) : tf.concat([tf.slice(W, [1, 0], [history - 1, -1]), r]);
  return leafwise<Leaf>('naturalGalore', { lr, rank, updateProjGap, scale, history, damping, b1, b2, eps, weightDecay }, {
    init: (p) => {
      const { m, v, P, left, matrix } = initProjectedLeaf(p, rank);
      return { m, v, P, W: matrix ? tf.zeros([history, m.size]) : null, left, matrix };
    },
    // Refresh steps read GGᵀ (or GᵀG) for the new basis; other steps read the Woodbury system.
    read: (g, s, _p, t): Record<string, Tensor> | undefined => {
      if (!s.matrix) return undefined;
      if (refreshing(s, t)) return { gram: gramForBasis(g, s.left) };
      const r = tf.reshape(projectGradient(g, s.P!, s.left), [1, -1]);
      const W = nextWindow(s.W!, r, false);
      return { WtW: tf.matMul(W, W, false, true), Wtg: tf.matMul(W, r, false, true) };
    },
    update: (g, s, p, t, _key, _ctx, fetched) => {
      const eta = hyperAt(lr, t - 1);
      if (!s.matrix) {
        const r = auxAdamStep(g, s.m, s.v, t, { lr: eta, b1, b2, eps }, p, weightDecay);
        return { u: r.u, s: { ...s, m: r.m, v: r.v } };
      }
      const reset = refreshing(s, t);
      const P = reset ? basisFromGram(fetched.gram.values, g, s.left, rank) : s.P!;
      const R = projectGradient(g, P, s.left);
      const r = tf.reshape(R, [1, -1]);
      const W = nextWindow(s.W!, r, reset);
      let nat: Tensor;
      if (reset) {
        nat = tf.div(r, tf.add(tf.sum(tf.square(r)), damping));
      } else {
        const A = Float64Array.from(fetched.WtW.values);
        for (let i = 0; i < history; i++) A[i * history + i] += damping;
        const c = spdSolveValues(A, fetched.Wtg.values, history);
        nat = tf.div(tf.sub(r, tf.matMul(tf.tensor2d(Float32Array.from(c), [1, history]), W)), damping);
      }
      const { u, m, v } = projectedAdamStep(tf.reshape(nat, R.shape), P, s, g, p, t, { eta, scale, b1, b2, eps, weightDecay });
      return { u, s: { m, v, P, W, left: s.left, matrix: true } };
    },
  }, { needsParams: weightDecay !== 0 });
}
