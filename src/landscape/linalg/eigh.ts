/**
 * Symmetric eigendecomposition by Householder tridiagonalisation followed by implicit QL:
 * O(n³) once, the fast dense solver (Golub & Van Loan §8.3). `eighJacobi` is the slower
 * high-accuracy alternative.
 */
import { checkSquare, type SymEig } from './sort.js';
import { tridiagonalEigh } from './tridiagonal.js';

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns of the row-major n×n `vectors`)
 * of the symmetric row-major matrix A = V diag(λ) Vᵀ.
 * @example
 * eigh(new Float64Array([2, 1, 1, 2]), 2).values // Float64Array [1, 3]
 */
export function eigh(A: ArrayLike<number>, n: number): SymEig {
  checkSquare(A, n, 'eigh');
  const { diag, offDiag, Q } = householderTridiagonal(A, n);
  return tridiagonalEigh(diag, offDiag, { start: Q });
}

/**
 * Householder reduction Qᵀ A Q = T (tridiagonal): returns T's diagonal, off-diagonal and the
 * orthogonal Q (row-major n×n). Each reflector H = I − 2vvᵀ updates A ← HAH = A − 2(vwᵀ + wvᵀ)
 * with p = Av, w = p − (vᵀp)v.
 * @example const { diag, offDiag, Q } = householderTridiagonal(A, n); // A = Q T Qᵀ
 */
export function householderTridiagonal(A: ArrayLike<number>, n: number): { diag: Float64Array; offDiag: Float64Array; Q: Float64Array } {
  const a = Float64Array.from(A);
  // symmetrise against tiny asymmetries of the input
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const s = 0.5 * (a[i * n + j] + a[j * n + i]);
    a[i * n + j] = s; a[j * n + i] = s;
  }
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const v = new Float64Array(n), p = new Float64Array(n), w = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let xnorm = 0;
    for (let i = k + 1; i < n; i++) xnorm += a[i * n + k] ** 2;
    xnorm = Math.sqrt(xnorm);
    if (xnorm === 0) continue;
    const x0 = a[(k + 1) * n + k];
    const alpha = x0 >= 0 ? -xnorm : xnorm;
    v.fill(0);
    for (let i = k + 1; i < n; i++) v[i] = a[i * n + k];
    v[k + 1] -= alpha;
    let vnorm = 0;
    for (let i = k + 1; i < n; i++) vnorm += v[i] * v[i];
    vnorm = Math.sqrt(vnorm);
    if (vnorm === 0) continue;
    for (let i = k + 1; i < n; i++) v[i] /= vnorm;
    let K = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[i * n + j] * v[j];
      p[i] = s;
      K += v[i] * s;
    }
    for (let i = 0; i < n; i++) w[i] = p[i] - K * v[i];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] -= 2 * (v[i] * w[j] + w[i] * v[j]);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += Q[i * n + j] * v[j];
      for (let j = k + 1; j < n; j++) Q[i * n + j] -= 2 * s * v[j];
    }
  }
  const diag = new Float64Array(n), offDiag = new Float64Array(Math.max(0, n - 1));
  for (let i = 0; i < n; i++) diag[i] = a[i * n + i];
  for (let i = 0; i < n - 1; i++) offDiag[i] = a[(i + 1) * n + i];
  return { diag, offDiag, Q };
}
