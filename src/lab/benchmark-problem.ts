/**
 * A benchmark problem (AlgoPerf's "workload"): a training problem per seed, held-out evaluation
 * splits, a step budget and a target on a held-out metric.
 */
import { tf } from '../tensor/tf.js';
import type { Problem, Tensor, Tensor1D } from '../tensor/types.js';
import { fromModel, type ModelProblem, type SupervisedData } from '../models/fromModel.js';
import type { Loss } from '../models/losses.js';
import type { Model } from '../models/model.js';

/**
 * A target on a held-out metric: reached when metric ≥ value (goal 'max', e.g. accuracy) or
 * metric ≤ value (goal 'min', e.g. loss). Default goal: 'min' for names containing "loss" or
 * "error", else 'max'.
 */
export interface Target { metric: string; value: number; goal?: 'max' | 'min' }

/** The held-out split an evaluation uses: 'valid' picks hyperparameters, 'test' scores them. */
export type Split = 'valid' | 'test';

/** One training run's set-up (owned by the caller of `setup`: call `dispose()` when done). */
export interface BenchmarkRun {
  /** The training problem (a minibatch problem when the benchmark trains on minibatches). */
  problem: Problem;
  /** Initial point for this seed. */
  w0: Tensor1D;
  /** Minibatch for step t (fl.train's `batch` option); absent: full batch. */
  batch?: (step: number) => Problem;
  dispose(): void;
}

/** What the benchmark needs of a problem (implement it directly for problems not built from a model). */
export interface BenchmarkProblem {
  name: string;
  /** Step budget of every run (AlgoPerf's max_runtime, in steps). */
  steps: number;
  /** Evaluate on the held-out split every `evalEvery` steps (and after the last step). */
  evalEvery: number;
  /** The default target (the benchmark's `target` option can override it). */
  target: Target;
  /** A fresh run for `seed`: initialisation and minibatch order both follow the seed. */
  setup(seed: number): BenchmarkRun;
  /** Held-out metrics at w (async: one read), e.g. { loss, accuracy }. */
  evaluate(w: Tensor1D, split: Split): Promise<Record<string, number>>;
  /** Frees what the problem holds (its evaluation problems; not the data sets). */
  dispose(): void;
}

/** Options of `benchmarkProblem`. */
export interface BenchmarkProblemOptions {
  name: string;
  model: Model;
  /** A loss (fl.models.*) or its name ('crossEntropy', 'maskedCrossEntropy', 'mse', …). */
  loss: Loss | string;
  train: SupervisedData;
  /** Held-out data for tuning. */ valid: SupervisedData;
  /** Held-out data for scoring (default: valid). */ test?: SupervisedData;
  /** Minibatch size (default 32; 'full' for full-batch training). */ batch?: number | 'full';
  steps: number;
  /** Default ⌈steps/20⌉. */ evalEvery?: number;
  target: Target;
}

/**
 * Whether `value` meets `target` (NaN never does).
 * @example reachesTarget({ metric: 'accuracy', value: 0.9 }, 0.93) // true
 */
export function reachesTarget(target: Target, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  return targetGoal(target) === 'max' ? value >= target.value : value <= target.value;
}

/**
 * 'max' or 'min' for a target (the default follows the metric's name).
 * @example targetGoal({ metric: 'loss', value: 0.1 }) // 'min'
 */
export function targetGoal(target: Target): 'max' | 'min' {
  return target.goal ?? (/loss|error/i.test(target.metric) ? 'min' : 'max');
}

/**
 * Throws an error naming what is wrong with a target.
 * @example checkTarget({ metric: 'accuracy', value: 0.9 }, 'benchmark') // passes
 */
export function checkTarget(target: Target, who: string): void {
  if (!target || typeof target.metric !== 'string' || !Number.isFinite(target.value)) throw new TypeError(`${who}: target must be { metric, value[, goal] }, e.g. { metric: 'accuracy', value: 0.9 }; got ${JSON.stringify(target)}.`);
  if (target.goal !== undefined && target.goal !== 'max' && target.goal !== 'min') throw new RangeError(`${who}: target.goal must be 'max' or 'min', got ${JSON.stringify(target.goal)}.`);
}

