/**
 * Adaptive batch sizes for fl.train (AdAdaGrad, Lau, Liu & Kolar 2024, arXiv 2402.11215): a
 * controller draws each step's minibatch of the current size, tests the step's gradient against
 * the gradients of its microbatches, and grows the batch when the test fails. The optimizer is
 * any of the zoo (AdAdaGrad: fl.optim.adagrad / adagradNorm; also adam).
 */
import { tf } from '../tensor/tf.js';
import type { Problem, Tensor, Tensor1D } from '../tensor/types.js';
import { readScalars } from '../tensor/read.js';
import { rng } from '../data/random.js';
import { fromModel, type ModelProblem } from '../models/fromModel.js';

/** The adaptive-sampling tests. */
export type BatchTest = 'norm' | 'innerProduct' | 'augmentedInnerProduct' | 'coordinateNorm';

/** What fl.train asks of a batch-size controller (option `batchSize`). */
export interface BatchSizeController {
  readonly name: string;
  /** The minibatch Problem of step `step` at the current size (owned by the controller until the next call). */
  batch(step: number): { problem: Problem; size: number };
  /** After the step's gradient at w: runs the test (async, one packed read) and returns the row's columns. */
  observe(w: Tensor1D, step: number): Promise<Record<string, number>>;
  /** Frees the current minibatch's tensors (the controller stays usable). */
  release(): void;
}

/** Options of `adaptiveBatch`. */
export interface AdaptiveBatchOptions {
  /** 'norm' (default), 'innerProduct', 'augmentedInnerProduct' or 'coordinateNorm' (AdAdaGrad's coordinate-wise norm test). */ test?: BatchTest;
  /** Norm-test tolerance η (default 0.5). */ eta?: number;
  /** Inner-product-test tolerance ϑ (default 0.5). */ theta?: number;
  /** Orthogonality-test tolerance ν of the augmented test (default 2). */ nu?: number;
  /** Initial batch size b₀ (default 8). */ b0?: number;
  /** Largest batch size (default: the data set size). */ bMax?: number;
  /** Microbatches J whose gradients estimate the variance (default 8; batch sizes stay multiples of J; J = b gives per-example gradients). */ microbatches?: number;
  /** Test every `every` steps (default 1). */ every?: number;
  /** Seed of the minibatch draws (default 0). */ seed?: number;
}

/**
 * The statistics of the adaptive-sampling tests from microbatch gradients g_1…g_J (rows of G) of
 * equal size, ḡ = mean g_j, all on the device (scalars: ‖ḡ‖², and the variance estimates of ḡ):
 *   norm:          V_n  = Σ‖g_j − ḡ‖² / (J(J−1))
 *   inner product: V_ip = Σ(⟨g_j, ḡ⟩ − ‖ḡ‖²)² / (J(J−1))
 *   orthogonality: V_o  = Σ‖g_j − (⟨g_j, ḡ⟩/‖ḡ‖²)ḡ‖² / (J(J−1))
 *   coordinate-wise: R_c = max_i [Σ_j (g_ji − ḡ_i)² / (J(J−1))] / ḡ_i²   (the worst coordinate's variance-to-signal ratio)
 * @example const [g2, Vn, Vip, Vo, Rc] = await fl.readScalars(batchTestStatistics(G));
 */
export function batchTestStatistics(G: Tensor): [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar] {
  return tf.tidy(() => {
    const J = G.shape[0];
    const c = 1 / (J * (J - 1));
    const gbar = tf.mean(G, 0, true);
    const g2 = tf.sum(tf.square(gbar));
    const dots = tf.sum(tf.mul(G, gbar), 1);
    const Vn = tf.mul(tf.sum(tf.square(tf.sub(G, gbar))), c);
    const Vip = tf.mul(tf.sum(tf.square(tf.sub(dots, g2))), c);
    const orth = tf.sub(G, tf.mul(tf.reshape(tf.div(dots, tf.maximum(g2, 1e-30)), [J, 1]), gbar));
    const Vo = tf.mul(tf.sum(tf.square(orth)), c);
    const Vi = tf.mul(tf.sum(tf.square(tf.sub(G, gbar)), 0), c);
    const Rc = tf.max(tf.div(Vi, tf.maximum(tf.square(tf.reshape(gbar, [-1])), 1e-30)));
    return [g2, Vn, Vip, Vo, Rc] as [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar];
  });
}

/**
 * The next batch size from the statistics (Byrd et al. 2012; Bollapragada, Byrd & Nocedal 2018;
 * AdAdaGrad's Algorithm 1): the norm test passes when V_n ≤ η²‖ḡ‖², the inner-product test when
 * V_ip ≤ ϑ²‖ḡ‖⁴, the augmented test when that and V_o ≤ ν²‖ḡ‖² hold, the coordinate-wise norm test
 * (AdAdaGrad's, for AdaGrad's per-coordinate steps) when every coordinate's variance is ≤ η²ḡ_i², i.e.
 * R_c ≤ η² (a coordinate with ḡ_i ≈ 0 fails it hard: the batch jumps toward bMax). Variances of ḡ scale like 1/b,
 * so a failing test asks for b' = ⌈b·V/threshold⌉; the batch never shrinks: b_next = min(bMax, max(b, b')).
 * `ratio` is the test's V/threshold (≤ 1: passed; the largest for the augmented test).
 * @example nextBatchSize({ g2: 1, Vn: 0.5, Vip: 0, Vo: 0 }, 8, { test: 'norm', eta: 0.5 })   // { size: 16, ratio: 2 }
 */
