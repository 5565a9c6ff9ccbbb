/**
 * The oscillation covariance Σ = Σᵢⱼ Xᵢⱼ Uᵢ Uⱼᵀ of a central flow, summarised: eigenvalues of X
 * (P-normalised units, the SDCP's variable), eigenvalues σ²ᵢ of Σ in weight space, and optionally
 * Σ's unit eigenvectors eᵢ (E[(eᵢᵀδ)²] = σ²ᵢ for the oscillation δ = w_optimizer − w_flow).
 * With K = UUᵀ: σ² = eig(K^{½} X K^{½}), eᵢ = Uᵀ K^{-½} zᵢ.
 *
 * Split by the tensor-read rule: the flow reads U (or K = UUᵀ) of its substep's pass with the step's
 * other values (step.ts), `pickSigmaInput` keeps the critical rows, and `sigmaDirections` does the
 * small dense math in float64 on the host.
 */
import { symEig } from './dense.js';

/**
 * The input `sigmaDirections` needs for the critical directions `pick` (positions among the n rows
 * of a pass), from the values read for the pass: its rows of U (n×dim, when directions are wanted)
 * or the sub-block K_pick of K = UUᵀ (n×n). Host only.
 * @example pickSigmaInput(K, 3, [2, 0], false, dim) // [[K₂₂, K₂₀], [K₀₂, K₀₀]]
 */
export function pickSigmaInput(input: Float32Array, n: number, pick: readonly number[], wantDirections: boolean, dim: number): Float32Array {
  const k = pick.length;
  if (wantDirections) {
    const out = new Float32Array(k * dim);
    pick.forEach((r, a) => out.set(input.subarray(r * dim, (r + 1) * dim), a * dim));
    return out;
  }
  const out = new Float32Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) out[a * k + b] = input[pick[a] * n + pick[b]];
  return out;
}

/** Row r of a row-major [·, dim] array, scaled to unit length (float64 accumulation). Host only. */
export function unitRow(input: Float32Array, r: number, dim: number): Float32Array {
  const row = input.subarray(r * dim, (r + 1) * dim);
  let n = 0;
  for (let i = 0; i < dim; i++) n += row[i] * row[i];
  n = Math.sqrt(n) || 1;
  return Float32Array.from(row, (x) => x / n);
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
