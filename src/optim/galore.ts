/** GaLore: Adam in a low-rank projection of the gradient, refreshed periodically. */
import type { HyperValue } from './types.js';
import { leafwise, hyperAt } from './core.js';
import { auxAdamStep } from './matrix-common.js';
import { basisFromGram, gramForBasis, initProjectedLeaf, projectGradient, projectedAdamStep, type ProjectedLeaf } from './low-rank-projection.js';

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
  return leafwise<ProjectedLeaf>('galore', { lr, rank, updateProjGap, scale, b1, b2, eps, weightDecay }, {
    init: (p) => initProjectedLeaf(p, rank),
    // On projection refreshes GGᵀ (or GᵀG) is read for its eigenvectors (one transfer for all leaves).
    read: (g, s, _p, t) => {
      if (!s.matrix || (s.P && (t - 1) % updateProjGap !== 0)) return undefined;
      return { gram: gramForBasis(g, s.left) };
    },
    update: (g, s, p, t, _key, _ctx, fetched) => {
      const eta = hyperAt(lr, t - 1);
      if (!s.matrix) {
        const r = auxAdamStep(g, s.m, s.v, t, { lr: eta, b1, b2, eps: eps }, p, weightDecay);
        return { u: r.u, s: { ...s, m: r.m, v: r.v } };
      }
      const P = fetched.gram ? basisFromGram(fetched.gram.values, g, s.left, rank) : s.P!;
      const { u, m, v } = projectedAdamStep(projectGradient(g, P, s.left), P, s, g, p, t, { eta, scale, b1, b2, eps, weightDecay });
      return { u, s: { m, v, P, left: s.left, matrix: true } };
    },
  }, { needsParams: weightDecay !== 0 });
}
