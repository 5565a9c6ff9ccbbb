/**
 * Scalar curvature summaries: sharpness λmax(H), preconditioned (effective) sharpness
 * λmax(diag(p)⁻¹H), the bottom eigenvalue λmin(H), and the curvature along a direction.
 */
import { tf } from '../tensor/tf.js';
import type { Problem, Tensor1D, Tensor2D } from '../tensor/types.js';
import { topEigenpairs, type EigenOptions } from './eigenpairs.js';
import { pointTensor, type Point } from './operator.js';
import { readPacked } from '../tensor/read.js';
import { dot } from './linalg/vec.js';

/**
 * Sharpness S(w) = λmax(∇²L(w)), the quantity that rises to 2/η at the edge of stability
 * (Cohen, Kaur, Li, Kolter & Talwalkar 2021, arXiv:2103.00065). Options as topEigenpairs (k = 1).
 * Async (reads HVPs).
 * @example await fl.landscape.sharpness(P, w) // e.g. 38.4
 */
export async function sharpness(P: Problem, w: Point, opts: Omit<EigenOptions, 'k'> = {}): Promise<number> {
  return (await topEigenpairs(P, w, { ...opts, k: 1 })).values[0];
}

/**
 * Effective sharpness λmax(diag(p)⁻¹H) of a diagonally preconditioned method (Adam/RMSProp with
 * p = (√ν̂ + ε)/η reaches 2 at its edge of stability; Cohen et al. 2022, arXiv:2207.14484).
 * Async (reads HVPs).
 * @example await fl.landscape.preconditionedSharpness(P, w, pDiag)
 */
export async function preconditionedSharpness(P: Problem, w: Point, pDiag: ArrayLike<number>, opts: Omit<EigenOptions, 'k' | 'preconditioner'> = {}): Promise<number> {
  if (!pDiag) throw new Error('preconditionedSharpness: pDiag (the diagonal preconditioner, length P.dim) is required; use sharpness() without one');
  return (await topEigenpairs(P, w, { ...opts, k: 1, preconditioner: pDiag })).values[0];
}

/**
 * The smallest eigenvalue λmin(H) (most negative curvature), by the same solvers applied to −H.
 * Async (reads HVPs).
 * @example await fl.landscape.bottomEigenvalue(P, w) // negative near saddles
 */
export async function bottomEigenvalue(P: Problem, w: Point, opts: Omit<EigenOptions, 'k'> = {}): Promise<number> {
  const neg: Problem = {
    dim: P.dim,
    spec: P.spec,
    name: P.name,
    loss: (x) => P.loss(x),
    grad: (x) => P.grad(x),
    lossAndGrad: (x) => P.lossAndGrad(x),
    hvp: (x, v) => tf.tidy(() => tf.neg(P.hvp(x, v))) as Tensor1D,
    hvpBatch: (x, V) => tf.tidy(() => tf.neg(P.hvpBatch(x, V))) as Tensor2D,
    curvatureGrad: (x, u, v) => P.curvatureGrad(x, u, v),
  };
  return -(await topEigenpairs(neg, w, { ...opts, k: 1 })).values[0];
}

/**
 * Curvature along d: dᵀH(w)d / dᵀd (one HVP). Async: Hd and d come back in one read.
 * @example await fl.landscape.directionalCurvature(P, w, grad) // curvature along the gradient
 */
export async function directionalCurvature(P: Problem, w: Point, d: Point): Promise<number> {
  const { t: wt, owned } = pointTensor(P, w, 'directionalCurvature');
  const { t: dt, owned: dOwned } = pointTensor(P, d, 'directionalCurvature', 'd');
  try {
    const HdT = tf.tidy(() => P.hvp(wt, dt));
    let Hd: Float32Array, dv: Float32Array;
    try {
      [Hd, dv] = await readPacked([HdT, dt]);
    } finally {
      HdT.dispose();
    }
    const num = dot(dv, Hd), den = dot(dv, dv);
    if (!(den > 0)) throw new Error('directionalCurvature: d must be a non-zero direction');
    return num / den;
  } finally {
    if (owned) wt.dispose();
    if (dOwned) dt.dispose();
  }
}
