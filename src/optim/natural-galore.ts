/** Natural GaLore: GaLore's low-rank projection with an empirical-Fisher natural-gradient step (Woodbury). */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { checkHyper, leafwise, hyperAt } from './core.js';
import { asMatrix, spdSolveValues, topEigvecs } from './linalg.js';
import { auxAdamStep, isMatrixLeaf } from './matrix-common.js';

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

type Leaf = { m: Tensor; v: Tensor; P: Tensor | null; W: Tensor | null; left: boolean; matrix: boolean };

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
  const projectG = (g: Tensor, s: Leaf, P: Tensor) => {
    const G = asMatrix(g);
    return s.left ? tf.matMul(P as never, G, true, false) : tf.matMul(G, P as never);
  };
  /** The window with the newest projected gradient r [1, d] appended (oldest dropped). */
  const nextWindow = (W: Tensor, r: Tensor, reset: boolean) =>
    reset ? tf.concat([tf.zeros([history - 1, r.shape[1]!]), r]) : tf.concat([tf.slice(W, [1, 0], [history - 1, -1]), r]);
  return leafwise<Leaf>('naturalGalore', { lr, rank, updateProjGap, scale, history, damping, b1, b2, eps, weightDecay }, {
    init: (p) => {
      if (!isMatrixLeaf(p)) return { m: tf.zerosLike(p), v: tf.zerosLike(p), P: null, W: null, left: true, matrix: false };
      const [mm, n] = asMatrix(p).shape;
      const r = Math.min(rank, mm, n);
      const shape = mm <= n ? [r, n] : [mm, r];
      return { m: tf.zeros(shape), v: tf.zeros(shape), P: null, W: tf.zeros([history, r * (mm <= n ? n : mm)]), left: mm <= n, matrix: true };
    },
    // Refresh steps read GGᵀ (or GᵀG) for the new basis; other steps read the Woodbury system.
    read: (g, s, _p, t): Record<string, Tensor> | undefined => {
      if (!s.matrix) return undefined;
      if (refreshing(s, t)) {
        const G = asMatrix(g);
        return { gram: s.left ? tf.matMul(G, G, false, true) : tf.matMul(G, G, true, false) };
      }
      const r = tf.reshape(projectG(g, s, s.P!), [1, -1]);
      const W = nextWindow(s.W!, r, false);
      return { WtW: tf.matMul(W, W, false, true), Wtg: tf.matMul(W, r, false, true) };
    },
    update: (g, s, p, t, _key, _ctx, fetched) => {
      const eta = hyperAt(lr, t - 1);
      if (!s.matrix) {
        const r = auxAdamStep(g, s.m, s.v, t, { lr: eta, b1, b2, eps }, p, weightDecay);
        return { u: r.u, s: { ...s, m: r.m, v: r.v } };
      }
      const G = asMatrix(g);
      const [mm, n] = G.shape;
      const reset = refreshing(s, t);
      const P = reset ? topEigvecs(fetched.gram.values, s.left ? mm : n, Math.min(rank, mm, n)) : s.P!;
      const R = projectG(g, s, P);
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
      const gt = tf.reshape(nat, R.shape);
      const m = tf.add(tf.mul(s.m, b1), tf.mul(gt, 1 - b1));
      const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(gt), 1 - b2));
      const N = tf.div(tf.div(m, 1 - Math.pow(b1, t)), tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(b2, t))), eps));
      const back = s.left ? tf.matMul(P as never, N as never) : tf.matMul(N as never, P as never, false, true);
      let u = tf.mul(tf.reshape(back, g.shape), -eta * scale);
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      return { u, s: { m, v, P, W, left: s.left, matrix: true } };
    },
  }, { needsParams: weightDecay !== 0 });
}
