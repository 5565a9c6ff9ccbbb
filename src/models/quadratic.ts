/**
 * Quadratic objectives L(w) = ½ wᵀHw: the closed-form landscape every teaching notebook starts with
 * (GD on it is stable iff η < 2/λ_max — the edge-of-stability threshold).
 */
import { problem } from '../tensor/problem.js';
import { tf } from '../tensor/tf.js';
import type { Problem } from '../tensor/types.js';
import { rng } from '../data/random.js';
import { randomOrthogonal } from '../data/synthetic/sequences.js';

/** A quadratic Problem with its Hessian (row-major float64) and, when built from a spectrum, its eigenvectors (rows). */
export interface QuadraticProblem extends Problem {
  readonly H: Float64Array;
  readonly eigenvalues?: number[];
  readonly eigenvectors?: Float64Array;
  /** Frees H's tensor. */
  dispose(): void;
}

/**
 * L(w) = ½ wᵀ H w, from a symmetric H (nested arrays or row-major flat of length d²) or from a
 * spectrum: H = Qᵀ diag(λ) Q with Q a seeded random orthogonal matrix (rows = eigenvectors).
 * Derivatives: ∇L = Hw, ∇²L = H, third derivative 0.
 * @example const P = quadratic({ spectrum: [10, 1, 0.1], seed: 0 }); // sharpness 10
 */
export function quadratic(opts: { H: number[][] | ArrayLike<number> } | { spectrum: number[]; seed?: number }): QuadraticProblem {
  let H: Float64Array;
  let d: number;
  let eigenvalues: number[] | undefined;
  let eigenvectors: Float64Array | undefined;
  if ('spectrum' in opts) {
    const lam = opts.spectrum;
    if (!Array.isArray(lam) || lam.length === 0 || lam.some((v) => !Number.isFinite(v))) {
      throw new Error('quadratic: spectrum must be a non-empty array of finite eigenvalues, e.g. [10, 1]');
    }
    d = lam.length;
    const Q = randomOrthogonal(d, rng(opts.seed ?? 0));
    H = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += Q[k * d + i] * lam[k] * Q[k * d + j];
      H[i * d + j] = s;
    }
    eigenvalues = [...lam];
    eigenvectors = Q;
  } else if ('H' in opts) {
    const src = opts.H;
    if (Array.isArray(src) && Array.isArray(src[0])) {
      d = src.length;
      H = new Float64Array(d * d);
      (src as number[][]).forEach((row, i) => {
        if (row.length !== d) throw new Error(`quadratic: H must be square; row ${i} has ${row.length} entries, expected ${d}`);
        row.forEach((v, j) => (H[i * d + j] = v));
      });
    } else {
      const flat = Float64Array.from(src as ArrayLike<number>);
      d = Math.round(Math.sqrt(flat.length));
      if (d * d !== flat.length) throw new Error(`quadratic: flat H must have d² entries, got ${flat.length}`);
      H = flat;
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) {
      const a = H[i * d + j];
      const b = H[j * d + i];
      if (!(Math.abs(a - b) <= 1e-6 * (1 + Math.abs(a) + Math.abs(b)))) throw new Error(`quadratic: H must be symmetric; H[${i}][${j}] = ${a} but H[${j}][${i}] = ${b}`);
    }
  } else {
    throw new Error('quadratic: pass { H } (a symmetric matrix) or { spectrum, seed }');
  }
  const Ht = tf.keep(tf.tensor2d(Float32Array.from(H), [d, d]));
  const P = problem((w) => tf.mul(0.5, tf.sum(tf.mul(w, tf.reshape(tf.matMul(Ht, tf.reshape(w, [d, 1])), [d])))) as tf.Scalar, {
    dim: d,
    name: `quadratic[d=${d}]`,
  });
  return Object.assign(P, { H, eigenvalues, eigenvectors, dispose: () => Ht.dispose() });
}
