/** Internal: move between a params tree and the flat vector a Problem works on. */
import type { Tensor, Tensor1D, Problem } from '../tensor/types.js';
import { FLAT_KEY, fromNamed, toNamed } from './tree.js';

/**
 * The flat vector of a params record (a single tensor is reshaped to 1-D).
 * @example const w = flatOf({ _: wTensor }, P, 'sam');
 */
export function flatOf(rec: Record<string, Tensor>, problem: Problem | undefined, who: string): Tensor1D {
  const keys = Object.keys(rec);
  if (keys.length === 1 && keys[0] === FLAT_KEY) return rec[FLAT_KEY].reshape([-1]) as Tensor1D;
  if (!problem?.spec) throw new Error(`${who}: params is a record of named tensors but context.problem has no spec; pass the flat w (Tensor1D) or a Problem with a ParamSpec.`);
  return fromNamed(rec, problem.spec);
}

/**
 * The inverse of flatOf for a record shaped like `like`.
 * @example const rec = unflatLike(v, { _: w }, P);
 */
export function unflatLike(v: Tensor1D, like: Record<string, Tensor>, problem: Problem | undefined): Record<string, Tensor> {
  const keys = Object.keys(like);
  if (keys.length === 1 && keys[0] === FLAT_KEY) return { [FLAT_KEY]: v.reshape(like[FLAT_KEY].shape) };
  return toNamed(v, problem!.spec!);
}

/**
 * Throws a helpful error when an optimizer needs context.problem.
 * @example const P = needProblem('sam', ctx);
 */
export function needProblem(who: string, ctx: { problem?: Problem }): Problem {
  if (!ctx.problem) throw new Error(`${who}: context.problem is required (this optimizer evaluates extra gradients or Hessian-vector products). Call update(grads, state, params, { problem, w }) — train() does this for you.`);
  return ctx.problem;
}
