/**
 * The symmetric tridiagonal eigenproblem by implicit QL with Wilkinson-like shifts. This is the
 * solver stochastic Lanczos quadrature needs for its Ritz nodes and weights (PyHessian's stored
 * code calls a general eigensolver on T instead; a symmetric solver keeps nodes real and the
 * weight vectors orthonormal). Golub & Van Loan §8.3; Bowdler, Martin, Reinsch & Wilkinson (1968).
 */
import { sortEig, type SymEig } from './sort.js';

/**
 * Eigenpairs of the symmetric tridiagonal T with diagonal `diag` (length n) and off-diagonal
 * `offDiag` (length n − 1, T[i, i+1] = offDiag[i]). Values ascending; `vectors` is row-major n×n
 * with column j the eigenvector of values[j]. Pass `start` (row-major m×n) to get start·Z instead
 * of Z (used to back-transform a Householder reduction).
 * @example
 * tridiagonalEigh([2, 2], [1]).values // Float64Array [1, 3]
 */
export function tridiagonalEigh(
  diag: ArrayLike<number>,
  offDiag: ArrayLike<number>,
  { start, rows }: { start?: Float64Array; rows?: number } = {},
): SymEig {
  const n = diag.length;
  if (offDiag.length !== Math.max(0, n - 1)) {
    throw new Error(`tridiagonalEigh: offDiag must have length diag.length − 1 = ${n - 1}, got ${offDiag.length}`);
  }
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = offDiag[i];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d[i]) || !Number.isFinite(e[i])) throw new Error('tridiagonalEigh: entries must be finite (NaN or ±Infinity found)');
  }
  const m = rows ?? n;
  const z = start ? Float64Array.from(start) : identity(n);
  if (z.length !== m * n) throw new Error(`tridiagonalEigh: start must be a row-major ${m}×${n} matrix`);
  for (let l = 0; l < n; l++) {
    for (let iter = 0; ; iter++) {
      let k = l;
      for (; k < n - 1; k++) {
        const dd = Math.abs(d[k]) + Math.abs(d[k + 1]);
        if (Math.abs(e[k]) <= Number.EPSILON * dd) break;
      }
      if (k === l) break;
      if (iter >= 100) throw new Error('tridiagonalEigh: QL iteration did not converge in 100 sweeps');
      qlSweep(d, e, z, m, n, l, k);
    }
  }
  return sortEig(d, z, n);
}

/** One implicit shifted QL sweep on the unreduced block l..k, accumulating rotations into z. */
function qlSweep(d: Float64Array, e: Float64Array, z: Float64Array, m: number, n: number, l: number, k: number): void {
  let g = (d[l + 1] - d[l]) / (2 * e[l]);
  let r = Math.hypot(g, 1);
  g = d[k] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
  let s = 1, c = 1, p = 0;
  let i = k - 1;
  for (; i >= l; i--) {
    const f = s * e[i];
    const b = c * e[i];
    r = Math.hypot(f, g);
    e[i + 1] = r;
    if (r === 0) {
      d[i + 1] -= p;
      e[k] = 0;
      return;
    }
    s = f / r;
    c = g / r;
    g = d[i + 1] - p;
    r = (d[i] - g) * s + 2 * c * b;
    p = s * r;
    d[i + 1] = g + p;
    g = c * r - b;
    for (let row = 0; row < m; row++) {
      const zi1 = z[row * n + i + 1], zi = z[row * n + i];
      z[row * n + i + 1] = s * zi + c * zi1;
      z[row * n + i] = c * zi - s * zi1;
    }
  }
  d[l] -= p;
  e[l] = g;
  e[k] = 0;
}

function identity(n: number): Float64Array {
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  return z;
}
