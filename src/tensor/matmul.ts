/**
 * matMul without the slow path: the wasm backend (XNNPACK) runs matMul with transposeA or
 * transposeB ~18× slower than a plain product (measured 2.2 s vs 0.12 s for 1000×3072 by 3072×256),
 * so on wasm the transposes are made explicit, on whichever side moves fewer numbers:
 *
 *   AᵀB = transpose(A)·B   or  (Bᵀ·A)ᵀ          ABᵀ = A·transpose(B)   or  (B·Aᵀ)ᵀ
 *
 * Used by flowlab's matMul gradient and by `fl.tf.matMul` (same results, same gradients). With the
 * native path on (./native), BLAS reads transposed operands in place: the flags pass straight through.
 */
import { tfjs as tf } from './tfjs.js';
import { nativeActive } from './native/index.js';

type T = tf.Tensor;

function swapLast(x: T): T {
  const r0 = x.rank;
  if (x.shape[r0 - 1] === 1 || x.shape[r0 - 2] === 1) {
    // a vector: transposing is a reshape (and avoids the wasm Transpose kernel's size-1 path)
    const shape = x.shape.slice();
    [shape[r0 - 2], shape[r0 - 1]] = [shape[r0 - 1], shape[r0 - 2]];
    return tf.reshape(x, shape);
  }
  const perm = x.shape.map((_, i) => i);
  const r = x.rank;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

const size = (x: T) => x.size;

/**
 * op(A)·op(B) with op = transpose when the flag is set; explicit transposes on pure wasm.
 * @example matMulFast(x, dy, true, false) // xᵀ·dy
 */
export function matMulFast(a: T, b: T, transposeA = false, transposeB = false): T {
  if ((!transposeA && !transposeB) || tf.getBackend() !== 'wasm' || nativeActive() || a.rank < 2 || b.rank < 2) {
    return tf.matMul(a, b, transposeA, transposeB);
  }
  if (transposeA && transposeB) return swapLast(tf.matMul(b, a)); // AᵀBᵀ = (BA)ᵀ
  const [aR, aC] = a.shape.slice(-2);
  const [bR, bC] = b.shape.slice(-2);
  const batch = Math.max(a.size / (aR * aC), b.size / (bR * bC));
  if (transposeA) {
    // AᵀB: transpose A, or compute (BᵀA)ᵀ = transpose(transpose(B)·A)
    return size(a) <= size(b) + batch * aC * bC ? tf.matMul(swapLast(a), b) : swapLast(tf.matMul(swapLast(b), a));
  }
  // ABᵀ: transpose B, or compute (BAᵀ)ᵀ
  return size(b) <= size(a) + batch * aR * bR ? tf.matMul(a, swapLast(b)) : swapLast(tf.matMul(b, swapLast(a)));
}
