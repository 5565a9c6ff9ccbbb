/**
 * Activation functions written from elementary ops (tanh, erf, exp, relu, log1p), so that their
 * second and third derivatives are exact under flowlab's higher-order-safe gradients: no fused
 * kernels whose gradient functions reuse a saved output (tensorflow/tfjs#3252), no EluGrad kernel.
 * The exception is GELU: one kernel per derivative order whose gradient is the next order's
 * kernel (../tensor/gelu.ts), exact to any order and far fewer ops on the hot path.
 */
import { tf } from '../tensor/tf.js';
import { gelu } from '../tensor/gelu.js';
import type { Tensor } from '../tensor/types.js';

/** Names of the activations every model accepts. */
export type Activation = 'tanh' | 'gelu' | 'geluTanh' | 'silu' | 'relu' | 'elu' | 'softplus';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Logistic sigmoid σ(x) = ½(1 + tanh(x/2)) (no overflow, smooth derivatives).
 * @example sigmoid(tf.tensor1d([-1, 0, 1]))
 */
export function sigmoid(x: Tensor): Tensor {
  return tf.mul(0.5, tf.add(1, tf.tanh(tf.mul(0.5, x))));
}

/**
 * softplus(x) = log(1 + eˣ) = m + log1p(e^{x − 2m}), m = relu(x) (so x − 2m = −|x|: stable for
 * large |x|). Written with m rather than |x| so that autodiff is exact at x = 0 too: there
 * relu'(0) = 0 makes every derivative that of log1p(eˣ) (softplus'(0) = ½, softplus''(0) = ¼),
 * whereas relu(x) + log1p(e^{−|x|}) would get 0 from both kinks' subgradients.
 * @example softplus(tf.tensor1d([-30, 0, 30])) // [~0, log 2, 30]
 */
export function softplus(x: Tensor): Tensor {
  const m = tf.relu(x);
  return tf.add(m, tf.log1p(tf.exp(tf.sub(x, tf.mul(2, m)))));
}

const table: Record<Activation, (x: Tensor) => Tensor> = {
  tanh: (x) => tf.tanh(x),
  // PyTorch nn.GELU(): x·Φ(x) = ½x(1 + erf(x/√2)); one fused kernel per derivative order on wasm
  // (../tensor/gelu.ts), the elementary-op form elsewhere.
  gelu,
  // nn.GELU(approximate='tanh'): ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
  geluTanh: (x) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.mul(x, tf.square(x)))))))),
  silu: (x) => tf.mul(x, sigmoid(x)),
  relu: (x) => tf.relu(x),
  // ELU(α = 1): relu(x) + e^{min(x, 0)} − 1, with min(x, 0) = −relu(−x).
  elu: (x) => tf.sub(tf.add(tf.relu(x), tf.exp(tf.neg(tf.relu(tf.neg(x))))), 1),
  softplus,
};

/** All activation names, for sweeps and validation. */
export const ACTIVATIONS = Object.keys(table) as Activation[];

/**
 * The activation function with that name.
 * tanh; gelu = x·Φ(x) (exact, PyTorch default); geluTanh (tanh approximation); silu = x·σ(x);
 * relu; elu (α = 1); softplus = log(1 + eˣ).
 * @example const f = activation('gelu'); f(tf.tensor([0, 1]));
 */
export function activation(name: Activation): (x: Tensor) => Tensor {
  const f = table[name];
  if (!f) throw new Error(`activation: unknown name "${name}"; expected one of ${ACTIVATIONS.join(', ')}`);
  return f;
}
