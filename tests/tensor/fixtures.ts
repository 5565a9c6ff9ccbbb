/**
 * Shared test objectives: 2-layer MLPs written twice, with fl.tf ops (the Problem under test) and
 * in plain float64 TypeScript (the independent reference).
 */
import { tf } from '../../src/tensor/tf.js';
import * as ref from '../../src/tensor/reference.js';
import type { Scalar, Tensor1D } from '../../src/tensor/types.js';

export type Activation = 'tanh' | 'sigmoid' | 'gelu' | 'geluTanh' | 'silu' | 'softplus' | 'elu' | 'relu';

/** The activation as fl.tf ops. */
export function tfAct(name: Activation, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'gelu': return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    case 'geluTanh': {
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    case 'silu': return tf.mul(x, tf.sigmoid(x));
    case 'softplus': return tf.softplus(x);
    case 'elu': return tf.elu(x);
    case 'relu': return tf.relu(x);
  }
}

export interface Mlp {
  dim: number;
  loss: (w: Tensor1D) => Scalar;
  reference: (w: Float64Array) => number;
  w0: Float32Array;
}

/**
 * f(x) = act(x W1 + b1) W2 + b2 on n examples of d inputs, h hidden units, c outputs; loss MSE
 * (½Σ(f−y)²/n) or softmax cross-entropy (mean over examples).
 */
export function mlp(act: Activation, loss: 'mse' | 'xent', { n = 6, d = 3, h = 4, c = 3, seed = 1 } = {}): Mlp {
  const r = ref.rng(seed);
  const X = Float32Array.from(r.normals(n * d));
  const Y = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    if (loss === 'xent') Y[i * c + (i % c)] = 1;
    else for (let j = 0; j < c; j++) Y[i * c + j] = r.normal();
  }
  const dim = d * h + h + h * c + c;
  const w0 = Float32Array.from(r.normals(dim), (v) => v * 0.8);
  const Xt = tf.keep(tf.tensor2d(X, [n, d]));
  const Yt = tf.keep(tf.tensor2d(Y, [n, c]));
  const o1 = d * h, o2 = o1 + h, o3 = o2 + h * c;
  const lossFn = (w: Tensor1D): Scalar => {
    const W1 = tf.reshape(tf.slice(w, 0, o1), [d, h]);
    const b1 = tf.slice(w, o1, h);
    const W2 = tf.reshape(tf.slice(w, o2, h * c), [h, c]);
    const b2 = tf.slice(w, o3, c);
    const H = tfAct(act, tf.add(tf.matMul(Xt, W1), b1));
    const F = tf.add(tf.matMul(H, W2), b2);
    if (loss === 'mse') return tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(F, Yt)))), n) as Scalar;
    return tf.losses.softmaxCrossEntropy(Yt, F) as Scalar;
  };
  const a = ref.act[act];
  const reference = (w: Float64Array): number => {
    const H = ref.map(ref.addBias(ref.matMul(X, w.subarray(0, o1), n, d, h), w.subarray(o1, o2), n, h), a);
    const F = ref.addBias(ref.matMul(H, w.subarray(o2, o3), n, h, c), w.subarray(o3), n, c);
    return loss === 'mse' ? ref.mse(F, Y, n) : ref.crossEntropy(F, Y, n, c);
  };
  return { dim, loss: lossFn, reference, w0 };
}
