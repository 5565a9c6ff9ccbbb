/** Seeded sequence tasks: the sorting task and AR(1) sequences for in-context learning. */
import { tf } from '../../tensor/tf.js';
import { makeDataset, type Dataset } from '../dataset.js';
import { rng } from '../random.js';

/**
 * The sorting task of the central-flows paper (after Karpathy's minGPT demo): a random sequence s
 * of `length` tokens from {0 … vocab−1} followed by sort(s); next-token prediction on
 * cat = [s, sort(s)]: x = cat[:−1] (2·length − 1 tokens), targets cat[1:], the first length − 1
 * targets masked (they predict the random input). x int32 [n, 2L−1], y one-hot [n, 2L−1, vocab],
 * mask [n, 2L−1], labels (−1 where masked). Cohen et al. 2025, arXiv:2410.24206.
 * @example const data = sortingTask({ n: 1000 }); // use with maskedCrossEntropy / maskedMse
 */
export function sortingTask({ n = 1000, vocab = 4, length = 8, seed = 0 } = {}): Dataset {
  for (const [k, v] of [['n', n], ['vocab', vocab], ['length', length]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`sortingTask: ${k} must be a positive integer, got ${v}`);
  }
  const r = rng(seed);
  const T = 2 * length - 1;
  const x = new Int32Array(n * T);
  const labels = new Int32Array(n * T);
  const y = new Float32Array(n * T * vocab);
  const mask = new Float32Array(n * T);
  for (let i = 0; i < n; i++) {
    const s = Array.from({ length }, () => r.int(vocab));
    const cat = [...s, ...[...s].sort((a, b) => a - b)];
    for (let t = 0; t < T; t++) {
      x[i * T + t] = cat[t];
      if (t < length - 1) {
        labels[i * T + t] = -1;
      } else {
        labels[i * T + t] = cat[t + 1];
        mask[i * T + t] = 1;
        y[(i * T + t) * vocab + cat[t + 1]] = 1;
      }
    }
  }
  return makeDataset({
    name: `sortingTask[n=${n},vocab=${vocab},length=${length}]`,
    x: tf.tensor2d(x, [n, T], 'int32'),
    y: tf.tensor3d(y, [n, T, vocab]),
    mask: tf.tensor2d(mask, [n, T]),
    labels,
    classes: vocab,
    shape: [T],
  });
}

/**
 * A random d×d orthogonal matrix (Gram–Schmidt on a Gaussian matrix), row-major.
 * @example randomOrthogonal(3, rng(0)) // rows are orthonormal
 */
export function randomOrthogonal(d: number, r: ReturnType<typeof rng>): Float64Array {
  const Q = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (;;) {
      const v = Float64Array.from({ length: d }, () => r.normal());
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += v[k] * Q[j * d + k];
        for (let k = 0; k < d; k++) v[k] -= dot * Q[j * d + k];
      }
      const nv = Math.hypot(...v);
      if (nv > 1e-8) {
        for (let k = 0; k < d; k++) Q[i * d + k] = v[k] / nv;
        break;
      }
    }
  }
  return Q;
}

/**
 * AR(1) sequences for in-context learning: for each sequence a fresh random orthogonal W, x₀ ~ N(0, I/dim),
 * x_{t+1} = W x_t (+ N(0, noise²)). x = seq[0 … T−2], y = seq[1 … T−1] (next-vector regression),
 * x, y [n, T−1, dim]; mask [n, T−1] zero on the first `maskFirst` positions (default 0).
 * @example const data = ar1Sequences({ n: 256, dim: 4, length: 16 });
 */
export function ar1Sequences({ n = 1000, dim = 4, length = 16, noise = 0, maskFirst = 0, seed = 0 } = {}): Dataset {
  for (const [k, v] of [['n', n], ['dim', dim], ['length', length]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`ar1Sequences: ${k} must be a positive integer, got ${v}`);
  }
  if (length < 2) throw new Error(`ar1Sequences: length must be ≥ 2, got ${length}`);
  const r = rng(seed);
  const T = length - 1;
  const x = new Float32Array(n * T * dim);
  const y = new Float32Array(n * T * dim);
  const mask = new Float32Array(n * T);
  for (let i = 0; i < n; i++) {
    const W = randomOrthogonal(dim, r);
    let cur = Array.from({ length: dim }, () => r.normal() / Math.sqrt(dim));
    for (let t = 0; t <= T; t++) {
      if (t < T) x.set(cur, (i * T + t) * dim);
      if (t > 0) y.set(cur, (i * T + t - 1) * dim);
      const next = new Array(dim).fill(0);
      for (let a = 0; a < dim; a++) {
        for (let b = 0; b < dim; b++) next[a] += W[a * dim + b] * cur[b];
        next[a] += noise * r.normal();
      }
      cur = next;
    }
    for (let t = maskFirst; t < T; t++) mask[i * T + t] = 1;
  }
  return makeDataset({
    name: `ar1Sequences[n=${n},dim=${dim},length=${length}]`,
    x: tf.tensor3d(x, [n, T, dim]),
    y: tf.tensor3d(y, [n, T, dim]),
    mask: tf.tensor2d(mask, [n, T]),
    labels: null,
    classes: 0,
    shape: [T, dim],
  });
}
