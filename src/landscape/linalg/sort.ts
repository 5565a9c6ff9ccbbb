/** Shared result type and helpers of the dense symmetric eigensolvers. */

/** Eigenvalues ascending; column j of the row-major n×n `vectors` belongs to `values[j]`. */
export interface SymEig {
  values: Float64Array;
  vectors: Float64Array;
}

/** Sorts eigenpairs ascending, permuting the columns of the row-major n×n matrix v. */
export function sortEig(values: Float64Array, v: Float64Array, n: number): SymEig {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  const vals = new Float64Array(n);
  const vecs = new Float64Array(n * n);
  order.forEach((src, dst) => {
    vals[dst] = values[src];
    for (let i = 0; i < n; i++) vecs[i * n + dst] = v[i * n + src];
  });
  return { values: vals, vectors: vecs };
}

/** Throws a named error unless A holds n×n finite numbers. */
export function checkSquare(A: ArrayLike<number>, n: number, fn: string): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${fn}: n must be a non-negative integer, got ${n}`);
  if (A.length !== n * n) {
    throw new Error(`${fn}: A must hold n·n = ${n * n} entries (row-major), got ${A.length}; pass the matrix size n that matches A`);
  }
  for (let i = 0; i < A.length; i++) {
    if (!Number.isFinite(A[i])) throw new Error(`${fn}: A[${i}] is ${A[i]}; the matrix must be finite (check for NaN upstream)`);
  }
}

/** Column j of a row-major n×m matrix as a new Float64Array. */
export function column(M: Float64Array, n: number, m: number, j: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = M[i * m + j];
  return out;
}
