/**
 * The oscillation covariance Σ = Σᵢⱼ Xᵢⱼ Uᵢ Uⱼᵀ of a central flow, summarised: eigenvalues of X
 * (P-normalised units, the SDCP's variable), eigenvalues σ²ᵢ of Σ in weight space, and optionally
 * Σ's unit eigenvectors eᵢ (E[(eᵢᵀδ)²] = σ²ᵢ for the oscillation δ = w_optimizer − w_flow).
 * With K = UUᵀ: σ² = eig(K^{½} X K^{½}), eᵢ = Uᵀ K^{-½} zᵢ.
 */
import { tf } from '../tensor/tf.js';
import { readTidy } from './point.js';
import type { Tensor1D, Tensor2D } from '../tensor/types.js';
import { symEig } from './dense.js';
import type { Diag } from './rules.js';

/** Eigen-summary of Σ (module doc). With no critical direction, `directions` holds the top tracked eigenvector. */
export function sigmaDirections(U: Tensor2D | null, X: Float64Array, k: number, wantDirections: boolean, symU: Tensor2D, pis: Diag): { x: number[]; sigma2: number[]; directions: Float32Array[] } {
  if (!U || k === 0) {
    const directions = wantDirections ? [Float32Array.from(readTidy(() => {
      const u = tf.mul(symU.slice([0, 0], [1, -1]), pis as Tensor1D);
      return tf.div(u, tf.norm(u));
    }))] : [];
    return { x: [], sigma2: [], directions };
  }
  const x = Array.from(symEig(X, k).values);
  const K = readTidy(() => tf.matMul(U, U, false, true));
  const ke = symEig(K, k);
  const half = new Float64Array(k * k);
  const invHalf = new Float64Array(k * k);
  for (let r = 0; r < k; r++) {
    const l = Math.max(ke.values[r], 1e-300);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const vv = ke.vectors[r * k + i] * ke.vectors[r * k + j];
      half[i * k + j] += Math.sqrt(l) * vv;
      invHalf[i * k + j] += vv / Math.sqrt(l);
    }
  }
  const M = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += half[i * k + a] * X[a * k + b] * half[b * k + j];
    M[i * k + j] = s;
  }
  const me = symEig(M, k);
  const sigma2 = Array.from(me.values, (v) => Math.max(v, 0));
  let directions: Float32Array[] = [];
  if (wantDirections) {
    const C = new Float32Array(k * k); // row i: c_i = K^{-½} z_i
    for (let i = 0; i < k; i++) for (let a = 0; a < k; a++) {
      let s = 0;
      for (let b = 0; b < k; b++) s += invHalf[a * k + b] * me.vectors[i * k + b];
      C[i * k + a] = s;
    }
    const E = tf.tidy(() => {
      const e = tf.matMul(tf.tensor2d(C, [k, k]), U);
      return tf.div(e, tf.norm(e, 2, 1, true));
    });
    const flat = E.dataSync() as Float32Array;
    E.dispose();
    const dim = U.shape[1];
    directions = Array.from({ length: k }, (_, i) => Float32Array.from(flat.subarray(i * dim, (i + 1) * dim)));
  }
  return { x, sigma2, directions };
}
