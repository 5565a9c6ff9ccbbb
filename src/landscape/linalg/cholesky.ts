/**
 * Cholesky factorisation A = L Lᵀ of a symmetric positive-definite matrix, and the triangular
 * solves that go with it (Golub & Van Loan §4.2).
 */
import { checkSquare } from './sort.js';

/**
 * Lower-triangular L (row-major n×n) with A = L Lᵀ. Throws when A is not positive definite.
 * @example
 * cholesky(new Float64Array([4, 2, 2, 3]), 2) // [2, 0, 1, √2]
 */
export function cholesky(A: ArrayLike<number>, n: number): Float64Array {
  checkSquare(A, n, 'cholesky');
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j];
    for (let k = 0; k < j; k++) s -= L[j * n + k] ** 2;
    if (!(s > 0)) {
      throw new Error(`cholesky: A is not positive definite (pivot ${j} is ${s}); pass a symmetric positive-definite matrix or add a small multiple of the identity`);
    }
    const ljj = Math.sqrt(s);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / ljj;
    }
  }
  return L;
}

/**
 * Solves L X = B (forward substitution) for lower-triangular L (n×n) and row-major B (n×m).
 * @example const y = solveLower(cholesky(A, n), b, n); // L y = b
 */
export function solveLower(L: Float64Array, B: ArrayLike<number>, n: number, m = 1): Float64Array {
  const X = Float64Array.from(B);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = X[i * m + c];
      for (let k = 0; k < i; k++) s -= L[i * n + k] * X[k * m + c];
      X[i * m + c] = s / L[i * n + i];
    }
  }
  return X;
}

/**
 * Solves Lᵀ X = B (back substitution) for lower-triangular L (n×n) and row-major B (n×m).
 * @example const x = solveLowerTransposed(L, solveLower(L, b, n), n); // A x = b with A = LLᵀ
 */
export function solveLowerTransposed(L: Float64Array, B: ArrayLike<number>, n: number, m = 1): Float64Array {
  const X = Float64Array.from(B);
  for (let c = 0; c < m; c++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = X[i * m + c];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * X[k * m + c];
      X[i * m + c] = s / L[i * n + i];
    }
  }
  return X;
}
