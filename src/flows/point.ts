/** Validation of starting points for the flows. */
import { tf } from '../tensor/tf.js';
import type { Problem, Tensor1D } from '../tensor/types.js';

/** A fresh Tensor1D copy of w0 (Tensor1D, Float32Array or number[] of length P.dim), checked finite. */
export function toTensor1D(P: Problem, w0: Tensor1D | Float32Array | Float64Array | number[], fn: string): Tensor1D {
  if (!P || typeof P.lossAndGrad !== 'function' || typeof P.curvatureGrad !== 'function') {
    throw new Error(`${fn}: P must be a Problem (loss, grad, hvp, curvatureGrad); build one with fl.problem(lossFn, { dim }).`);
  }
  const arr = w0 instanceof tf.Tensor ? (w0.dataSync() as Float32Array) : w0;
  if (!arr || typeof (arr as ArrayLike<number>).length !== 'number') throw new Error(`${fn}: w0 must be a Tensor1D, Float32Array or number[] of length P.dim = ${P.dim}.`);
  if (arr.length !== P.dim) throw new Error(`${fn}: w0 has length ${arr.length}, expected P.dim = ${P.dim}.`);
  for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) throw new Error(`${fn}: w0[${i}] = ${arr[i]}; the starting point must be finite.`);
  return tf.tensor1d(Float32Array.from(arr as ArrayLike<number>));
}

/** Runs fn in tf.tidy, reads its result as a Float64Array and disposes it (no leaked result tensor). */
export function readTidy(fn: () => tf.Tensor): Float64Array {
  const t = tf.tidy(fn);
  const out = Float64Array.from(t.dataSync() as Float32Array);
  t.dispose();
  return out;
}
