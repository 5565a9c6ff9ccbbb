/**
 * Power iteration with deflation, PyHessian's method (Yao, Gholami, Keutzer & Mahoney 2020,
 * arXiv:1912.07145): the i-th eigenvector is iterated in the orthogonal complement of the ones
 * already found. Plain power iteration converges to the largest |λ|; when that turns out to be
 * negative (an indefinite Hessian with a dominant negative eigenvalue, where PyHessian reports the
 * wrong end of the spectrum) the search restarts on H − σI with σ that negative eigenvalue, whose
 * dominant eigenvalue is λmax − σ, so the results are the largest λ as for the other methods.
 */
import { orthogonalizeAgainst } from '../linalg/qr.js';
import { axpy, dot, norm, scale } from '../linalg/vec.js';
import type { SymOperator } from '../operator.js';
import { gaussianVector } from '../random.js';
import { checkInterrupt, relativeResidual, type SolverOptions, type SolverResult } from './common.js';

/** Top-k eigenpairs (largest λ) of op by deflated power iteration; maxIter is per eigenpair. Async: one operator read per step. */
export async function power(op: SymOperator, { k, tol, maxIter, start, rng }: SolverOptions): Promise<SolverResult> {
  const found: Float64Array[] = [];
  const values: number[] = [], residuals: number[] = [];
  let iterations = 0, converged = true, shift = 0, shifted = false;
  for (let e = 0; e < k; e++) {
    let v = start[e] ? new Float64Array(start[e]) : gaussianVector(op.dim, rng);
    orthogonalizeAgainst(v, found);
    if (norm(v) < 1e-12) { v = gaussianVector(op.dim, rng); orthogonalizeAgainst(v, found); }
    scale(v, 1 / norm(v));
    let theta = 0, rel = Infinity;
    for (let it = 0; it < maxIter; it++) {
      checkInterrupt();
      iterations++;
      const [Hv] = await op.apply([v]);
      if (shift !== 0) axpy(Hv, -shift, v);
      theta = dot(v, Hv);
      // residual of the deflated operator (I − FFᵀ)H(I − FFᵀ), the one power iteration solves
      orthogonalizeAgainst(Hv, found);
      const r = axpy(new Float64Array(Hv), -theta, v);
      rel = relativeResidual(norm(r), theta + shift, Math.max(Math.abs(theta + shift), ...values.map(Math.abs)));
      if (rel <= tol) break;
      const nh = norm(Hv);
      if (nh === 0) break;
      v = scale(Hv, 1 / nh) as Float64Array;
    }
    if (theta < 0 && !shifted) {
      // dominant eigenvalue negative: restart everything on H − θI (spectrum shifted to ≥ 0)
      shift = theta;
      shifted = true;
      found.length = 0; values.length = 0; residuals.length = 0;
      e = -1;
      continue;
    }
    if (rel > tol) converged = false;
    found.push(v);
    values.push(theta + shift);
    residuals.push(rel);
  }
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  return {
    values: order.map((i) => values[i]),
    vectors: order.map((i) => found[i]),
    residuals: order.map((i) => residuals[i]),
    iterations,
    converged,
  };
}
