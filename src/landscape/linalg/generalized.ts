/**
 * The generalised symmetric-definite eigenproblem A x = λ B x via Cholesky: with B = LLᵀ,
 * C = L⁻¹ A L⁻ᵀ is symmetric with the same eigenvalues, and x = L⁻ᵀ y (Golub & Van Loan §8.7).
 */
import { cholesky, solveLower, solveLowerTransposed } from './cholesky.js';
import { eigh } from './eigh.js';
import { checkSquare, type SymEig } from './sort.js';

/**
 * Eigenvalues (ascending) of A x = λ B x for symmetric A and symmetric positive-definite B, with
 * B-orthonormal eigenvectors (XᵀBX = I) as the columns of the row-major n×n `vectors`.
 * @example
 * eighGeneralized(new Float64Array([2, 0, 0, 6]), new Float64Array([1, 0, 0, 2]), 2).values // Float64Array [2, 3]
 */
export function eighGeneralized(A: ArrayLike<number>, B: ArrayLike<number>, n: number): SymEig {
  checkSquare(A, n, 'eighGeneralized');
  checkSquare(B, n, 'eighGeneralized (B)');
  const L = cholesky(B, n);
  // C = L⁻¹ A L⁻ᵀ: first Y = L⁻¹ A, then C = (L⁻¹ Yᵀ)ᵀ = L⁻¹ A L⁻ᵀ (A symmetric)
  const Y = solveLower(L, A, n, n);
  const Yt = transpose(Y, n);
  const C = transpose(solveLower(L, Yt, n, n), n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const s = 0.5 * (C[i * n + j] + C[j * n + i]);
    C[i * n + j] = s; C[j * n + i] = s;
  }
  const { values, vectors } = eigh(C, n);
  return { values, vectors: solveLowerTransposed(L, vectors, n, n) };
}

function transpose(M: Float64Array, n: number): Float64Array {
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) T[j * n + i] = M[i * n + j];
  return T;
}
