/**
 * Small dense symmetric linear algebra in Float64Array for the central-flow SDCP (sizes k ≤ ~16,
 * or k² for the operator β). Row-major storage throughout.
 *
 * TODO(dedup): src/landscape owns flowlab's dense symmetric eigensolver; once it exposes one with
 * the same contract (values descending, vectors as rows), replace `symEig` here by a re-export.
 */

/** Eigen-decomposition of a symmetric matrix: values descending, `vectors[i*n + j]` = j-th entry of eigenvector i. */
export interface SymEig {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * Eigenvalues and eigenvectors of a symmetric n×n matrix by cyclic Jacobi rotations.
 * Accurate to ~1e-15 relative for the tiny matrices central flows use. The input is not modified;
 * only its upper triangle is trusted after symmetrisation (A + Aᵀ)/2.
 * @example symEig(new Float64Array([2, 1, 1, 2]), 2).values // [3, 1]
 */
export function symEig(A: Float64Array, n: number): SymEig {
  if (A.length !== n * n) throw new Error(`symEig: A has ${A.length} entries, expected n*n = ${n * n}; pass a row-major n×n matrix.`);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (A[i * n + j] + A[j * n + i]);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off <= 1e-32 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, r) => {
    values[r] = a[col * n + col];
    for (let k = 0; k < n; k++) vectors[r * n + k] = v[k * n + col];
  });
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
