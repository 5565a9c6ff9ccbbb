/** Shared pieces of the iterative eigensolvers (Lanczos, LOBPCG, power). */
import { throwIfInterrupted } from '../../runtime/index.js';
import { gramSchmidt } from '../linalg/qr.js';
import { gaussianVector, type Rng } from '../random.js';

/** What every solver returns, in the operator's own (symmetrised) coordinates. */
export interface SolverResult {
  /** Ritz values, descending. */
  values: number[];
  /** Unit Ritz vectors, one per value. */
  vectors: Float64Array[];
  /** Relative residuals ‖Hx − θx‖ / max(|θ|, 1e-3·max|θ|). */
  residuals: number[];
  iterations: number;
  converged: boolean;
}

/** Options every solver takes. */
export interface SolverOptions {
  k: number;
  tol: number;
  maxIter: number;
  start: Float64Array[];
  rng: Rng;
  /** LOBPCG only: extra block columns kept in the Rayleigh–Ritz basis but never refined [0]. */
  guard?: number;
  /** LOBPCG only: also stop a pair once its Ritz value changes by ≤ valueTol·|θ| in one iteration [0 = off]. */
  valueTol?: number;
  /** LOBPCG only: pairs whose Ritz value is below `below` also stop on the value test at `valueTol` (pairs kept only to watch for the next eigenvalue) [off]. */
  watch?: { below: number; valueTol: number };
}

/** Relative residual with a floor on the denominator so near-zero eigenvalues stay meaningful. */
export function relativeResidual(res: number, theta: number, maxAbs: number): number {
  return res / Math.max(Math.abs(theta), 1e-3 * maxAbs, 1e-30);
}

/**
 * An orthonormal block of `b` vectors: the given start vectors first, topped up with Gaussian
 * vectors, orthogonal to `against`. Dependent vectors are replaced by fresh random ones.
 */
export function startBlock(dim: number, b: number, start: Float64Array[], rng: Rng, against: Float64Array[] | Float32Array[] = []): Float64Array[] {
  const block = start.slice(0, b).map((v) => new Float64Array(v));
  while (block.length < b) block.push(gaussianVector(dim, rng));
  for (let attempt = 0; attempt < 5; attempt++) {
    const { dropped } = gramSchmidt(block, { against });
    if (dropped.length === 0) return block;
    const keep = block.filter((_, i) => !dropped.includes(i));
    if (keep.length + against.length >= dim) return keep;
    block.length = 0;
    block.push(...keep);
    while (block.length < b) block.push(gaussianVector(dim, rng));
  }
  throw new Error('startBlock: could not build an independent start block (dimension too small for k?)');
}

/** Interrupt check once per solver iteration. */
export const checkInterrupt = throwIfInterrupted;
