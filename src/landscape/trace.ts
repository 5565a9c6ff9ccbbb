/**
 * Hutchinson's trace estimator tr(H) ≈ mean of zᵀHz over Rademacher z (Hutchinson 1990), as in
 * PyHessian (Yao et al. 2020, arXiv:1912.07145), with a standard error.
 */
import type { Problem } from '../tensor/types.js';
import { throwIfInterrupted } from '../runtime/index.js';
import { dot } from './linalg/vec.js';
import { hessianOperator, type Point } from './operator.js';
import { rademacherVector, rng } from './random.js';

/** Options of trace (defaults in brackets). */
export interface TraceOptions {
  /** Most probe vectors [100]. */
  samples?: number;
  /** Stop when the running mean changes by less than tol (relative) between batches [1e-3]. */
  tol?: number;
  /** Probes per hvpBatch call [10]; also the fewest probes used. */
  batch?: number;
  seed?: number;
}

/**
 * tr(H(w)) ≈ (1/m) Σ zᵢᵀ H zᵢ, zᵢ ∈ {±1}^d; stderr = sample std / √m. Defaults: samples = 100,
 * tol = 1e-3 (PyHessian's stopping rule on the running mean), batch = 10, seed = 0.
 * Async: one read per batch of probes (one hvpBatch).
 * @example const { value, stderr, samples } = await trace(P, w);
 */
export async function trace(P: Problem, w: Point, { samples = 100, tol = 1e-3, batch = 10, seed = 0 }: TraceOptions = {}): Promise<{ value: number; stderr: number; samples: number; hvps: number }> {
  if (!Number.isInteger(samples) || samples < 2) throw new Error(`trace: samples must be an integer ≥ 2, got ${samples}`);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`trace: batch must be a positive integer, got ${batch}`);
  const op = hessianOperator(P, w, {}, 'trace');
  const r = rng(seed);
  const est: number[] = [];
  let prev = NaN;
  try {
    while (est.length < samples) {
      throwIfInterrupted();
      const m = Math.min(batch, samples - est.length);
      const Z = Array.from({ length: m }, () => rademacherVector(op.dim, r));
      const HZ = await op.apply(Z);
      Z.forEach((z, i) => est.push(dot(z, HZ[i])));
      const mean = est.reduce((a, b) => a + b, 0) / est.length;
      if (est.length >= Math.max(2, batch) && Math.abs(mean - prev) / (Math.abs(prev) + 1e-6) < tol) break;
      prev = mean;
    }
  } finally {
    op.dispose();
  }
  const n = est.length;
  const mean = est.reduce((a, b) => a + b, 0) / n;
  const variance = est.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { value: mean, stderr: Math.sqrt(variance / n), samples: n, hvps: n };
}
