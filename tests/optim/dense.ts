/** Plain float64 dense helpers for the tests (independent of src/: row-major number[][]). */
export type Mat = number[][];
export const T = (A: Mat): Mat => A[0].map((_, j) => A.map((r) => r[j]));
export const mm = (A: Mat, B: Mat): Mat => A.map((r) => B[0].map((_, j) => r.reduce((s, x, k) => s + x * B[k][j], 0)));
export const add = (A: Mat, B: Mat, b = 1, a = 1): Mat => A.map((r, i) => r.map((x, j) => a * x + b * B[i][j]));
export const scal = (A: Mat, s: number): Mat => A.map((r) => r.map((x) => s * x));
export const fro = (A: Mat) => Math.sqrt(A.flat().reduce((s, x) => s + x * x, 0));
export const reshape = (v: number[], rows: number, cols: number): Mat => Array.from({ length: rows }, (_, i) => v.slice(i * cols, (i + 1) * cols));
export const eye = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/** Cyclic Jacobi eigendecomposition of a symmetric matrix: { values, V (columns) }. */
export function jacobi(A0: Mat): { values: number[]; V: Mat } {
  const n = A0.length;
  const A = A0.map((r) => r.slice());
  const V = eye(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      if (Math.abs(A[p][q]) < 1e-300) continue;
      const th = (A[q][q] - A[p][p]) / (2 * A[p][q]);
      const t = Math.sign(th || 1) / (Math.abs(th) + Math.sqrt(th * th + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) { const akp = A[k][p], akq = A[k][q]; A[k][p] = c * akp - s * akq; A[k][q] = s * akp + c * akq; }
      for (let k = 0; k < n; k++) { const apk = A[p][k], aqk = A[q][k]; A[p][k] = c * apk - s * aqk; A[q][k] = s * apk + c * aqk; }
      for (let k = 0; k < n; k++) { const vkp = V[k][p], vkq = V[k][q]; V[k][p] = c * vkp - s * vkq; V[k][q] = s * vkp + c * vkq; }
    }
  }
  return { values: A.map((r, i) => r[i]), V };
}

/** Symmetric matrix power via Jacobi: V diag(max(λ, 0)^p) Vᵀ. */
export function symPow(A: Mat, p: number): Mat {
  const { values, V } = jacobi(A);
  return mm(V.map((r) => r.map((x, j) => x * Math.pow(Math.max(values[j], 0), p))), T(V));
}

/** Singular values of A (descending), from the eigenvalues of AᵀA. */
export function singularValues(A: Mat): number[] {
  return jacobi(mm(T(A), A)).values.map((x) => Math.sqrt(Math.max(x, 0))).sort((a, b) => b - a);
}

/** Quintic Newton–Schulz in float64 (Muon's reference recipe). */
export function ns5(G: Mat, steps = 5, [a, b, c] = [3.4445, -4.775, 2.0315]): Mat {
  const tall = G.length > G[0].length;
  let X = scal(G, 1 / (fro(G) + 1e-7));
  if (tall) X = T(X);
  for (let i = 0; i < steps; i++) {
    const A = mm(X, T(X));
    const B = add(scal(A, b), mm(A, A), c);
    X = add(scal(X, a), mm(B, X));
  }
  return tall ? T(X) : X;
}

/** Deterministic pseudo-random numbers in [−0.5, 0.5). */
export function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
}

/** A generator of random matrices: seq(rows, cols, steps) draws `steps` matrices with entries 2·rng() ∈ [−1, 1). */
export function randomMatrices(rng: () => number): (rows: number, cols: number, steps?: number) => Mat[] {
  return (rows, cols, steps = 4) => Array.from({ length: steps }, () => Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * rng())));
}

/** Thin QR by modified Gram–Schmidt: the orthonormal Q (positive R diagonal). */
export function qrQ(A: Mat): Mat {
  const cols = A[0].map((_, j) => A.map((row) => row[j]));
  const out: number[][] = [];
  for (const c0 of cols) {
    const c = c0.slice();
    for (const q of out) { const d = q.reduce((s, x, i) => s + x * c[i], 0); q.forEach((x, i) => { c[i] -= d * x; }); }
    const n = Math.hypot(...c);
    out.push(c.map((x) => x / n));
  }
  return A.map((_, i) => out.map((q) => q[i]));
}

/** Gaussian elimination with partial pivoting (float64): x with Ax = b. */
export function solve(A0: Mat, b0: number[]): number[] {
  const n = b0.length;
  const A = A0.map((r, i) => [...r, b0[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    for (let r = c + 1; r < n; r++) { const f = A[r][c] / A[c][c]; for (let k = c; k <= n; k++) A[r][k] -= f * A[c][k]; }
  }
  const x = Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) { let s = A[r][n]; for (let k = r + 1; k < n; k++) s -= A[r][k] * x[k]; x[r] = s / A[r][r]; }
  return x;
}
