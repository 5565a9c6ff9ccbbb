/**
 * Spectral density of the Hessian by stochastic Lanczos quadrature (Golub & Meurant 1994; Ghorbani,
 * Krishnan & Xiao 2019, arXiv:1901.10159; PyHessian, Yao et al. 2020, arXiv:1912.07145).
 */
import type { Problem } from '../tensor/types.js';
import { throwIfInterrupted } from '../runtime/index.js';
import { orthogonalizeAgainst } from './linalg/qr.js';
import { tridiagonalEigh } from './linalg/tridiagonal.js';
import { axpy, dot, norm, scale } from './linalg/vec.js';
import { hessianOperator, type Point, type SymOperator } from './operator.js';
import { rademacherVector, rng, type Rng } from './random.js';

/** Options of spectrumDensity (defaults in brackets). */
export interface DensityOptions {
  /** Lanczos steps per run [100] (capped by the dimension). */
  iters?: number;
  /** Independent Rademacher starts averaged [1]. */
  runs?: number;
  /** Grid points [10000]. */
  grid?: number;
  /** Gaussian kernel variance [1e-5·max(1, λmax − λmin)]. */
  sigma2?: number;
  seed?: number;
}

/** The smoothed density on its grid plus the raw quadrature (nodes and weights, Σ weights = 1). */
export interface SpectrumDensity {
  grid: Float64Array;
  density: Float64Array;
  nodes: number[];
  weights: number[];
  sigma2: number;
  hvps: number;
}

/**
 * φ(t) = (1/runs) Σ_runs Σ_i τᵢ N(t; θᵢ, σ²): θᵢ the eigenvalues of the Lanczos tridiagonal T (full
 * re-orthogonalisation, from a normalised Rademacher start), τᵢ the squared first components of
 * T's eigenvectors. Unlike PyHessian's stored code T is diagonalised by a symmetric tridiagonal
 * solver. The grid spans [min θ − pad, max θ + pad], pad = max(0.01, 5σ); φ is normalised so
 * that its trapezoid integral is 1. Defaults: iters = 100, runs = 1, grid = 10000.
 * Async: one read per Lanczos step.
 * @example const { grid, density } = await spectrumDensity(P, w, { iters: 80 });
 */
export async function spectrumDensity(P: Problem, w: Point, { iters = 100, runs = 1, grid = 10000, sigma2, seed = 0 }: DensityOptions = {}): Promise<SpectrumDensity> {
  if (!Number.isInteger(iters) || iters < 1) throw new Error(`spectrumDensity: iters must be a positive integer, got ${iters}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`spectrumDensity: runs must be a positive integer, got ${runs}`);
  if (!Number.isInteger(grid) || grid < 2) throw new Error(`spectrumDensity: grid must be an integer ≥ 2, got ${grid}`);
  const op = hessianOperator(P, w, {}, 'spectrumDensity');
  const r = rng(seed);
  const nodes: number[] = [], weights: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const { alpha, beta } = await lanczosTridiagonal(op, Math.min(iters, op.dim), r);
      const { values, vectors } = tridiagonalEigh(alpha, beta);
      const m = alpha.length;
      for (let i = 0; i < m; i++) {
        nodes.push(values[i]);
        weights.push(vectors[i] ** 2 / runs); // first row of the eigenvector matrix
      }
    }
  } finally {
    op.dispose();
  }
  const lo = Math.min(...nodes), hi = Math.max(...nodes);
  const s2 = sigma2 ?? 1e-5 * Math.max(1, hi - lo);
  const sd = Math.sqrt(s2);
  const pad = Math.max(0.01, 5 * sd);
  const xs = new Float64Array(grid), ys = new Float64Array(grid);
  const step = (hi - lo + 2 * pad) / (grid - 1);
  for (let g = 0; g < grid; g++) xs[g] = lo - pad + g * step;
  const c = 1 / Math.sqrt(2 * Math.PI * s2);
  for (let i = 0; i < nodes.length; i++) {
    const g0 = Math.max(0, Math.floor((nodes[i] - 8 * sd - xs[0]) / step));
    const g1 = Math.min(grid - 1, Math.ceil((nodes[i] + 8 * sd - xs[0]) / step));
    for (let g = g0; g <= g1; g++) ys[g] += weights[i] * c * Math.exp(-((xs[g] - nodes[i]) ** 2) / (2 * s2));
  }
  let integral = 0;
  for (let g = 0; g < grid - 1; g++) integral += 0.5 * (ys[g] + ys[g + 1]) * step;
  for (let g = 0; g < grid; g++) ys[g] /= integral;
  return { grid: xs, density: ys, nodes, weights, sigma2: s2, hvps: op.hvps };
}

/**
 * m steps of Lanczos with full re-orthogonalisation from a normalised Rademacher vector:
 * the diagonal α and off-diagonal β of T. Stops early at an invariant subspace (β ≈ 0), where
 * the quadrature is already exact. Async: one operator read per step.
 * @example const { alpha, beta } = await lanczosTridiagonal(hessianOperator(P, w), 50, rng(0));
 */
export async function lanczosTridiagonal(op: SymOperator, m: number, r: Rng): Promise<{ alpha: Float64Array; beta: Float64Array }> {
  const Q: Float32Array[] = [];
  const alpha: number[] = [], beta: number[] = [];
  let q = rademacherVector(op.dim, r);
  scale(q, 1 / norm(q));
  for (let j = 0; j < m; j++) {
    throwIfInterrupted();
    Q.push(new Float32Array(q));
    const [Hq] = await op.apply([q]);
    const a = dot(q, Hq);
    alpha.push(a);
    // three-term recurrence first, then full re-orthogonalisation (usually a single pass)
    axpy(Hq, -a, q);
    if (j > 0) axpy(Hq, -beta[j - 1], Q[j - 1]);
    orthogonalizeAgainst(Hq, Q);
    const b = norm(Hq);
    if (j === m - 1 || b <= 1e-10 * Math.max(1, Math.abs(a))) break;
    beta.push(b);
    q = scale(Hq, 1 / b) as Float64Array;
  }
  return { alpha: new Float64Array(alpha), beta: new Float64Array(beta) };
}
