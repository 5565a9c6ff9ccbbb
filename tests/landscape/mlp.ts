/** A small tanh MLP regression Problem (≤ 200 parameters) built with fl.problem, with its spec. */
import { problem, tf } from '../../src/tensor/index.js';
import type { ParamSpec, Problem, Tensor1D } from '../../src/tensor/types.js';
import { readAndDispose } from '../../src/tensor/read.js';

/** 4 → 12 → 3 tanh MLP on 16 fixed Gaussian examples, MSE = ½Σ(f − y)² averaged: 99 parameters. */
export async function smallMlp(): Promise<{ P: Problem; w0: Float32Array; dispose: () => void }> {
  const nin = 4, nh = 12, nout = 3, n = 16;
  const shapes: [string, number[], 'weight' | 'bias'][] = [['dense1/kernel', [nin, nh], 'weight'], ['dense1/bias', [nh], 'bias'], ['dense2/kernel', [nh, nout], 'weight'], ['dense2/bias', [nout], 'bias']];
  let offset = 0;
  const entries = shapes.map(([name, shape, kind]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const e = { name, shape, offset, size, outputAxis: shape.length > 1 ? shape.length - 1 : null, kind };
    offset += size;
    return e;
  });
  const spec: ParamSpec = { entries, numParams: offset };
  const X = tf.randomNormal([n, nin], 1, 1, 'float32', 1); // uncentred inputs: an outlier top eigenvalue, as in real nets
  const Y = tf.randomNormal([n, nout], 0, 1, 'float32', 2);
  const part = (w: Tensor1D, i: number) => tf.reshape(tf.slice(w, [entries[i].offset], [entries[i].size]), entries[i].shape);
  const P = problem((w) => {
    const h = tf.tanh(tf.add(tf.matMul(X, part(w, 0) as tf.Tensor2D), part(w, 1)));
    const f = tf.add(tf.matMul(h, part(w, 2) as tf.Tensor2D), part(w, 3));
    return tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(f, Y)), 1)));
  }, { dim: offset, spec, name: 'mlp' });
  const w0 = Float32Array.from((await readAndDispose([tf.randomNormal([offset], 0, 0.7, 'float32', 3)]))[0]);
  return { P, w0, dispose: () => { X.dispose(); Y.dispose(); } };
}

/** The full Hessian assembled from hvpBatch columns (H eᵢ), symmetrised, in float64. */
export async function denseHessian(P: Problem, w: Float32Array): Promise<Float64Array> {
  const n = P.dim;
  const H = tf.tidy(() => P.hvpBatch(tf.tensor1d(w), tf.eye(n) as tf.Tensor2D));
  const [h] = await readAndDispose([H]);
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = 0.5 * (h[i * n + j] + h[j * n + i]);
  return S;
}
