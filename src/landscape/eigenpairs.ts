/**
 * topEigenpairs: the k largest eigenpairs of the Hessian of a Problem (or of D⁻¹H for a diagonal
 * preconditioner D), by block Lanczos, LOBPCG or PyHessian-style power iteration.
 */
import type { Problem } from '../tensor/types.js';
import { dot } from './linalg/vec.js';
import { hessianOperator, type Point } from './operator.js';
import { rng } from './random.js';
import { lanczos } from './solvers/lanczos.js';
import { lobpcg } from './solvers/lobpcg.js';
import { power } from './solvers/power.js';
import type { SolverResult } from './solvers/common.js';

/** Options of topEigenpairs (defaults in brackets). */
export interface EigenOptions {
  /** Number of eigenpairs [1]. */
  k?: number;
  /** Solver ['lanczos']. */
  method?: 'lanczos' | 'lobpcg' | 'power';
  /** Relative residual ‖Hu − λu‖/|λ| to stop at [1e-5; float32 HVPs cannot go much below]. */
  tol?: number;
  /** Iterations: Lanczos block steps [300], LOBPCG iterations [500], power steps per pair [1000]. */
  maxIter?: number;
  /** Start vectors (e.g. the previous step's eigenvectors); results get their signs aligned to them. */
  warmStart?: ArrayLike<number>[];
  /** Diagonal preconditioner p > 0: eigenpairs of diag(p)⁻¹H with uᵀ diag(p) u = 1. */
  preconditioner?: ArrayLike<number>;
  /** Seed of the random start vectors [0]. */
  seed?: number;
  /**
   * LOBPCG only: extra start columns beyond k (filled from warmStart[k…], then random) kept in the
   * Rayleigh–Ritz basis without being refined [0]. Pass the previous top-(k+g) vectors as warmStart.
   */
  guard?: number;
  /**
   * LOBPCG only: also stop once every Ritz value changes by ≤ valueTol·|θ| between iterations
   * (PyHessian's criterion, Yao et al. 2020) [0 = residual test only]. The eigenvalue error goes
   * like the residual squared, so for tracking sharpness along a trajectory valueTol = 1e-5 gives
   * eigenvalues to ~1e-5 in a fraction of the HVPs the residual test needs (bench/landscape.ts).
   */
  valueTol?: number;
  /**
   * LOBPCG only: pairs whose eigenvalue estimate is below `below` also stop once it changes by
   * ≤ `valueTol`·|θ| per iteration (an eigen tracker's extra pairs: their values matter, not their
   * vectors) [off].
   */
  watch?: { below: number; valueTol: number };
}

/** Result of topEigenpairs. */
export interface Eigenpairs {
  /** Eigenvalues, descending. */
  values: number[];
  /** Eigenvectors (unit norm, or uᵀ diag(p) u = 1 with a preconditioner). */
  vectors: Float32Array[];
  /** Hessian-vector products spent (a batch of k counts k). */
  hvps: number;
  /** Final relative residuals, one per pair. */
  residuals: number[];
  /** Whether every pair met a stopping test (residual ≤ tol, or the valueTol test). */
  converged: boolean;
  iterations: number;
}

const DEFAULT_ITERS = { lanczos: 300, lobpcg: 500, power: 1000 } as const;

/**
 * The k largest eigenpairs of H(w) = ∇²L(w): H u = λ u (or H u = λ diag(p) u with a preconditioner,
 * the effective sharpness of Adam/RMSProp, Cohen et al. 2025 "central flows", arXiv:2410.24206).
 * Defaults: k = 1, method 'lanczos' (block size k, full re-orthogonalisation), tol = 1e-5, seed = 0.
 * LOBPCG warm-started from the last eigenvectors tracks a pair along a trajectory in a few HVPs.
 * Async: each solver iteration reads its block of HVPs once (src/tensor/read.ts).
 * @example
 * const { values, vectors, hvps } = await fl.landscape.topEigenpairs(P, w, { k: 3 });
 * const next = await fl.landscape.topEigenpairs(P, w2, { k: 3, method: 'lobpcg', warmStart: vectors });
 */
