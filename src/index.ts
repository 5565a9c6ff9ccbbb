/**
 * flowlab: a TypeScript lab for studying optimization in deep learning.
 *
 * @example
 * import * as fl from 'flowlab';
 * const tf = fl.tf;
 * const P = fl.problem((w) => tf.sum(tf.square(w)), { dim: 3 });
 * const run = await fl.train(P, fl.optim.adam({ lr: 0.1 }), { w0: tf.ones([3]), steps: 100 });
 * fl.plot.lines(run.table, { x: 'step', y: 'loss' });
 */
import { problem as makeProblem } from './tensor/index.js';
import { fromModel } from './models/index.js';

export { tf, backend, checkDerivatives, reference, read, readScalars, readPacked } from './tensor/index.js';
export type { Problem, ParamSpec, ParamEntry, Tensor, Scalar, Tensor1D, Tensor2D } from './tensor/index.js';

/**
 * `fl.problem(lossFn, { dim })` builds a Problem from any scalar function of a flat Tensor1D;
 * `fl.problem.fromModel(model, data, loss, { batch })` builds one from a model and a dataset.
 */
export const problem: typeof makeProblem & { fromModel: typeof fromModel } = Object.assign(
  (...args: Parameters<typeof makeProblem>) => makeProblem(...args),
  { fromModel },
);

export { train, sweep } from './lab/index.js';
export * as data from './data/index.js';
export * as models from './models/index.js';
export * as optim from './optim/index.js';
export * as landscape from './landscape/index.js';
export * as flows from './flows/index.js';
export * as lab from './lab/index.js';
export * as plot from './plot/index.js';
export * as remote from './remote/index.js';
export * as runtime from './runtime/index.js';
