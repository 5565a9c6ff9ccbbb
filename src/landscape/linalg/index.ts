/** Small dense linear algebra in Float64Array, shared by landscape, optim and flows. */
export { dot, norm, axpy, scale, combine, hadamard, multiDot, subtractCombination, type Vec } from './vec.js';
export { eighJacobi } from './jacobi.js';
export { eigh, householderTridiagonal } from './eigh.js';
export { tridiagonalEigh } from './tridiagonal.js';
export { cholesky, solveLower, solveLowerTransposed } from './cholesky.js';
export { gramSchmidt, orthogonalizeAgainst, qr } from './qr.js';
export { eighGeneralized } from './generalized.js';
export { type SymEig, column } from './sort.js';
