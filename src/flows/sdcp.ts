/**
 * The semidefinite complementarity problem (SDCP) of a central-flow substep, in float64:
 *
 *     find X:  0 ⪯ X  ⟂  α + β[X] ⪰ 0,
 *
 * with α a symmetric k×k matrix and β a linear map on symmetric k×k matrices,
 * (β[X])_ab = Σ_ij B[ab, ij] X_ij (sum over ALL k² index pairs, so off-diagonal entries of X count
 * twice, as in the official code's weight-2 metric on the upper-triangular vectorisation).
 * When β is symmetric PSD this is the optimality condition of the convex QP
 *     min_{X ⪰ 0} ½⟨X, β[X]⟩ + ⟨α, X⟩,
 * solved here by a log-barrier interior-point method (sdcpIpm.ts) and then polished exactly on the
 * identified range of X (kept when it lowers the KKT residual). As in the official code
 * (Cohen, Damian et al. 2025, arXiv:2410.24206, src/sdcp.py), β is symmetrised, projected onto the
 * PSD operators and normalised by its RMS before solving; X is rescaled back afterwards.
 */
import { frob, minEig, projectPsd, solveLinear, symEig } from './dense.js';
import { barrierSdcp } from './sdcpIpm.js';

/** KKT residuals of an SDCP solution, all ≥ 0 (0 = exact). */
export interface SdcpResidual {
  /** max(0, −λ_min(X)). */
  primal: number;
  /** max(0, −λ_min(α + β[X])). */
  dual: number;
  /** |⟨X, α + β[X]⟩|. */
  complementarity: number;
  /** max(primal/‖X‖_F, dual/‖α‖_F, complementarity/(‖α‖_F‖X‖_F)): scale-free, 0 = exact. */
  relative: number;
}

/** Result of `solveSdcp`. */
export interface SdcpSolution {
  /** Solution X, row-major k×k, symmetric PSD. */
  X: Float64Array;
  k: number;
  residual: SdcpResidual;
  /** Newton iterations of the interior-point method (0 for the closed forms). */
  iterations: number;
  /** 'zero' (α ⪰ 0), 'closed-form' (k = 1), 'interior-point', or 'polished' (exact re-solve on range(X)). */
  method: 'zero' | 'closed-form' | 'polished' | 'interior-point';
}

/** Applies β: (β[X])_ab = Σ_ij B[ab, ij] X_ij. */
export function applyBeta(B: Float64Array, X: Float64Array, k: number): Float64Array {
  const k2 = k * k;
  const out = new Float64Array(k2);
  for (let r = 0; r < k2; r++) {
    let s = 0;
    for (let c = 0; c < k2; c++) s += B[r * k2 + c] * X[c];
    out[r] = s;
  }
  return out;
}

/**
 * KKT residuals of X for SDCP(α, β): X ⪰ 0, α + β[X] ⪰ 0, ⟨X, α + β[X]⟩ = 0 (see `SdcpResidual`).
 * @example sdcpResidual(alpha, beta, solveSdcp(alpha, beta, k).X, k).relative // ≈ 1e-12
 */
export function sdcpResidual(alpha: Float64Array, B: Float64Array, X: Float64Array, k: number): SdcpResidual {
  const Y = applyBeta(B, X, k);
  for (let i = 0; i < Y.length; i++) Y[i] += alpha[i];
  const primal = Math.max(0, -minEig(X, k));
  const dual = Math.max(0, -minEig(Y, k));
  const complementarity = Math.abs(frob(X, Y));
  const na = Math.sqrt(frob(alpha, alpha));
  const nx = Math.sqrt(frob(X, X));
  const tiny = 1e-300;
  const relative = Math.max(primal / Math.max(nx, tiny), dual / Math.max(na, tiny), complementarity / Math.max(na * nx, tiny));
  return { primal, dual, complementarity, relative };
}

function checkInputs(alpha: Float64Array, beta: Float64Array, k: number): void {
  if (!Number.isInteger(k) || k < 0) throw new Error(`solveSdcp: k must be a non-negative integer, got ${k}.`);
  if (alpha.length !== k * k) throw new Error(`solveSdcp: alpha has ${alpha.length} entries, expected k*k = ${k * k} (row-major k×k).`);
  if (beta.length !== k ** 4) throw new Error(`solveSdcp: beta has ${beta.length} entries, expected k^4 = ${k ** 4} (row-major [k², k²] with rows ab, columns ij).`);
  for (const v of alpha) if (!Number.isFinite(v)) throw new Error('solveSdcp: alpha contains NaN/Infinity; check the eigenvalues and gradients fed to the flow.');
  for (const v of beta) if (!Number.isFinite(v)) throw new Error('solveSdcp: beta contains NaN/Infinity; check curvatureGrad and the preconditioner.');
}

