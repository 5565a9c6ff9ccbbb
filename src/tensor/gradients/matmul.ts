/**
 * Higher-order-safe matMul gradient (the BatchMatMul kernel, batched and broadcast included).
 */
import { tfjs as tf } from '../tfjs.js';
import { matMulFast } from '../matmul.js';
import { defineSafeGradient } from './registry.js';
import { unbroadcast } from './elementwise.js';

type T = tf.Tensor;

/**
 * matMul gradient (BatchMatMul) through matMulFast: the same products as TF.js's gradient, without
 * the wasm slow path for transposed operands, and summed over broadcast batch dimensions.
 *   C = AB:  ∂A = dC·Bᵀ, ∂B = Aᵀ·dC   (and the transposed variants)
 */
export function registerMatMulGradient(): void {
  defineSafeGradient({
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
      const g = dy as T;
      let da: () => T, db: () => T;
      if (!transposeA && !transposeB) {
        da = () => matMulFast(g, b, false, true);
        db = () => matMulFast(a, g, true, false);
      } else if (!transposeA && transposeB) {
        da = () => matMulFast(g, b, false, false);
        db = () => matMulFast(g, a, true, false);
      } else if (transposeA && !transposeB) {
        da = () => matMulFast(b, g, false, true);
        db = () => matMulFast(a, g, false, false);
      } else {
        da = () => matMulFast(b, g, true, true);
        db = () => matMulFast(g, a, true, true);
      }
      return { a: () => unbroadcast(da(), a.shape), b: () => unbroadcast(db(), b.shape) };
    },
  });
}