/**
 * A benchmark problem from a model, a loss and three data sets: seed s trains from `model.init(s)`
 * on minibatches of `batch` in the order `fromModel` draws for seed s; `evaluate` returns the
 * loss and accuracy on the whole valid or test set. Tensors of the data sets stay the caller's.
 * @example
 * const P = fl.lab.benchmarkProblem({ name: 'mlp-mnist', model, loss: 'crossEntropy', train, valid, test,
 *   batch: 32, steps: 200, evalEvery: 10, target: { metric: 'accuracy', value: 0.9 } });
 */
export function benchmarkProblem(o: BenchmarkProblemOptions): BenchmarkProblem {
  const who = 'benchmarkProblem';
  if (!o || typeof o.name !== 'string' || !o.name) throw new TypeError(`${who}: pass { name, model, loss, train, valid, steps, target }; name must be a non-empty string.`);
  if (!o.model || typeof o.model.apply !== 'function') throw new TypeError(`${who} '${o.name}': model must be a fl.models model (e.g. fl.models.mlp({...})).`);
  for (const k of ['train', 'valid'] as const) if (!o[k]?.x || !o[k]?.y) throw new TypeError(`${who} '${o.name}': ${k} must be a data set with tensors x and y (a fl.data Dataset).`);
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new RangeError(`${who} '${o.name}': steps must be a positive integer, got ${o.steps}.`);
  const evalEvery = o.evalEvery ?? Math.ceil(o.steps / 20);
  if (!Number.isInteger(evalEvery) || evalEvery < 1) throw new RangeError(`${who} '${o.name}': evalEvery must be a positive integer, got ${evalEvery}.`);
  checkTarget(o.target, `${who} '${o.name}'`);
  const batch = o.batch ?? 32;
  const held: Partial<Record<Split, ModelProblem>> = {};
  const heldOut = (split: Split) => (held[split] ??= fromModel(o.model, split === 'test' ? o.test ?? o.valid : o.valid, o.loss));
  return {
    name: o.name,
    steps: o.steps,
    evalEvery,
    target: o.target,
    setup(seed) {
      const P = fromModel(o.model, o.train, o.loss, batch === 'full' ? {} : { batch, seed });
      const w0 = tf.tensor1d(o.model.init(seed));
      return {
        problem: P,
        w0,
        batch: batch === 'full' ? undefined : (step: number) => { P.sample(step); return P; },
        dispose: () => { P.dispose(); w0.dispose(); },
      };
    },
    evaluate: async (w, split) => ({ ...(await heldOut(split).evaluate(w)) }),
    dispose: () => { for (const P of Object.values(held)) P?.dispose(); },
  };
}

/**
 * Splits a data set's examples into consecutive parts of the given sizes (views by tf.slice; the
 * caller disposes the returned tensors). Loaders already shuffle by seed, so consecutive parts
 * are random disjoint subsets.
 * @example const [valid, test] = splitExamples(fl.data.mnist({ split: 'test', n: 1000 }), [500, 500]);
 */
export function splitExamples(data: SupervisedData, sizes: number[]): SupervisedData[] {
  const n = data.x.shape[0];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1) || total > n) throw new RangeError(`splitExamples: sizes must be positive integers summing to at most the ${n} examples, got [${sizes}].`);
  let start = 0;
  return sizes.map((k) => {
    const part = (t: Tensor) => tf.slice(t, [start, ...Array(t.rank - 1).fill(0)], [k, ...t.shape.slice(1)]);
    const out: SupervisedData = { x: part(data.x), y: part(data.y), mask: data.mask ? part(data.mask) : undefined, name: `${data.name ?? 'data'}[${start}:${start + k}]` };
    start += k;
    return out;
  });
}