/** Symmetrises B over (a↔b), (i↔j) and (ab↔ij), then projects it onto PSD operators. */
function symmetrisePsd(B: Float64Array, k: number): Float64Array {
  const k2 = k * k;
  const S = new Float64Array(k2 * k2);
  const idx = (a: number, b: number, i: number, j: number) => (a * k + b) * k2 + i * k + j;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    const v = (B[idx(a, b, i, j)] + B[idx(b, a, i, j)] + B[idx(a, b, j, i)] + B[idx(b, a, j, i)]
      + B[idx(i, j, a, b)] + B[idx(j, i, a, b)] + B[idx(i, j, b, a)] + B[idx(j, i, b, a)]) / 8;
    S[idx(a, b, i, j)] = v;
  }
  return projectPsd(S, k2);
}

/**
 * Solves SDCP(α, β): 0 ⪯ X ⟂ α + β[X] ⪰ 0 (module doc). `alpha` is k×k row-major, `beta` is the
 * [k², k²] row-major matrix B[ab, ij]. Closed forms: X = 0 when α ⪰ 0; X = max(0, −α/β) for k = 1.
 * Defaults: maxIter = 400 Newton iterations, tol = 1e-10 (stopping complementarity kμ relative to ‖α‖‖X‖).
 * @example solveSdcp(new Float64Array([-1]), new Float64Array([4]), 1).X // [0.25]
 */
export function solveSdcp(alpha: Float64Array, beta: Float64Array, k: number, { maxIter = 400, tol = 1e-10 } = {}): SdcpSolution {
  checkInputs(alpha, beta, k);
  const a = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) a[i * k + j] = 0.5 * (alpha[i * k + j] + alpha[j * k + i]);
  if (k === 0 || minEig(a, k) >= 0) {
    const X = new Float64Array(k * k);
    return { X, k, residual: sdcpResidual(a, beta, X, k), iterations: 0, method: 'zero' };
  }
  let rms = Math.sqrt(frob(beta, beta) / beta.length);
  if (!(rms > 0)) rms = 1;
  const Bn = symmetrisePsd(beta.map((v) => v / rms), k);
  if (k === 1) {
    const b = Bn[0];
    if (!(b > 0)) throw new Error('solveSdcp: alpha < 0 but beta ≤ 0, so no PSD X can make α + β[X] ⪰ 0 (the unstable direction has zero curvature gradient); reduce dt or check curvatureGrad.');
    const X = new Float64Array([Math.max(0, -a[0] / b) / rms]);
    return { X, k, residual: sdcpResidual(a, beta, X, k), iterations: 0, method: 'closed-form' };
  }
  const ipm = barrierSdcp(a, Bn, k, { tol, maxNewton: maxIter });
  let Xn = ipm.X;
  let method: SdcpSolution['method'] = 'interior-point';
  const pol = polish(a, Bn, Xn, k);
  if (pol && sdcpResidual(a, Bn, pol, k).relative < sdcpResidual(a, Bn, Xn, k).relative) { Xn = pol; method = 'polished'; }
  const X = Xn.map((v) => v / rms);
  const iterations = ipm.iterations;
  return { X, k, residual: sdcpResidual(a, beta, X, k), iterations, method };
}

/**
 * Given an approximate solution, solves exactly for X = V Y Vᵀ on its numerical range V:
 * Vᵀ(α + β[V Y Vᵀ])V = 0 (r(r+1)/2 linear equations). Returns null if singular or Y is not PSD.
 */
function polish(a: Float64Array, B: Float64Array, X: Float64Array, k: number): Float64Array | null {
  const { values, vectors } = symEig(X, k);
  const tolRank = 1e-7 * Math.max(values[0], 0);
  let r = 0;
  while (r < k && values[r] > tolRank && values[r] > 0) r++;
  if (r === 0) return null;
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < r; i++) for (let j = i; j < r; j++) pairs.push([i, j]);
  const m = pairs.length;
  // basis matrices E_p = V (e_i e_jᵀ + e_j e_iᵀ)/(1 or 2) Vᵀ, and the reduced operator Vᵀ β[·] V
  const basis = pairs.map(([i, j]) => {
    const E = new Float64Array(k * k);
    for (let s = 0; s < k; s++) for (let q = 0; q < k; q++) {
      const vi = vectors[i * k + s] * vectors[j * k + q] + vectors[j * k + s] * vectors[i * k + q];
      E[s * k + q] = i === j ? vi / 2 : vi;
    }
    return E;
  });
  const reduce = (M: Float64Array, i: number, j: number) => {
    let s = 0;
    for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) s += vectors[i * k + p] * M[p * k + q] * vectors[j * k + q];
    return s;
  };
  const Mat = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  pairs.forEach(([i, j], row) => {
    rhs[row] = -reduce(a, i, j);
    basis.forEach((E, col) => { Mat[row * m + col] = reduce(applyBeta(B, E, k), i, j); });
  });
  const y = solveLinear(Mat, rhs, m);
  if (!y) return null;
  const out = new Float64Array(k * k);
  basis.forEach((E, p) => { for (let i = 0; i < k * k; i++) out[i] += y[p] * E[i]; });
  if (minEig(out, k) < -1e-12 * Math.sqrt(frob(out, out))) return null;
  return out;
}
