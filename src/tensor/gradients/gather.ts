/**
 * Higher-order-safe gradients for gathering and scattering. TF.js differentiates GatherV2 through
 * UnsortedSegmentSum, which the wasm backend lacks, and gives ScatterNd/GatherNd no gradient.
 * Here they form a closed family of mutually adjoint linear maps:
 *
 *   ∂ gather(x, idx)/∂x · dy = scatterAdd(idx, dy)   ∂ scatterND(idx, u)/∂u · dy = gatherND(dy, idx)
 *   ∂ gatherND(x, idx)/∂x · dy = scatterND(idx, dy)  (duplicates add, as in TF)
 *
 * so gradients of any order exist on every backend.
 */
import { tfjs as tf } from '../tfjs.js';
import { defineSafeGradient } from './registry.js';

type T = tf.Tensor;

/** Gradient of gather(x, indices, axis) (batchDims 0) with respect to x. */
function gatherGrad(x: T, indices: T, dy: T, axis: number): T {
  const shape = x.shape;
  const n = shape[axis];
  const outer = shape.slice(0, axis);
  const inner = shape.slice(axis + 1);
  const m = indices.size;
  // dy has shape outer ++ indices.shape ++ inner: bring the gathered axis to the front.
  const dy3 = tf.reshape(dy, [outer.reduce((a, b) => a * b, 1), m, inner.reduce((a, b) => a * b, 1)]);
  const rows = tf.reshape(tf.transpose(dy3, [1, 0, 2]), [m, -1]) as tf.Tensor2D;
  const idx = tf.reshape(tf.cast(indices, 'int32'), [m, 1]);
  const scattered = tf.scatterND(idx, rows, [n, rows.shape[1]]); // [n, outer·inner]
  const back = tf.transpose(tf.reshape(scattered, [n, dy3.shape[0] as number, dy3.shape[2] as number]), [1, 0, 2]);
  return tf.reshape(back, shape);
}

/** Registers the gather/scatter safe gradients. */
export function registerGatherGradients(): void {
  defineSafeGradient({
    kernelName: tf.GatherV2,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, [x, indices], attrs) => {
      const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
      const ax = tf.util.parseAxisParam(axis, x.shape)[0];
      return {
        x: () => {
          if (batchDims !== 0 && batchDims !== undefined) {
            const parts = tf.unstack(x).map((xi, i) =>
              gatherGrad(xi, tf.gather(indices, i), tf.gather(dy as T, i), ax - 1));
            return tf.stack(parts);
          }
          return gatherGrad(x, indices, dy as T, ax);
        },
        indices: () => tf.zeros(indices.shape, 'float32'),
      };
    },
  });
  defineSafeGradient({
    kernelName: tf.ScatterNd,
    inputsToSave: ['indices'],
    gradFunc: (dy, [indices]) => ({
      indices: () => tf.zeros(indices.shape, 'float32'),
      updates: () => tf.gatherND(dy as T, indices),
    }),
  });
  defineSafeGradient({
    kernelName: tf.GatherNd,
    inputsToSave: ['params', 'indices'],
    gradFunc: (dy, [params, indices]) => ({
      params: () => tf.scatterND(indices, dy as T, params.shape),
      indices: () => tf.zeros(indices.shape, 'float32'),
    }),
  });
}
