/**
 * Tracking of the top effective eigenpairs along a flow, in the symmetric form
 * M = P^{-1/2} H P^{-1/2} (eigenvalues of P⁻¹H; generalised eigenvectors U = P^{-1/2} y, UᵀPU = I).
 * Follows every eigenvalue above `threshold`, adding a random direction whenever the smallest
 * tracked one exceeds it, warm-started from the last vectors with signs aligned (as in the official
 * central-flows code, src/eig_solvers.py).
 * The full solves are src/landscape's EigenTracker (LOBPCG); the substeps between solves use
 * Rayleigh quotients of the cached vectors, which come out of the substep's own derivative pass
 * (step.ts). A solve is async: it reads what LOBPCG reads (and, for RMSProp, the diagonal of P it
 * preconditions with).
 */
import { tf } from '../tensor/tf.js';
import { read } from '../tensor/read.js';
import type { Problem, Tensor1D, Tensor2D } from '../tensor/types.js';
import { EigenTracker } from '../landscape/index.js';
import type { Diag } from './rules.js';

/** Top effective eigenpairs: values descending, `symU` rows = unit eigenvectors of P^{-1/2}HP^{-1/2}. */
export interface TrackedEigs {
  values: number[];
  symU: Tensor2D;
  hvps: number;
}

/** Warm-started tracker of every effective eigenvalue above `threshold` (module doc), built on src/landscape's EigenTracker. */
export class FlowEigTracker {
  private readonly inner: EigenTracker;
  constructor(private readonly P: Problem, opts: { threshold: number; tol?: number; maxIter?: number; seed?: number }) {
    // dropBelow −∞: like the official code, never stop tracking a pair once found. Pairs below the
    // threshold stop on a 1e-3 change of their value: they only watch for the next eigenvalue rising
    // (they never enter the SDCP, and their vectors are warm starts for the next solve); converging
    // their residuals to tol inside a cluster of bulk eigenvalues was most of a solve's HVPs.
    this.inner = new EigenTracker(P, { threshold: opts.threshold, dropBelow: -Infinity, tol: opts.tol ?? 1e-5, maxIter: opts.maxIter ?? 200, seed: opts.seed ?? 0, method: 'lobpcg', watchValueTol: 1e-3 });
  }

  /** Re-solves at (w, P = diag p) and returns the tracked pairs (async; caller owns `symU`). */
  async update(w: Tensor1D, p: Diag): Promise<TrackedEigs> {
    const dim = this.P.dim;
    const pArr = await preconditionerArray(p, dim);
    const r = await this.inner.update(w, { preconditioner: pArr });
    const k = r.vectors.length;
    const flat = new Float32Array(k * dim);
    r.vectors.forEach((v, j) => flat.set(v, j * dim));
    const symU = tf.tidy(() => {
      const U = tf.tensor2d(flat, [k, dim]);
      const y = tf.mul(U, typeof p === 'number' ? Math.sqrt(p) : tf.sqrt(p));
      return tf.div(y, tf.norm(y, 2, 1, true));
    }) as Tensor2D;
    return { values: r.values, symU, hvps: r.hvps };
  }
}

/** The diagonal of P as host data for the eigensolver (a number or a scalar tensor fills it; one read unless p is a number). */
async function preconditionerArray(p: Diag, dim: number): Promise<Float32Array> {
  if (typeof p === 'number') return new Float32Array(dim).fill(p);
  const v = await read(p);
  return p.rank === 0 ? new Float32Array(dim).fill(v[0]) : v;
}
