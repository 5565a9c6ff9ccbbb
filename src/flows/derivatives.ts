/**
 * The derivatives one central-flow substep needs at w, for tracked directions U (rows, P-normalised):
 * L(w), ∇L(w), H(w)Uᵢ (the Rayleigh quotients Uᵢᵀ H Uᵢ are the effective eigenvalues) and
 * gᵢⱼ = ∇_w(Uᵢᵀ H(w) Uⱼ) for the pairs of the first `c` rows (the candidate critical set).
 * One shared pass when the Problem has `curvatureGradBatch` (every Problem built by fl.problem or
 * fromModel does); otherwise lossAndGrad, hvpBatch and one curvatureGrad per pair.
 */
import { tf } from '../tensor/tf.js';
import { upperPairs } from '../tensor/problem.js';
import type { CurvatureBatch, Problem, Tensor1D, Tensor2D } from '../tensor/types.js';

/**
 * Loss, gradient, H Uᵢ for every row of U and the curvature gradients of the pairs (i ≤ j < c) in
 * upperPairs(c) order. New tensors the caller owns; reads nothing.
 * @example const d = substepDerivatives(P, w, U, 1); // d.curvatureGrad: [1, dim] = ∇(U₀ᵀHU₀)
 */
export function substepDerivatives(P: Problem, w: Tensor1D, U: Tensor2D, c: number): CurvatureBatch {
  const pairs = upperPairs(c);
  if (P.curvatureGradBatch) return P.curvatureGradBatch(w, U, pairs);
  const { loss, grad } = P.lossAndGrad(w);
  const hvp = U.shape[0] ? P.hvpBatch(w, U) : (tf.zeros([0, P.dim]) as Tensor2D);
  const curvatureGrad = tf.tidy(() => {
    const rows = tf.unstack(U) as Tensor1D[];
    const gs = pairs.map(([i, j]) => P.curvatureGrad(w, rows[i], rows[j]));
    return (gs.length ? tf.stack(gs) : tf.zeros([0, P.dim])) as Tensor2D;
  });
  return { loss, grad, hvp, curvatureGrad };
}
