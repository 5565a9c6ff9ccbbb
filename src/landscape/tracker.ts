/**
 * EigenTracker: follows every Hessian eigenvalue above a threshold along a trajectory, warm-
 * starting LOBPCG from the previous eigenvectors (signs aligned), adding a random column when the
 * smallest tracked value exceeds the threshold and dropping columns that fall well below it, as
 * the central-flows code tracks its critical eigenvalues (Cohen, Damian, Talwalkar, Kolter & Lee,
 * ICLR 2025, arXiv:2410.24206).
 */
import type { Problem } from '../tensor/types.js';
import { tf } from '../tensor/tf.js';
import { topEigenpairs, type EigenOptions } from './eigenpairs.js';
import { checkProblem, pointTensor, type Point } from './operator.js';
import { readAndDispose } from '../tensor/read.js';

/** Options of EigenTracker (defaults in brackets). */
export interface TrackerOptions {
  /** Track every eigenvalue with scale·λ above this [1.5]. */
  threshold?: number;
  /** Units factor: thresholds compare scale·λ (e.g. η for GD so that EoS is 2) [1]. */
  scale?: number;
  /** Drop tracked pairs with scale·λ below this [0.75·threshold]; the top pair is always kept. */
  dropBelow?: number;
  /** Most pairs tracked at once [32]. */
  maxTracked?: number;
  /** Solver ['lobpcg'], tolerance [1e-5], iterations [200], seed [0]. */
  method?: EigenOptions['method'];
  tol?: number;
  maxIter?: number;
  seed?: number;
  /** LOBPCG's eigenvalue-change stopping test (see topEigenpairs) [0 = off]. */
  valueTol?: number;
  /**
   * The same test for tracked pairs below the threshold only (the extra pair kept to notice the
   * next eigenvalue rising: its value matters, not its vector) [0 = off].
   */
  watchValueTol?: number;
}

/** One tracking step's result (values raw, descending; `scaled` = scale·values). */
export interface TrackerStep {
  values: number[];
  scaled: number[];
  vectors: Float32Array[];
  hvps: number;
}

/**
 * Tracks the top eigenpairs of H(w) (or of diag(p)⁻¹H with a preconditioner) step by step.
 * `update` and `rayleigh` are async (they read HVPs).
 * @example
 * const tr = new fl.landscape.EigenTracker(P, { threshold: 1.5, scale: lr });
 * for (...) { const { values, vectors, hvps } = await tr.update(w); }
 */
export class EigenTracker {
  readonly P: Problem;
  readonly threshold: number;
  readonly scale: number;
  readonly dropBelow: number;
  readonly maxTracked: number;
  private readonly solver: Required<Pick<TrackerOptions, 'method' | 'tol' | 'maxIter' | 'seed' | 'valueTol'>> & Pick<EigenOptions, 'watch'>;
  /** Current tracked eigenvalues (raw units, descending) and eigenvectors. */
  values: number[] = [];
  vectors: Float32Array[] = [];
  private calls = 0;

  constructor(P: Problem, { threshold = 1.5, scale = 1, dropBelow, maxTracked = 32, method = 'lobpcg', tol = 1e-5, maxIter = 200, seed = 0, valueTol = 0, watchValueTol = 0 }: TrackerOptions = {}) {
    checkProblem(P, 'EigenTracker');
    if (!Number.isFinite(threshold)) throw new Error(`EigenTracker: threshold must be a finite number, got ${threshold}`);
    if (!(scale > 0)) throw new Error(`EigenTracker: scale must be > 0 (e.g. the learning rate), got ${scale}`);
    this.P = P;
    this.threshold = threshold;
    this.scale = scale;
    this.dropBelow = dropBelow ?? 0.75 * threshold;
    this.maxTracked = Math.min(maxTracked, P.dim);
    this.solver = { method, tol, maxIter, seed, valueTol, ...(watchValueTol > 0 ? { watch: { below: threshold / scale, valueTol: watchValueTol } } : {}) };
  }

  /** Re-solves at w warm-started from the tracked vectors; grows/shrinks the tracked set. Async. */
  async update(w: Point, { preconditioner }: { preconditioner?: ArrayLike<number> } = {}): Promise<TrackerStep> {
    let k = Math.max(1, this.vectors.length);
    let warm = this.vectors;
    let hvps = 0;
    for (;;) {
      const r = await topEigenpairs(this.P, w, { ...this.solver, k, warmStart: warm, preconditioner, seed: this.solver.seed + this.calls++ });
      hvps += r.hvps;
      warm = r.vectors;
      this.values = r.values;
      this.vectors = r.vectors;
      const smallest = r.values[r.values.length - 1] * this.scale;
      if (smallest > this.threshold && k < this.maxTracked) { k++; continue; }
      break;
    }
    let keep = this.values.findIndex((v) => v * this.scale < this.dropBelow);
    if (keep === -1) keep = this.values.length;
    keep = Math.max(1, keep);
    this.values = this.values.slice(0, keep);
    this.vectors = this.vectors.slice(0, keep);
    return { values: [...this.values], scaled: this.values.map((v) => v * this.scale), vectors: [...this.vectors], hvps };
  }

  /**
   * Rayleigh quotients of cached vectors at w, without re-solving: M = UᵀH(w)U (k×k, row-major)
   * and its diagonal, for k HVPs (one hvpBatch, one read). With preconditioned vectors (UᵀDU = I)
   * these are effective values. Async.
   */
  async rayleigh(w: Point, vectors: ArrayLike<number>[] = this.vectors): Promise<{ values: number[]; matrix: Float64Array; hvps: number }> {
    const k = vectors.length;
    const dim = this.P.dim;
    if (k === 0) return { values: [], matrix: new Float64Array(0), hvps: 0 };
    const flat = new Float32Array(k * dim);
    vectors.forEach((v, j) => {
      if (v.length !== dim) throw new Error(`EigenTracker.rayleigh: vectors[${j}] must have length P.dim = ${dim}`);
      for (let i = 0; i < dim; i++) flat[j * dim + i] = v[i];
    });
    const { t: wt, owned } = pointTensor(this.P, w, 'EigenTracker.rayleigh');
    let HU: Float32Array;
    try {
      [HU] = await readAndDispose([tf.tidy(() => this.P.hvpBatch(wt, tf.tensor2d(flat, [k, dim])))]);
    } finally {
      if (owned) wt.dispose();
    }
    const M = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += flat[a * dim + i] * HU[b * dim + i];
      M[a * k + b] = s;
    }
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) {
      const s = 0.5 * (M[a * k + b] + M[b * k + a]);
      M[a * k + b] = s; M[b * k + a] = s;
    }
    return { values: Array.from({ length: k }, (_, a) => M[a * k + a]), matrix: M, hvps: k };
  }

  /** Forgets the tracked vectors (the next update starts cold). */
  reset(): void {
    this.values = [];
    this.vectors = [];
  }
}
