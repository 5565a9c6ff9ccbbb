/**
 * The oscillation covariance Σ = Σᵢⱼ Xᵢⱼ Uᵢ Uⱼᵀ of a central flow, summarised: eigenvalues of X
 * (P-normalised units, the SDCP's variable), eigenvalues σ²ᵢ of Σ in weight space, and optionally
 * Σ's unit eigenvectors eᵢ (E[(eᵢᵀδ)²] = σ²ᵢ for the oscillation δ = w_optimizer − w_flow).
 * With K = UUᵀ: σ² = eig(K^{½} X K^{½}), eᵢ = Uᵀ K^{-½} zᵢ.
 *
 * Split by the tensor-read rule: `sigmaInput` builds the one tensor to read (synchronous, no read;
 * the flow reads it with the step's other values) and `sigmaDirections` does the small dense math
 * in float64 on the host.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor2D } from '../tensor/types.js';
import { symEig } from './dense.js';
import type { Diag } from './rules.js';

/**
 * The tensor `sigmaDirections` needs (a new tensor the caller reads and disposes): K = UUᵀ [k, k];
 * U itself [k, dim] when directions are wanted (K is then formed on the host in float64); with no
 * critical direction, the top tracked unit direction [dim] when directions are wanted, else null.
 */
export function sigmaInput(U: Tensor2D | null, k: number, wantDirections: boolean, symU: Tensor2D, pis: Diag): tf.Tensor | null {
  if (!U || k === 0) {
    if (!wantDirections) return null;
    return tf.tidy(() => {
      const u = tf.reshape(tf.mul(symU.slice([0, 0], [1, -1]), pis), [-1]);
      return tf.div(u, tf.norm(u));
    });
  }
  return wantDirections ? tf.clone(U) : tf.tidy(() => tf.matMul(U, U, false, true));
}

/**
 * Eigen-summary of Σ (module doc) from the values read for `sigmaInput` (host only). X: row-major
 * k×k. With no critical direction, `directions` holds the top tracked eigenvector.
 */
export function sigmaDirections(input: Float32Array | null, X: Float64Array, k: number, dim: number, wantDirections: boolean): { x: number[]; sigma2: number[]; directions: Float32Array[] } {
  if (k === 0) return { x: [], sigma2: [], directions: wantDirections && input ? [Float32Array.from(input)] : [] };
  if (!input) throw new Error('sigmaDirections: the values of sigmaInput are required when k > 0.');
  const x = Array.from(symEig(X, k).values);
  let K: Float64Array;
  if (wantDirections) {
    K = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = i; j < k; j++) {
      let s = 0;
      for (let d = 0, a = i * dim, b = j * dim; d < dim; d++) s += input[a + d] * input[b + d];
      K[i * k + j] = s;
      K[j * k + i] = s;
    }
  } else {
    K = Float64Array.from(input);
  }
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
  const directions: Float32Array[] = [];
  if (wantDirections) {
    for (let i = 0; i < k; i++) {
      // c_i = K^{-½} z_i, e_i = Uᵀ c_i / ‖Uᵀ c_i‖ (float64 accumulation)
      const c = Array.from({ length: k }, (_, a) => {
        let s = 0;
        for (let b = 0; b < k; b++) s += invHalf[a * k + b] * me.vectors[i * k + b];
        return s;
      });
      const e = new Float64Array(dim);
      for (let a = 0; a < k; a++) for (let d = 0, o = a * dim; d < dim; d++) e[d] += c[a] * input[o + d];
      let n = 0;
      for (let d = 0; d < dim; d++) n += e[d] * e[d];
      n = Math.sqrt(n) || 1;
      directions.push(Float32Array.from(e, (v) => v / n));
    }
  }
  return { x, sigma2, directions };
}
