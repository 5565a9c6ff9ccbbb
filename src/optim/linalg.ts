/**
 * Small dense linear algebra for the matrix optimizers. Eigendecompositions and QR run on the host
 * in float64 via src/landscape/linalg (Householder + QL); Newton–Schulz runs in TF.js (float32
 * matMuls). The host routines come in two forms: `…Values` on values already read (what the
 * optimizers use, after reading every matrix one update needs in one packed transfer), and async
 * tensor-in/tensor-out conveniences (`symEigDesc`, `symPower`, `orthonormalize`) that read once.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor2D } from '../tensor/types.js';
import { eigh, qr } from '../landscape/linalg/index.js';
import { read } from '../tensor/read.js';

/**
 * Eigenpairs of a symmetric n×n matrix given by its row-major values, DESCENDING (the matrix is
 * symmetrised first): values and the row-major eigenvector columns (float32, ready for a tensor).
 * @example const { values, vectors } = symEigDescValues([2, 1, 1, 2], 2);   // values [3, 1]
 */
export function symEigDescValues(A: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float32Array } {
  const a = Float64Array.from(A);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) { const s = 0.5 * (a[i * n + j] + a[j * n + i]); a[i * n + j] = s; a[j * n + i] = s; }
  const { values, vectors } = eigh(a, n);
  const vals = new Float64Array(n);
  const out = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = n - 1 - j;
    vals[j] = values[src];
    for (let i = 0; i < n; i++) out[i * n + j] = vectors[i * n + src];
  }
  return { values: vals, vectors: out };
}

/**
 * The first `cols` eigenvector columns (descending eigenvalues) as an [n, cols] tensor.
 * @example const U = topEigvecs(values, 3, 2);   // [3, 2]
 */
export function topEigvecs(A: ArrayLike<number>, n: number, cols = n): Tensor2D {
  const { vectors } = symEigDescValues(A, n);
  if (cols === n) return tf.tensor2d(vectors, [n, n]);
  const out = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = vectors[i * n + j];
  return tf.tensor2d(out, [n, cols]);
}

/**
 * Eigenpairs of a symmetric tensor [n, n], DESCENDING (async: one read): values and the [n, n]
 * tensor of eigenvector columns.
 * @example const { values, Q } = await symEigDesc(tf.tensor2d([[2, 1], [1, 2]]));   // values [3, 1]
 */
export async function symEigDesc(A: Tensor): Promise<{ values: Float64Array; Q: Tensor2D }> {
  const n = A.shape[0];
  const { values, vectors } = symEigDescValues(await read(A), n);
  return { values, Q: tf.tensor2d(vectors, [n, n]) };
}

/**
 * A^p for a symmetric PSD matrix given by its values (eigenvalues floored at 0, plus eps):
 * V diag((λ+eps)^p) Vᵀ, as an [n, n] tensor.
 * @example symPowerValues([4, 0, 0, 16], 2, -0.5)   // [[0.5, 0], [0, 0.25]]
 */
export function symPowerValues(A: ArrayLike<number>, n: number, p: number, eps = 0): Tensor2D {
  const { values, vectors } = symEigDescValues(A, n);
  return tf.tidy(() => {
    const Q = tf.tensor2d(vectors, [n, n]);
    const d = tf.tensor1d(Float32Array.from(values, (l) => Math.pow(Math.max(l, 0) + eps, p)));
    return tf.matMul(tf.mul(Q, d), Q, false, true) as Tensor2D;
  });
}

/**
 * A^p for a symmetric PSD tensor A (async: one read; see symPowerValues).
 * @example await symPower(tf.tensor2d([[4, 0], [0, 16]]), -0.5)   // [[0.5, 0], [0, 0.25]]
 */
export async function symPower(A: Tensor, p: number, eps = 0): Promise<Tensor2D> {
  return symPowerValues(await read(A), A.shape[0], p, eps);
}

/**
 * Orthonormal columns of a tall m×n matrix given by its row-major values (thin QR in float64).
 * @example const Q = orthonormalizeValues(x, 10, 3);   // QᵀQ = I
 */
export function orthonormalizeValues(X: ArrayLike<number>, m: number, n: number): Tensor2D {
  const { Q } = qr(Float64Array.from(X), m, n);
  return tf.tensor2d(Float32Array.from(Q), [m, n]);
}

/**
 * Orthonormal columns of a tall [m, n] tensor (async: one read; thin QR in float64).
 * @example const Q = await orthonormalize(tf.randomNormal([10, 3]));   // QᵀQ = I
 */
export async function orthonormalize(X: Tensor): Promise<Tensor2D> {
  const [m, n] = X.shape;
  return orthonormalizeValues(await read(X), m, n);
}

/** Keller Jordan's quintic Newton–Schulz coefficients (a, b, c) for Muon. */
export const NS_COEFFS = [3.4445, -4.775, 2.0315] as const;

/**
 * Approximate orthogonalisation UVᵀ of G = UΣVᵀ by 5 quintic Newton–Schulz iterations
 * (Jordan et al. 2024, Muon): X ← G/(‖G‖_F + 1e-7); X ← aX + (bA + cA²)X with A = XXᵀ, iterating
 * on the wide orientation. Singular values land in roughly [0.7, 1.2] (not exactly 1, by design).
 * @example const O = newtonSchulz(tf.randomNormal([64, 32]));   // singular values ≈ 1
 */
export function newtonSchulz(G: Tensor2D, steps = 5, [a, b, c] = NS_COEFFS): Tensor2D {
  return tf.tidy(() => {
    // Iterating X ← aX + X(bA + cA²) with A = XᵀX on a tall X is the transpose of the reference's
    // wide iteration (no explicit transposes, which are slow on CPU backends).
    const tall = G.shape[0] > G.shape[1];
    let X = tf.div(G, tf.add(tf.norm(G), 1e-7)) as Tensor2D;
    for (let i = 0; i < steps; i++) {
      const A = tall ? tf.matMul(X, X, true, false) : tf.matMul(X, X, false, true);
      const B = tf.add(tf.mul(A, b), tf.mul(tf.matMul(A, A), c)) as Tensor2D;
      X = tf.add(tf.mul(X, a), tall ? tf.matMul(X, B) : tf.matMul(B, X)) as Tensor2D;
    }
    return X;
  });
}

/**
 * A tensor viewed as a matrix: rank ≥ 2 → [prod(leading axes), last axis] (TF.js [in, out] layout).
 * @example asMatrix(tf.zeros([3, 3, 16, 32])).shape   // [144, 32]
 */
export function asMatrix(x: Tensor): Tensor2D {
  const cols = x.shape[x.rank - 1];
  return tf.reshape(x, [x.size / cols, cols]) as Tensor2D;
}

/**
 * Solves A x = b for a symmetric positive definite n×n A given by its row-major values (Cholesky
 * in float64); used for the small s×s Woodbury systems of Natural GaLore.
 * @example spdSolveValues([4, 1, 1, 3], [1, 2], 2)   // [1/11, 7/11]
 */
export function spdSolveValues(A: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0.5 * (A[i * n + j] + A[j * n + i]);
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`spdSolveValues: the matrix is not positive definite (pivot ${i} is ${s}); increase the damping.`);
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = b[i]; for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k]; y[i] = s / L[i * n + i]; }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) { let s = y[i]; for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k]; x[i] = s / L[i * n + i]; }
  return x;
}
