/**
 * The per-step Problem of fl.train: `options.batch` resolved and checked before the first step, and
 * the fromModel minibatch problem that draws its own minibatch each step when no `batch` is given.
 */
import type { Problem } from '../tensor/types.js';

/** A problem that may draw its own minibatches: fromModel's (`sample(step)`, `batch`, `current`) or the generic `sample(b, { step })`. */
type Sampling = Problem & { sample?: (...args: unknown[]) => unknown; batch?: 'full' | number; current?: unknown };

/** A fromModel problem built with { batch: b }: its `sample(step)` makes minibatch `step` current. */
const drawsOwnMinibatches = (p: Sampling): p is Sampling & { batch: number } =>
  typeof p.sample === 'function' && typeof p.current === 'function' && typeof p.batch === 'number';

/**
 * The per-step problem of `options.batch`, resolved (and checked) before the first step: a function is
 * called with the step (its result checked); a number b on a fromModel problem built with { batch: b }
 * makes minibatch `step` current and trains on the problem itself; a number on any other problem calls
 * its `sample(b, { step })`, which must return a Problem. No `batch` (and no `batchSize` controller) on
 * a fromModel minibatch problem: as if `batch: b` were given, so that step t never silently reuses
 * minibatch 0 (the one fromModel makes current when it is built).
 */
export function minibatches(problem: Problem, batch: number | ((step: number) => Problem) | undefined, controlled: boolean): ((step: number) => Problem) | null {
  if (batch === undefined) {
    const p = problem as Sampling;
    return !controlled && drawsOwnMinibatches(p) ? (step) => { p.sample!(step); return problem; } : null;
  }
  if (typeof batch === 'function') {
    return (step) => {
      const q = batch(step);
      if (!q || typeof q.lossAndGrad !== 'function') throw new TypeError(`train: options.batch(${step}) must return the step's Problem, got ${q === null ? 'null' : typeof q}.`);
      return q;
    };
  }
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`train: options.batch must be a positive integer or a function (step) => Problem, got ${String(batch)}.`);
  const p = problem as Sampling;
  const sample = p.sample;
  const build = `fl.problem.fromModel(model, data, loss, { batch: ${batch} })`;
  if (typeof sample !== 'function') throw new Error(`train: options.batch = ${batch} needs a problem that draws minibatches: build it with ${build}, or give it problem.sample(batchSize, { step }) returning the minibatch's Problem, or pass batch as a function (step) => Problem.`);
  if (typeof p.current === 'function' && p.batch !== undefined) {
    if (p.batch === 'full') throw new Error(`train: options.batch = ${batch}, but this fromModel problem is full batch. Build it with ${build} (its sample(step) draws the minibatches), or drop options.batch to train on the full batch.`);
    if (p.batch !== batch) throw new Error(`train: options.batch = ${batch}, but this fromModel problem draws minibatches of ${p.batch}. Pass batch: ${p.batch}, or build the problem with ${build}.`);
    return (step) => { sample.call(p, step); return problem; };
  }
  return (step) => {
    const q = sample.call(p, batch, { step }) as Problem;
    if (!q || typeof q.lossAndGrad !== 'function') throw new TypeError(`train: problem.sample(${batch}, { step: ${step} }) must return the minibatch's Problem, got ${q === null ? 'null' : typeof q}. For a fromModel problem, build it with ${build}.`);
    return q;
  };
}