export async function topEigenpairs(P: Problem, w: Point, opts: EigenOptions = {}): Promise<Eigenpairs> {
  const { k = 1, method = 'lanczos', tol = 1e-5, seed = 0, warmStart = [], preconditioner, guard = 0, valueTol = 0, watch } = opts;
  const fn = 'topEigenpairs';
  if (!(method in DEFAULT_ITERS)) throw new Error(`${fn}: method must be 'lanczos', 'lobpcg' or 'power', got '${method}'`);
  const maxIter = opts.maxIter ?? DEFAULT_ITERS[method];
  const op = hessianOperator(P, w, { preconditioner }, fn);
  try {
    if (!Number.isInteger(k) || k < 1 || k > op.dim) throw new Error(`${fn}: k must be an integer in [1, P.dim = ${op.dim}], got ${k}`);
    if (!(tol > 0)) throw new Error(`${fn}: tol must be > 0, got ${tol}`);
    if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`${fn}: maxIter must be a positive integer, got ${maxIter}`);
    const s = op.invSqrtP;
    // warm starts live in the symmetrised coordinates y = D^{1/2} u
    const start = warmStart.map((u, j) => {
      if (!u || u.length !== op.dim) throw new Error(`${fn}: warmStart[${j}] must have length P.dim = ${op.dim}, got ${u?.length}`);
      const y = new Float64Array(op.dim);
      for (let i = 0; i < op.dim; i++) y[i] = s ? u[i] / s[i] : u[i];
      return y;
    });
    const solve = method === 'lanczos' ? lanczos : method === 'lobpcg' ? lobpcg : power;
    if (!Number.isInteger(guard) || guard < 0) throw new Error(`${fn}: guard must be a non-negative integer, got ${guard}`);
    if (!(valueTol >= 0 && valueTol < 1)) throw new Error(`${fn}: valueTol must lie in [0, 1) (0 = off; 1e-5 to track sharpness), got ${valueTol}`);
    if (valueTol > 0 && method !== 'lobpcg') throw new Error(`${fn}: valueTol applies to method 'lobpcg' only (got '${method}'); drop it or use lobpcg`);
    if (watch && (method !== 'lobpcg' || !Number.isFinite(watch.below) || !(watch.valueTol > 0 && watch.valueTol < 1))) {
      throw new Error(`${fn}: watch must be { below: finite number, valueTol in (0, 1) } with method 'lobpcg', got ${JSON.stringify(watch)} and '${method}'`);
    }
    const r: SolverResult = await solve(op, { k, tol, maxIter, start, rng: rng(seed), guard, valueTol, watch });
    alignSigns(r.vectors, start);
    const vectors = r.vectors.map((y) => {
      const u = new Float32Array(op.dim);
      for (let i = 0; i < op.dim; i++) u[i] = s ? y[i] * s[i] : y[i];
      return u;
    });
    return { values: r.values, vectors, hvps: op.hvps, residuals: r.residuals, converged: r.converged, iterations: r.iterations };
  } finally {
    op.dispose();
  }
}

/**
 * Flips each vector to agree in sign with the reference it overlaps most (so tracked eigenvectors
 * keep their orientation); without references the largest-magnitude entry is made positive.
 * @example alignSigns(newVectors, previousVectors)
 */
export function alignSigns(vectors: Float64Array[], refs: ArrayLike<number>[]): void {
  for (const v of vectors) {
    let sign = 1;
    if (refs.length) {
      let best = 0;
      for (const ref of refs) {
        const o = dot(v, ref as Float64Array);
        if (Math.abs(o) > Math.abs(best)) best = o;
      }
      sign = best < 0 ? -1 : 1;
    } else {
      let big = 0;
      for (let i = 0; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(big)) big = v[i];
      sign = big < 0 ? -1 : 1;
    }
    if (sign < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  }
}
