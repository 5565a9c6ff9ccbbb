/**
 * Gram–Schmidt orthonormalisation with re-orthogonalisation ("twice is enough", Giraud et al.
 * 2005) for long solver vectors, and the thin QR factorisation of a small dense matrix built on it.
 */
import { axpy, dot, multiDot, norm, scale, subtractCombination, type Vec } from './vec.js';

/**
 * Makes x orthogonal to every vector in `basis` (assumed orthonormal) by classical Gram–Schmidt
 * (memory-friendly: see multiDot), repeated once when a pass cancels more than 1 − 1/√2 of
 * ‖x‖ (Parlett's "twice is enough"), in place; returns the coefficients removed (summed over both passes).
 * @example
 * const x = new Float64Array([1, 1]); orthogonalizeAgainst(x, [new Float64Array([1, 0])]); // x = [0, 1]
 */
export function orthogonalizeAgainst(x: Vec, basis: Vec[], passes = 2): Float64Array {
  const coef = new Float64Array(basis.length);
  if (basis.length === 0) return coef;
  let before = norm(x);
  for (let pass = 0; pass < passes; pass++) {
    const c = multiDot(basis, x);
    subtractCombination(x, basis, c);
    for (let j = 0; j < c.length; j++) coef[j] += c[j];
    // Kahan–Parlett: another pass only when this one cancelled a lot (‖x‖ fell below ‖x₀‖/√2)
    const after = norm(x);
    if (after > Math.SQRT1_2 * before) break;
    before = after;
  }
  return coef;
}

/**
 * Orthonormalises `vectors` in place (modified Gram–Schmidt, each vector re-orthogonalised once),
 * also against an optional orthonormal `against` set. Vectors whose norm falls below
 * `dropTol`·(original norm) are linearly dependent: their indices are returned in `dropped` and
 * they are left zeroed. Returns the R factor (row-major m×m, upper triangular; R[i][j] = qᵢᵀvⱼ).
 * @example const { dropped } = gramSchmidt([u, v, w]); // u, v, w now orthonormal (or zeroed)
 */
export function gramSchmidt(vectors: Vec[], { against = [] as Vec[], dropTol = 1e-10 } = {}): { R: Float64Array; dropped: number[] } {
  const m = vectors.length;
  const R = new Float64Array(m * m);
  const dropped: number[] = [];
  const kept: Vec[] = [];
  const keptIdx: number[] = [];
  for (let j = 0; j < m; j++) {
    const v = vectors[j];
    const n0 = norm(v);
    if (against.length) orthogonalizeAgainst(v, against);
    for (let pass = 0; pass < 2; pass++) {
      for (let t = 0; t < kept.length; t++) {
        const c = dot(kept[t], v);
        R[keptIdx[t] * m + j] += c;
        axpy(v, -c, kept[t]);
      }
    }
    const r = norm(v);
    if (!(r > dropTol * n0) || r === 0) {
      v.fill(0);
      dropped.push(j);
      continue;
    }
    R[j * m + j] = r;
    scale(v, 1 / r);
    kept.push(v);
    keptIdx.push(j);
  }
  return { R, dropped };
}

/**
 * Thin QR of a row-major m×n matrix A (m ≥ n): A = Q R, Q (m×n) with orthonormal columns, R (n×n)
 * upper triangular. Rank-deficient columns give zero columns in Q and zero diagonal in R.
 * @example
 * const { Q, R } = qr(new Float64Array([3, 0, 4, 5]), 2, 2); // R[0] = 5
 */
export function qr(A: ArrayLike<number>, m: number, n: number): { Q: Float64Array; R: Float64Array } {
  if (A.length !== m * n) throw new Error(`qr: A must hold m·n = ${m * n} entries (row-major), got ${A.length}`);
  if (m < n) throw new Error(`qr: needs m ≥ n (a tall or square matrix), got ${m}×${n}; factor the transpose instead`);
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = A[i * n + j];
    cols.push(c);
  }
  const { R } = gramSchmidt(cols, { dropTol: 1e-14 });
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) Q[i * n + j] = cols[j][i];
  return { Q, R };
}
