/** Shared test objectives for the optimizer table (not a test file itself). */
import { tf } from '../../src/tensor/tf.js';
import { problem } from '../../src/tensor/index.js';
import type { Problem, ParamSpec, Tensor1D } from '../../src/tensor/types.js';

export interface Objective { name: string; P: Problem; w0: () => Tensor1D; reference: (w: Float64Array) => number }

/** ½ Σ aᵢ(wᵢ − cᵢ)², a = 1..dim (condition number dim), from w = 0; minimum 0 at c. */
export function quadratic(dim = 6): Objective {
  const a = Float64Array.from({ length: dim }, (_, i) => 1 + i);
  const c = Float64Array.from({ length: dim }, (_, i) => 1 - 0.3 * i);
  const A = tf.tensor1d(Float32Array.from(a));
  const C = tf.tensor1d(Float32Array.from(c));
  tf.keep(A); tf.keep(C);
  const P = problem((w) => tf.mul(0.5, tf.sum(tf.mul(A, tf.square(tf.sub(w, C))))), { dim, name: 'quadratic' });
  return { name: 'quadratic', P, w0: () => tf.zeros([dim]) as Tensor1D, reference: (w) => 0.5 * a.reduce((s, ai, i) => s + ai * (w[i] - c[i]) ** 2, 0) };
}

/** Rosenbrock (1 − x)² + 100(y − x²)² from (−2, 2) (the pytorch-optimizer test function). */
export function rosenbrock(): Objective {
  const P = problem((w) => {
    const [x, y] = tf.split(w, 2) as [Tensor1D, Tensor1D];
    return tf.sum(tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x))))));
  }, { dim: 2, name: 'rosenbrock' });
  return { name: 'rosenbrock', P, w0: () => tf.tensor1d([-2, 2]), reference: (w) => (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2 };
}

/** A spec helper: consecutive named entries. */
export function makeSpec(entries: { name: string; shape: number[]; kind?: 'weight' | 'bias' }[]): ParamSpec {
  let offset = 0;
  const out = entries.map((e) => {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const entry = { name: e.name, shape: e.shape, offset, size, outputAxis: e.shape.length > 1 ? e.shape.length - 1 : null, kind: e.kind ?? (e.shape.length > 1 ? 'weight' : 'bias') } as const;
    offset += size;
    return { ...entry };
  });
  return { entries: out, numParams: offset };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
}

/**
 * A small MLP written with tf ops: 4 → 8 (tanh) → 1, MSE ½ mean (f − y)² on 24 fixed points of
 * y = sin(x₀) + x₁x₂ − 0.5x₃; parameters W1 [4, 8], b1 [8], W2 [8, 1] in one flat w with a spec.
 */
export function mlp(): Objective {
  const spec = makeSpec([{ name: 'W1', shape: [4, 8] }, { name: 'b1', shape: [8] }, { name: 'W2', shape: [8, 1] }]);
  const r = lcg(7);
  const n = 24;
  const X = Float32Array.from({ length: n * 4 }, () => 2 * r());
  const Y = Float32Array.from({ length: n }, (_, i) => Math.sin(X[4 * i]) + X[4 * i + 1] * X[4 * i + 2] - 0.5 * X[4 * i + 3]);
  const Xt = tf.keep(tf.tensor2d(X, [n, 4]));
  const Yt = tf.keep(tf.tensor2d(Y, [n, 1]));
  const P = problem((w) => {
    const W1 = tf.reshape(tf.slice(w, [0], [32]), [4, 8]) as tf.Tensor2D;
    const b1 = tf.slice(w, [32], [8]);
    const W2 = tf.reshape(tf.slice(w, [40], [8]), [8, 1]) as tf.Tensor2D;
    const h = tf.tanh(tf.add(tf.matMul(Xt, W1), b1)) as tf.Tensor2D;
    return tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.matMul(h, W2), Yt))));
  }, { dim: spec.numParams, name: 'mlp', spec });
  const init = Float32Array.from({ length: spec.numParams }, (_, i) => (i < 40 && i >= 32 ? 0 : 0.8 * r()));
  return { name: 'mlp', P, w0: () => tf.tensor1d(init), reference: () => NaN };
}
