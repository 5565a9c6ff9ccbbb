/**
 * Symmetric eigendecomposition by cyclic Jacobi rotations: slow (O(n³) per sweep) but accurate to
 * full float64 relative precision, the reference solver for dense Hessians of small models.
 * Jacobi (1846); Golub & Van Loan, Matrix Computations, §8.5.
 */
import { sortEig, type SymEig, checkSquare } from './sort.js';

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric n×n row-major matrix A,
 * A = V diag(λ) Vᵀ, by cyclic Jacobi sweeps until the off-diagonal mass is below 1e-15·‖A‖_F.
 * Column j of `vectors` (row-major, `vectors[i*n + j]`) is the eigenvector of `values[j]`.
 * @example
 * const { values } = eighJacobi(new Float64Array([2, 1, 1, 2]), 2); // [1, 3]
 */
export function eighJacobi(A: ArrayLike<number>, n: number, { maxSweeps = 100 } = {}): SymEig {
  checkSquare(A, n, 'eighJacobi');
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i] * a[i];
  const tol = 1e-30 * Math.max(total, 1e-300);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q] ** 2;
    if (off <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(a, v, n, p, q, c, s);
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return sortEig(values, v, n);
}

/** A ← Gᵀ A G and V ← V G for the Givens rotation G in the (p, q) plane. */
function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p], akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k], aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  a[p * n + q] = 0;
  a[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p], vkq = v[k * n + q];
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}
