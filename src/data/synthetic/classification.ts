/**
 * Seeded synthetic classification sets: Gaussian mixtures, two moons, spirals, and linearly
 * separable data with a margin (for large-step logistic regression).
 */
import { tf } from '../../tensor/tf.js';
import { makeDataset, oneHot, type Dataset } from '../dataset.js';
import { rng, type Rng } from '../random.js';

function check(who: string, name: string, v: number, min = 1): void {
  if (!Number.isFinite(v) || v < min) throw new Error(`${who}: ${name} must be a number ≥ ${min}, got ${v}`);
}

/** Builds a dataset of points [n, dim] with integer labels, shuffled by r. */
function pointsDataset(name: string, pts: number[][], labels: number[], classes: number, r: Rng): Dataset {
  const perm = r.permutation(pts.length);
  const dim = pts[0].length;
  const x = new Float32Array(pts.length * dim);
  const lab = new Int32Array(pts.length);
  perm.forEach((src, i) => {
    x.set(pts[src], i * dim);
    lab[i] = labels[src];
  });
  return makeDataset({ name, x: tf.tensor2d(x, [pts.length, dim]), y: oneHot(lab, classes), labels: lab, classes, shape: [dim] });
}

/**
 * Mixture of `classes` isotropic Gaussians N(μ_k, std²I): in 2-D the means sit on a circle of
 * radius `separation` (angles 2πk/classes); in higher dimensions they are `separation` times
 * random unit vectors. Example i belongs to class i mod classes (balanced).
 * @example const data = gaussianMixture({ n: 200, classes: 3 });
 */
export function gaussianMixture({ n = 200, classes = 2, dim = 2, separation = 3, std = 1, seed = 0 } = {}): Dataset {
  check('gaussianMixture', 'n', n);
  check('gaussianMixture', 'classes', classes, 2);
  check('gaussianMixture', 'dim', dim);
  const r = rng(seed);
  const means = Array.from({ length: classes }, (_, k) => {
    if (dim === 2) return [separation * Math.cos((2 * Math.PI * k) / classes), separation * Math.sin((2 * Math.PI * k) / classes)];
    const u = Array.from({ length: dim }, () => r.normal());
    const norm = Math.hypot(...u);
    return u.map((v) => (separation * v) / norm);
  });
  const pts: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    pts.push(means[k].map((m) => m + std * r.normal()));
    labels.push(k);
  }
  return pointsDataset(`gaussianMixture[n=${n},classes=${classes},dim=${dim}]`, pts, labels, classes, r);
}

/**
 * Two interleaving half circles (as scikit-learn's make_moons): class 0 at (cos t, sin t), class 1
 * at (1 − cos t, ½ − sin t), t evenly spaced in [0, π], plus N(0, noise²) jitter.
 * @example const data = twoMoons({ n: 200, noise: 0.1 });
 */
export function twoMoons({ n = 200, noise = 0.1, seed = 0 } = {}): Dataset {
  check('twoMoons', 'n', n, 2);
  const r = rng(seed);
  const nOut = Math.floor(n / 2);
  const pts: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const outer = i < nOut;
    const m = outer ? nOut : n - nOut;
    const t = (Math.PI * (outer ? i : i - nOut)) / Math.max(1, m - 1);
    const p = outer ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    pts.push(p.map((v) => v + noise * r.normal()));
    labels.push(outer ? 0 : 1);
  }
  return pointsDataset(`twoMoons[n=${n}]`, pts, labels, 2, r);
}

/**
 * Interleaved spirals: class k at radius t and angle 2π·turns·t + 2πk/classes, t ∈ [0, 1]
 * evenly spaced, plus N(0, noise²) on the angle.
 * @example const data = spirals({ n: 300, classes: 3 });
 */
export function spirals({ n = 200, classes = 2, turns = 1, noise = 0.1, seed = 0 } = {}): Dataset {
  check('spirals', 'n', n, 2);
  check('spirals', 'classes', classes, 2);
  const r = rng(seed);
  const pts: number[][] = [];
  const labels: number[] = [];
  const per = Math.ceil(n / classes);
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    const t = Math.floor(i / classes) / Math.max(1, per - 1);
    const a = 2 * Math.PI * turns * t + (2 * Math.PI * k) / classes + noise * r.normal();
    pts.push([t * Math.cos(a), t * Math.sin(a)]);
    labels.push(k);
  }
  return pointsDataset(`spirals[n=${n},classes=${classes}]`, pts, labels, classes, r);
}

/**
 * Linearly separable data with a margin: x ~ N(0, I_dim) conditioned on |uᵀx| ≥ margin for a
 * random unit vector u, label sign(uᵀx). y holds ±1 targets [n, 1] for the `logistic` loss
 * (labels: 1 for +1, 0 for −1). Used for large-step logistic regression (e.g. Wu, Bartlett,
 * Telgarsky, Yu 2024, arXiv:2402.15926). The direction u is returned as `direction`.
 * @example const data = separable({ n: 100, dim: 2, margin: 0.2 });
 */
export function separable({ n = 100, dim = 2, margin = 0.1, seed = 0 } = {}): Dataset & { direction: Float64Array } {
  check('separable', 'n', n);
  check('separable', 'dim', dim);
  if (!(margin >= 0)) throw new Error(`separable: margin must be ≥ 0, got ${margin}`);
  const r = rng(seed);
  const u = Float64Array.from({ length: dim }, () => r.normal());
  const un = Math.hypot(...u);
  u.forEach((v, i) => (u[i] = v / un));
  const x = new Float32Array(n * dim);
  const y = new Float32Array(n);
  const lab = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let p: number[];
    let s: number;
    let tries = 0;
    do {
      p = Array.from({ length: dim }, () => r.normal());
      s = p.reduce((a, v, j) => a + v * u[j], 0);
      if (++tries > 100000) throw new Error(`separable: margin ${margin} too large to sample (P(|uᵀx| ≥ margin) ≈ 0); use a smaller margin`);
    } while (Math.abs(s) < margin);
    x.set(p, i * dim);
    y[i] = s > 0 ? 1 : -1;
    lab[i] = s > 0 ? 1 : 0;
  }
  const ds = makeDataset({ name: `separable[n=${n},dim=${dim},margin=${margin}]`, x: tf.tensor2d(x, [n, dim]), y: tf.tensor2d(y, [n, 1]), labels: lab, classes: 2, shape: [dim] });
  return Object.assign(ds, { direction: u });
}
