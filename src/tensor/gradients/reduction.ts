/**
 * Higher-order-safe gradients of Max, Min and Softmax (their TF.js gradients reuse the saved output),
 * and Sum's gradient without a host round trip.
 *
 *   ∂ max(x)/∂xᵢ = [xᵢ = max(x)]   (every tied maximum receives the gradient, as in TF.js)
 *   ∂ softmax(x)/∂x · dy = y ⊙ dy − y · Σ(y ⊙ dy),   y = softmax(x) recomputed from x
 */
import { tfjs as tf } from '../tfjs.js';
import { defineSafeGradient } from './registry.js';

type T = tf.Tensor;

function extremumGrad(dy: T, x: T, axisAttr: number | number[], which: 'max' | 'min'): T {
  const axes = tf.util.parseAxisParam(axisAttr, x.shape);
  const y = which === 'max' ? tf.max(x, axes, true) : tf.min(x, axes, true);
  const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const mask = tf.cast(tf.equal(x, y), 'float32');
  return tf.mul(mask, tf.reshape(dy, keptShape));
}

/** Registers the reduction safe gradients. */
export function registerReductionGradients(): void {
  // ∂ Σ_axes x / ∂x · dy = dy broadcast back over the summed axes. TF.js's own gradient is this
  // product with ones(x.shape) made in a host array and uploaded on every backward pass (for a
  // 25k-parameter HVP's ⟨∇L, v⟩ that is 25k floats built and copied per HVP); a device-side fill
  // gives the same values (dy · 1) and the same graph.
  defineSafeGradient({
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => {
        const axes = tf.util.parseAxisParam((attrs as unknown as tf.SumAttrs).axis, x.shape);
        const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        return tf.mul(tf.reshape(dy as T, keptShape), tf.fill(x.shape, 1, 'float32'));
      },
    }),
  });
  defineSafeGradient({
    kernelName: tf.Max,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => extremumGrad(dy as T, x, (attrs as unknown as tf.MaxAttrs).reductionIndices, 'max'),
    }),
  });
  defineSafeGradient({
    kernelName: tf.Min,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => extremumGrad(dy as T, x, (attrs as unknown as tf.MinAttrs).axis, 'min'),
    }),
  });
  defineSafeGradient({
    kernelName: tf.Softmax,
    inputsToSave: ['logits'],
    gradFunc: (dy, [logits], attrs) => ({
      logits: () => {
        const { dim } = attrs as unknown as tf.SoftmaxAttrs;
        const y = tf.softmax(logits, dim);
        const yDy = tf.mul(y, dy as T);
        return tf.sub(yDy, tf.mul(y, tf.sum(yDy, dim, true)));
      },
    }),
  });
}
