/** Validation of starting points for the flows. */
import { tf } from '../tensor/tf.js';
import { checkFinite } from '../tensor/validate.js';
import { flushChecks } from '../tensor/read.js';
import type { Problem, Tensor1D } from '../tensor/types.js';

/**
 * A fresh float32 Tensor1D copy of w0 (Tensor1D, Float32Array or number[] of length P.dim), checked
 * finite: arrays on the host, tensors on the device (at once on wasm/cpu; on webgpu the check is
 * answered by the next read, so async callers `await flushChecks()` after this). Never reads.
 */
export function toTensor1D(P: Problem, w0: Tensor1D | Float32Array | Float64Array | number[], fn: string): Tensor1D {
  if (!P || typeof P.lossAndGrad !== 'function' || typeof P.curvatureGrad !== 'function') {
    throw new Error(`${fn}: P must be a Problem (loss, grad, hvp, curvatureGrad); build one with fl.problem(lossFn, { dim }).`);
  }
  if (w0 instanceof tf.Tensor) {
    if (w0.isDisposed) throw new Error(`${fn}: w0 was already disposed; pass a live tensor (or clone it before disposing).`);
    if (w0.rank !== 1 || w0.size !== P.dim) throw new Error(`${fn}: w0 has shape [${w0.shape.join(', ')}], expected [P.dim] = [${P.dim}].`);
    const w = tf.tidy(() => (w0.dtype === 'float32' ? tf.clone(w0) : tf.cast(w0, 'float32'))) as Tensor1D;
    try {
      checkFinite(w, fn, "argument 'w0'");
    } catch (e) {
      w.dispose();
      throw e;
    }
    return w;
  }
  const arr = w0;
  if (!arr || typeof (arr as ArrayLike<number>).length !== 'number') throw new Error(`${fn}: w0 must be a Tensor1D, Float32Array or number[] of length P.dim = ${P.dim}.`);
  if (arr.length !== P.dim) throw new Error(`${fn}: w0 has length ${arr.length}, expected P.dim = ${P.dim}.`);
  for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) throw new Error(`${fn}: w0[${i}] = ${arr[i]}; the starting point must be finite.`);
  return tf.tensor1d(Float32Array.from(arr as ArrayLike<number>));
}

/**
 * toTensor1D, then the device-side finiteness check answered before the first step (on webgpu a
 * non-finite w0 fails here, not steps later); the copy is disposed when the check fails.
 * @example const w = await startingPoint(P, w0, 'centralFlow');
 */
export async function startingPoint(P: Problem, w0: Tensor1D | Float32Array | Float64Array | number[], fn: string): Promise<Tensor1D> {
  const w = toTensor1D(P, w0, fn);
  try {
    await flushChecks();
  } catch (e) {
    w.dispose();
    throw e;
  }
  return w;
}
