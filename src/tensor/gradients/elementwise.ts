/**
 * Higher-order-safe gradients of elementwise kernels whose TF.js gradients reuse the saved output
 * (Tanh, Sigmoid, Exp, Elu, Pow) or go through non-differentiable helper kernels (Rsqrt via Pow,
 * Elu via EluGrad). Each saves its inputs and recomputes with differentiable ops.
 *
 *   tanh'(x) = 1 − tanh²(x)          σ'(x) = σ(x)(1 − σ(x))          exp'(x) = exp(x)
 *   elu'(x)  = 1 (x > 0), eˣ (x ≤ 0)  rsqrt'(x) = −½ x^(−3/2)
 *   ∂(aᵇ)/∂a = b·a^(b−1)              ∂(aᵇ)/∂b = aᵇ·ln a  (taken as 0 where a ≤ 0, like TF.js)
 */
import { tfjs as tf } from '../tfjs.js';
import { defineSafeGradient } from './registry.js';

type T = tf.Tensor;

/** Sums `g` over the axes that broadcasting added, back to `shape`. */
export function unbroadcast(g: T, shape: number[]): T {
  const axes = tf.broadcast_util.getReductionAxes(shape, g.shape);
  const reduced = axes.length > 0 ? tf.sum(g, axes) : g;
  return tf.reshape(reduced, shape);
}

/** Registers the elementwise safe gradients. */
export function registerElementwiseGradients(): void {
  defineSafeGradient({
    kernelName: tf.Tanh,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => tf.mul(dy as T, tf.sub(1, tf.square(tf.tanh(x)))) };
    },
  });
  defineSafeGradient({
    kernelName: tf.Sigmoid,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return {
        x: () => {
          const s = tf.sigmoid(x);
          return tf.mul(dy as T, tf.mul(s, tf.sub(1, s)));
        },
      };
    },
  });
  defineSafeGradient({
    kernelName: tf.Exp,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => tf.mul(dy as T, tf.exp(x)) };
    },
  });
  defineSafeGradient({
    kernelName: tf.Elu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      // exp(min(x, 0)) keeps the unselected branch finite, so 0·∞ never reaches a higher derivative.
      return { x: () => tf.mul(dy as T, tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(tf.minimum(x, 0)))) };
    },
  });
  defineSafeGradient({
    kernelName: tf.Rsqrt,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      return { x: () => tf.mul(dy as T, tf.mul(-0.5, tf.div(tf.rsqrt(x), x))) };
    },
  });
  defineSafeGradient({
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved;
      const g = dy as T;
      return {
        a: () => {
          const bf = tf.cast(b, 'float32');
          return unbroadcast(tf.mul(g, tf.mul(bf, tf.pow(a, tf.sub(bf, 1)))), a.shape);
        },
        b: () => {
          const positive = tf.greater(a, 0);
          const logA = tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), tf.zerosLike(a));
          return unbroadcast(tf.mul(g, tf.mul(tf.pow(a, b), logA)), b.shape);
        },
      };
    },
  });
}

/**
 * Zero gradients for boolean-valued kernels that TF.js leaves without one (Less, Equal, ...).
 * Masks built from them appear inside first-order gradients (maximum, max, relu6, clip); without a
 * registered gradient a second differentiation throws "gradient function not found".
 */
export function registerBooleanGradients(): void {
  const unary = [tf.LogicalNot, tf.IsNan];
  const binary = [tf.Less, tf.LessEqual, tf.Greater, tf.Equal, tf.NotEqual, tf.LogicalAnd, tf.LogicalOr];
  for (const name of unary) {
    if (tf.getGradient(name)) continue;
    defineSafeGradient({ kernelName: name, inputsToSave: ['x'], gradFunc: (_dy, [x]) => ({ x: () => tf.zeros(x.shape, 'float32') }) });
  }
  for (const name of binary) {
    if (tf.getGradient(name)) continue;
    defineSafeGradient({
      kernelName: name,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, [a, b]) => ({ a: () => tf.zeros(a.shape, 'float32'), b: () => tf.zeros(b.shape, 'float32') }),
    });
  }
}
