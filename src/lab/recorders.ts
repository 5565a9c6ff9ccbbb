/**
 * Recorders: pluggable per-step measurements for train() (and any loop that wants columns).
 * A recorder has a name, an interval and a function of the step context returning a number
 * (column `name`) or a record of numbers (one column per key, named by the key), or a promise of
 * either (recorders that read tensors are async: see src/tensor/read.ts).
 */
import { tf } from '../tensor/tf.js';
import type { Problem, Tensor, Tensor1D } from '../tensor/types.js';
import type { GradientTransformation, OptState, Params } from '../optim/types.js';
import { sharpness, preconditionedSharpness, topEigenpairs } from '../landscape/index.js';
import { readAndDispose } from '../tensor/read.js';

/** What a recorder sees at step t (all tensors belong to train(): read them, never dispose them). */
export interface StepContext {
  /** Step index t: the row describes iterate w_t and the update w_t → w_{t+1}. */
  step: number;
  problem: Problem;
  /** w_t. */ w: Tensor1D;
  /** ∇L(w_t) (of the minibatch when batching). */ grad: Tensor1D;
  /** L(w_t) (of the minibatch when batching). */ loss: number;
  /** The update applied (w_{t+1} − w_t). */ updates: Params;
  /** Optimizer state after the update (it produced w_{t+1}). */ state: OptState;
  /** Optimizer state at w_t, before the update: what belongs to the same step as w_t (Schedule-Free's x_t). */ stateBefore: OptState;
  optimizer: GradientTransformation;
  /** Learning rate used at this step (NaN when the optimizer has no `lr`). */ lr: number;
  /** The table row recorded at this step, when one was (callbacks only; e.g. live figures). */
  row?: Record<string, number | null>;
}

/** A pluggable column source for train(). */
export interface Recorder {
  name: string;
  /** Record every `every` steps (default 1). */
  every?: number;
  record(ctx: StepContext): number | Record<string, number> | Promise<number | Record<string, number>>;
}

/**
 * Sharpness λ_max(H(w_t)) by Lanczos (src/landscape). Column `sharpness`.
 * @example train(P, opt, { w0, steps, recorders: [sharpnessRecorder(10)] })
 */
export function sharpnessRecorder(every: number): Recorder {
  return { name: 'sharpness', every, record: async (c) => await sharpness(c.problem, c.w) };
}

/**
 * The top-k Hessian eigenvalues. Columns `eig1` … `eigk`.
 * @example train(P, opt, { w0, steps, recorders: [eigsRecorder(10, 3)] })
 */
export function eigsRecorder(every: number, k: number): Recorder {
  return {
    name: 'eigs', every,
    record: async (c) => {
      const { values } = await topEigenpairs(c.problem, c.w, { k });
      return Object.fromEntries(values.map((v, i) => [`eig${i + 1}`, v]));
    },
  };
}

/**
 * The diagonal preconditioner P = diag(√ν̂ + ε)/η of RMSProp/Adam-type states on a flat w
 * (Cohen et al. 2025, central flows): reads `leaves._.nu` (rmsprop) or `leaves._.v`
 * (adam/adamw), bias-corrected when the optimizer is. Returns null when the state has neither.
 * Async (reads ν̂ once).
 * @example const p = await adaptivePreconditioner(opt, state, 2e-5);
 */
export async function adaptivePreconditioner(opt: GradientTransformation, state: OptState, lr: number): Promise<Float32Array | null> {
  const leaves = (state as { leaves?: Record<string, Record<string, unknown>> }).leaves;
  const leaf = leaves?._;
  const count = (state as { count?: number }).count ?? 0;
  const h = opt.hyperparams as { b2?: number; eps?: number; biasCorrection?: boolean };
  const nu = (leaf?.nu ?? leaf?.v) as Tensor | undefined;
  if (!nu || !(nu instanceof tf.Tensor) || h.b2 === undefined) return null;
  const corr = h.biasCorrection === false ? 1 : 1 - Math.pow(h.b2, count);
  const eps = h.eps ?? 0;
  const p = tf.tidy(() => tf.div(tf.add(tf.sqrt(tf.div(nu, corr)), eps), lr));
  return (await readAndDispose([p]))[0];
}

/**
 * Effective sharpness λ_max(P⁻¹H) with P from `adaptivePreconditioner`. Column `preconditionedSharpness`.
 * @example train(P, rmsprop({ lr: 2e-5, biasCorrection: true }), { w0, steps, recorders: [preconditionedSharpnessRecorder(5)] })
 */
export function preconditionedSharpnessRecorder(every: number): Recorder {
  return {
    name: 'preconditionedSharpness', every,
    record: async (c) => {
      const p = await adaptivePreconditioner(c.optimizer, c.state, c.lr);
      if (!p) throw new Error(`train: every.preconditionedSharpness needs an RMSProp/Adam-type optimizer on a flat w (state with a second moment); ${c.optimizer.name} has none. Add your own recorder instead.`);
      return await preconditionedSharpness(c.problem, c.w, p);
    },
  };
}

/**
 * Loss of `evalProblem` (default: the step's problem) at the evaluation point of step t: Schedule-Free's
 * x_t, taken from the state before the update so that it pairs with the row's w_t = y_t (the state after
 * the update already holds x_{t+1}), or w_t itself for optimizers without an evaluation point.
 * Column `evalLoss`.
 * @example train(P, scheduleFreeAdamw(), { w0, steps, recorders: [evalRecorder(10, Ptest)] })
 */
export function evalRecorder(every: number, evalProblem?: Problem): Recorder {
  return {
    name: 'evalLoss', every,
    record: async (c) => {
      const P = evalProblem ?? c.problem;
      const x = c.optimizer.evalParams ? (c.optimizer.evalParams(c.stateBefore) as Tensor1D) : c.w;
      try {
        return (await readAndDispose([P.loss(x)]))[0][0];
      } finally {
        if (x !== c.w) x.dispose();
      }
    },
  };
}
