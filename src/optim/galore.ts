/** GaLore: Adam in a low-rank projection of the gradient, refreshed periodically. */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { asMatrix, topEigvecs } from './linalg.js';
import { auxAdamStep, isMatrixLeaf } from './matrix-common.js';

/**
 * GaLore (Zhao et al. 2024, arXiv 2403.03507), per matrix G (m×n, [in, out] view): every
 * `updateProjGap` steps P = top-r left singular vectors of G when m ≤ n (else right, r = min(rank, m, n)),
 * from a float64 eigh of GGᵀ (or GᵀG); R = PᵀG (or GP); Adam on R (moments kept across refreshes,
 * as in the reference); N = (m̂/(√v̂ + ε)); W ← W − η·α·PN (or NPᵀ) − ηλW.
 * Non-matrix leaves use Adam with the same η. Defaults η 1e-3, rank 128, gap 200, α 0.25, b1 0.9,
 * b2 0.999, ε 1e-8, λ 0.
 * @example const opt = withSpec(P.spec!, galore({ lr: 1e-3, rank: 128 }));
 */
export function galore({ lr = 1e-3, rank = 128, updateProjGap = 200, scale = 0.25, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay = 0 }: { lr?: HyperValue; rank?: number; updateProjGap?: number; scale?: number; b1?: number; b2?: number; eps?: number; weightDecay?: number } = {}) {
  type S = { m: Tensor; v: Tensor; P: Tensor | null; left: boolean; matrix: boolean };
  return leafwise<S>('galore', { lr, rank, updateProjGap, scale, b1, b2, eps, weightDecay }, {
    init: (p) => {
      if (!isMatrixLeaf(p)) return { m: tf.zerosLike(p), v: tf.zerosLike(p), P: null, left: true, matrix: false };
      const [mm, n] = asMatrix(p).shape;
      const r = Math.min(rank, mm, n);
      const shape = mm <= n ? [r, n] : [mm, r];
      return { m: tf.zeros(shape), v: tf.zeros(shape), P: null, left: mm <= n, matrix: true };
    },
    // On projection refreshes GGᵀ (or GᵀG) is read for its eigenvectors (one transfer for all leaves).
    read: (g, s, _p, t) => {
      if (!s.matrix || (s.P && (t - 1) % updateProjGap !== 0)) return undefined;
      const G = asMatrix(g);
      return { gram: s.left ? tf.matMul(G, G, false, true) : tf.matMul(G, G, true, false) };
    },
    update: (g, s, p, t, _key, _ctx, fetched) => {
      const eta = hyperAt(lr, t - 1);
      if (!s.matrix) {
        const r = auxAdamStep(g, s.m, s.v, t, { lr: eta, b1, b2, eps: eps }, p, weightDecay);
        return { u: r.u, s: { ...s, m: r.m, v: r.v } };
      }
      const G = asMatrix(g);
      const [mm, n] = G.shape;
      const r = Math.min(rank, mm, n);
      const side = s.left ? mm : n;
      const P = fetched.gram ? topEigvecs(fetched.gram.values, side, r) : s.P!;
      const R = s.left ? tf.matMul(P as never, G, true, false) : tf.matMul(G, P as never);
      const m = tf.add(tf.mul(s.m, b1), tf.mul(R, 1 - b1));
      const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(R), 1 - b2));
      const N = tf.div(tf.div(m, 1 - Math.pow(b1, t)), tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(b2, t))), eps));
      const back = s.left ? tf.matMul(P as never, N as never) : tf.matMul(N as never, P as never, false, true);
      let u = tf.mul(tf.reshape(back, g.shape), -eta * scale);
      if (weightDecay) u = tf.sub(u, tf.mul(p!, eta * weightDecay));
      return { u, s: { m, v, P, left: s.left, matrix: true } };
    },
  }, { needsParams: weightDecay !== 0 });
}
