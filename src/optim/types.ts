/**
 * The vocabulary of flowlab's optimizer zoo (optax style): a GradientTransformation is a pair of
 * pure functions `init(params) → state` and `update(grads, state, params?, context?) → Promise<{ updates, state }>`.
 *
 * `update` is async (the tensor-read rule, src/tensor/read.ts): most optimizers never read a value
 * and their promise resolves at once, but some need values on the host (float64 eigendecompositions
 * for Shampoo/SOAP/GaLore/COSMOS, 8-bit Adam's block-wise quantisation, scalar RMSProp's ν, FOSI's
 * Lanczos, applyIfFinite's branch), and the webgpu backend can only read asynchronously. Such an
 * optimizer reads everything one update needs in ONE packed transfer; values that are only used in
 * further tensor math (Prodigy's d, AdamP's branch, global norms) stay on the device. Always
 * `await opt.update(...)`, and never call it inside tf.tidy (tidy cannot span an await).
 *
 * Ownership rules (every transformation in src/optim follows them):
 * - `update` never disposes or mutates its inputs (grads, state, params stay valid).
 * - The returned `updates` and every tensor in the returned `state` are NEW tensors owned by the
 *   caller; none is shared with the inputs. Dispose the old state yourself when you no longer
 *   need it (`disposeState(old)`), and the updates after applying them.
 * - State holds only plain data: tensors, numbers, booleans, strings, null, typed arrays, arrays
 *   and plain objects, so `serializeState` (async: it reads the tensors, in one transfer) and
 *   `deserializeState` round-trip it through JSON.
 *
 * @example
 * const opt = fl.optim.adam({ lr: 1e-3 });
 * let state = opt.init(w);
 * const { updates, state: next } = await opt.update(grads, state, w);
 * const w2 = fl.optim.applyUpdates(w, updates);
 * fl.optim.disposeState(state); state = next;
 */
import type { Tensor, Tensor1D, Scalar, Problem } from '../tensor/types.js';

/** Parameters or gradients: one tensor (e.g. a flat w) or a record of named tensors. */
export type Params = Tensor | Record<string, Tensor>;

/** A learning-rate (or any hyperparameter) schedule: step count (0-based) → value. */
export type Schedule = (count: number) => number;

/** A hyperparameter that may be a constant or a schedule of the step count. */
export type HyperValue = number | Schedule;

/** Plain serialisable optimizer state. */
export type StateValue =
  | Tensor
  | number
  | boolean
  | string
  | null
  | Uint8Array
  | Float32Array
  | Float64Array
  | Int32Array
  | StateValue[]
  | { [key: string]: StateValue };

/** A state object (the root of any transformation's state). */
export type OptState = { [key: string]: StateValue };

/**
 * Extra inputs some optimizers need, passed the way optax passes `extra_args`.
 * - `loss`: the loss value at the gradient point (Sophia-G-style / Polyak methods),
 * - `problem` + `w`: the objective and the flat point the gradient was taken at (SAM/ASAM take a
 *   second gradient; Sophia-H and FOSI take Hessian-vector products),
 * - `step`: the global step number, `lossFn`: a loss function of w (when there is no Problem).
 */
export interface UpdateContext {
  loss?: number;
  problem?: Problem;
  w?: Tensor1D;
  step?: number;
  lossFn?: (w: Tensor1D) => Scalar;
}

/** The result of one update: the step to add to the params and the next state. */
export interface UpdateResult<S extends OptState = OptState> {
  updates: Params;
  state: S;
}

/** An optax-style gradient transformation (see the module doc for ownership rules). */
export interface GradientTransformation<S extends OptState = OptState> {
  /** Registry-style name, e.g. "adam" or "chain(clipByGlobalNorm,adam)". */
  readonly name: string;
  /** The resolved hyperparameters (defaults filled in), for tables and `currentLr`. */
  readonly hyperparams: Record<string, unknown>;
  init(params: Params): S;
  /** One step (async; see the module doc): `await opt.update(grads, state, params, context)`. */
  update(grads: Params, state: S, params?: Params, context?: UpdateContext): Promise<UpdateResult<S>>;
  /** Schedule-Free only: the evaluation point x held in the state. */
  evalParams?(state: S): Params;
}
