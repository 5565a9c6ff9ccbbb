/**
 * Small dense linear algebra for the matrix optimizers. Eigendecompositions run in float64 via
 * src/landscape/linalg (Householder + QL); Newton–Schulz runs in TF.js (float32 matMuls).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor2D } from '../tensor/types.js';
import { eigh, qr } from '../landscape/linalg/index.js';

/**
 * Eigenpairs of a symmetric tensor [n, n], DESCENDING: values and the [n, n] tensor of eigenvector columns.
 * @example const { values, Q } = symEigDesc(tf.tensor2d([[2, 1], [1, 2]]));   // values [3, 1]
 */
export function symEigDesc(A: Tensor): { values: Float64Array; Q: Tensor2D } {
  const n = A.shape[0];
  const a = Float64Array.from(A.dataSync() as Float32Array);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) { const s = 0.5 * (a[i * n + j] + a[j * n + i]); a[i * n + j] = s; a[j * n + i] = s; }
  const { values, vectors } = eigh(a, n);
  const vals = new Float64Array(n);
  const out = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = n - 1 - j;
    vals[j] = values[src];
    for (let i = 0; i < n; i++) out[i * n + j] = vectors[i * n + src];
  }
  return { values: vals, Q: tf.tensor2d(out, [n, n]) };
}

/**
 * A^p for a symmetric PSD tensor A (eigenvalues floored at 0, plus eps): V diag((λ+eps)^p) Vᵀ.
 * @example symPower(tf.tensor2d([[4, 0], [0, 16]]), -0.5)   // [[0.5, 0], [0, 0.25]]
 */
export function symPower(A: Tensor, p: number, eps = 0): Tensor2D {
  const { values, Q } = symEigDesc(A);
  const d = tf.tensor1d(Float32Array.from(values, (l) => Math.pow(Math.max(l, 0) + eps, p)));
  return tf.matMul(tf.mul(Q, d), Q, false, true) as Tensor2D;
}

/**
 * Orthonormal columns of a tall [m, n] tensor (thin QR in float64).
 * @example const Q = orthonormalize(tf.randomNormal([10, 3]));   // QᵀQ = I
 */
export function orthonormalize(X: Tensor): Tensor2D {
  const [m, n] = X.shape;
  const { Q } = qr(Float64Array.from(X.dataSync() as Float32Array), m, n);
  return tf.tensor2d(Float32Array.from(Q), [m, n]);
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