export function nextBatchSize(s: { g2: number; Vn: number; Vip: number; Vo: number; Rc?: number }, b: number, { test = 'norm', eta = 0.5, theta = 0.5, nu = 2, bMax = Infinity, multiple = 1 }: AdaptiveBatchOptions & { multiple?: number } = {}): { size: number; ratio: number } {
  const ratios = test === 'norm' ? [s.Vn / (eta * eta * s.g2)]
    : test === 'innerProduct' ? [s.Vip / (theta * theta * s.g2 * s.g2)]
    : test === 'coordinateNorm' ? [(s.Rc ?? NaN) / (eta * eta)]
    : [s.Vip / (theta * theta * s.g2 * s.g2), s.Vo / (nu * nu * s.g2)];
  const ratio = Math.max(...ratios.map((r) => (Number.isFinite(r) ? r : Infinity)));
  let size = b;
  if (ratio > 1) size = Number.isFinite(ratio) ? Math.ceil(b * ratio) : bMax;
  size = Math.min(bMax, Math.max(b, Math.ceil(size / multiple) * multiple));
  return { size, ratio };
}

/**
 * A batch-size controller for fl.train (option `batchSize`) over a model Problem's data set: each
 * step draws b examples without replacement (seeded by (seed, step)), splits them into J equal
 * microbatches, and after the step's gradient computes the microbatch gradients and the test of
 * `nextBatchSize`; a failing test grows b for the next step. Columns: `batchSize` (this step's b),
 * `batchTest` (V/threshold, ≤ 1 passes). One extra packed read per tested step. The current b is
 * not checkpointed (a resumed run restarts from b₀). Defaults: norm test, η = ϑ = 0.5, ν = 2, b₀ 8, J 8.
 * @example
 * const P = fl.problem.fromModel(model, data, 'crossEntropy');
 * const run = await fl.train(P, fl.optim.adagrad({ lr: 0.1 }), { w0, steps: 200, batchSize: fl.lab.adaptiveBatch(P, { test: 'innerProduct' }) });
 * run.table.columnNames();   // [..., 'batchSize', 'batchTest']
 */
export function adaptiveBatch(P: Pick<ModelProblem, 'model' | 'data' | 'lossFn'>, options: AdaptiveBatchOptions = {}): BatchSizeController {
  const { test = 'norm', b0 = 8, microbatches = 8, every = 1, seed = 0 } = options;
  if (!P?.model || !P.data || !P.lossFn) throw new TypeError('adaptiveBatch: P must be a model Problem (fl.problem.fromModel(model, data, loss)).');
  if (!['norm', 'innerProduct', 'augmentedInnerProduct', 'coordinateNorm'].includes(test)) throw new RangeError(`adaptiveBatch: test must be 'norm', 'innerProduct', 'augmentedInnerProduct' or 'coordinateNorm', got ${String(test)}.`);
  const n = P.data.x.shape[0];
  const bMax = Math.floor(Math.min(options.bMax ?? n, n) / microbatches) * microbatches;
  if (!Number.isInteger(microbatches) || microbatches < 2) throw new RangeError(`adaptiveBatch: microbatches must be an integer ≥ 2, got ${microbatches}.`);
  if (!Number.isInteger(b0) || b0 < microbatches || b0 % microbatches !== 0 || b0 > bMax) throw new RangeError(`adaptiveBatch: b0 must be a multiple of microbatches (${microbatches}) in ${microbatches}…${bMax}, got ${b0}.`);
  let size = b0;
  let current: { problem: ModelProblem; x: Tensor[]; idx: Int32Array; step: number } | null = null;
  const take = (idx: Int32Array) => {
    const it = tf.tensor1d(idx, 'int32');
    const parts = [tf.gather(P.data.x, it), tf.gather(P.data.y, it), ...(P.data.mask ? [tf.gather(P.data.mask, it)] : [])];
    it.dispose();
    return parts;
  };
  const release = () => { if (current) { current.problem.dispose(); tf.dispose(current.x); current = null; } };
  return {
    name: `adaptiveBatch(${test})`,
    batch(step) {
      release();
      const idx = rng(seed * 1000003 + step).permutation(n).slice(0, size);
      const [x, y, mask] = take(idx);
      const problem = fromModel(P.model, { x, y, mask }, P.lossFn);
      current = { problem, x: [x, y, ...(mask ? [mask] : [])], idx, step };
      return { problem, size };
    },
    async observe(w, step): Promise<Record<string, number>> {
      const b = size;
      if (!current || current.step !== step || step % every !== 0) return { batchSize: b };
      const J = microbatches;
      const k = b / J;
      const grads: Tensor1D[] = [];
      for (let j = 0; j < J; j++) {
        const [x, y, mask] = take(current.idx.slice(j * k, (j + 1) * k));
        const Q = fromModel(P.model, { x, y, mask }, P.lossFn);
        grads.push(Q.grad(w));
        Q.dispose();
        tf.dispose([x, y, ...(mask ? [mask] : [])]);
      }
      const G = tf.stack(grads);
      tf.dispose(grads);
      const stats = batchTestStatistics(G);
      G.dispose();
      const [g2, Vn, Vip, Vo, Rc] = await readScalars(stats).finally(() => tf.dispose(stats));
      const next = nextBatchSize({ g2, Vn, Vip, Vo, Rc }, b, { ...options, test, bMax, multiple: J });
      size = next.size;
      return { batchSize: b, batchTest: next.ratio };
    },
    release,
  };
}
