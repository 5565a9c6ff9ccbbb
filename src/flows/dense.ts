/**
 * Small dense symmetric linear algebra in Float64Array for the central-flow SDCP (sizes k ≤ ~16,
 * or k² for the operator β). Row-major storage throughout.
 * The eigensolver itself is src/landscape's; this file adapts its layout and adds the PSD
 * helpers the SDCP solvers need.
 */
import { eighJacobi } from '../landscape/linalg/index.js';

/** Eigen-decomposition of a symmetric matrix: values descending, `vectors[i*n + j]` = j-th entry of eigenvector i. */
export interface SymEig {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix in the layout the SDCP code uses (values
 * descending, eigenvectors as ROWS), computed by src/landscape's Jacobi solver on (A + Aᵀ)/2.
 * @example symEig(new Float64Array([2, 1, 1, 2]), 2).values // [3, 1]
 */
export function symEig(A: Float64Array, n: number): SymEig {
  if (A.length !== n * n) throw new Error(`symEig: A has ${A.length} entries, expected n*n = ${n * n}; pass a row-major n×n matrix.`);
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (A[i * n + j] + A[j * n + i]);
  const { values: asc, vectors: cols } = eighJacobi(sym, n);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const c = n - 1 - r; // ascending columns → descending rows
    values[r] = asc[c];
    for (let k = 0; k < n; k++) vectors[r * n + k] = cols[k * n + c];
  }
  return { values, vectors };
}

/** Projection of a symmetric matrix onto the PSD cone (clip negative eigenvalues to 0). */
export function projectPsd(A: Float64Array, n: number): Float64Array {
  const { values, vectors } = symEig(A, n);
  const out = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const lam = values[r];
    if (lam <= 0) continue;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] += lam * vectors[r * n + i] * vectors[r * n + j];
  }
  return out;
}

/** Smallest eigenvalue of a symmetric matrix. */
export function minEig(A: Float64Array, n: number): number {
  return n === 0 ? 0 : symEig(A, n).values[n - 1];
}

/** Frobenius inner product ⟨A, B⟩. */
export function frob(A: Float64Array, B: Float64Array): number {
  let s = 0;
  for (let i = 0; i < A.length; i++) s += A[i] * B[i];
  return s;
}

/**
 * Solves the square system M x = b (n×n, row-major) by Gaussian elimination with partial
 * pivoting; returns null when M is numerically singular.
 */
export function solveLinear(M: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const a = Float64Array.from(M);
  const x = Float64Array.from(b);
  let scale = 0;
  for (const m of a) scale = Math.max(scale, Math.abs(m));
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    if (Math.abs(a[piv * n + c]) <= 1e-13 * scale) return null;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [a[c * n + k], a[piv * n + k]] = [a[piv * n + k], a[c * n + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= a[r * n + k] * x[k];
    x[r] = s / a[r * n + r];
  }
  return x;
}
