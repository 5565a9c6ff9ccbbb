/**
 * Building blocks for defining transformations: `defineTransformation` enforces the ownership
 * rules of types.ts (tidy scope, fresh outputs), `hyperAt` evaluates constant-or-scheduled
 * hyperparameters, `leafwise` builds element-wise optimizers from a per-tensor rule.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { GradientTransformation, HyperValue, OptState, Params, UpdateContext, UpdateResult } from './types.js';
import { asRecord, checkSameStructure, isTensor, likeParams } from './tree.js';
import { forEachTensor } from './state.js';

/**
 * The value of a constant-or-scheduled hyperparameter at step count `count` (0-based).
 * @example hyperAt(schedules.linear({ init: 0, end: 1, steps: 10 }), 5) === 0.5
 */
export function hyperAt(h: HyperValue, count: number): number {
  return typeof h === 'function' ? h(count) : h;
}

/**
 * Throws a named error when a hyperparameter is out of range.
 * @example checkHyper('adam', 'b1', 0.9, (x) => x >= 0 && x < 1, 'in [0, 1)')
 */
export function checkHyper(opt: string, name: string, v: unknown, ok: (x: number) => boolean, expected: string): void {
  if (typeof v === 'function') return;
  if (typeof v !== 'number' || !ok(v)) {
    throw new RangeError(`${opt}: hyperparameter ${name} must be ${expected}, got ${String(v)}.`);
  }
}

interface Definition<S extends OptState> {
  name: string;
  hyperparams: Record<string, unknown>;
  init(params: Params): S;
  update(grads: Params, state: S, params: Params | undefined, ctx: UpdateContext): UpdateResult<S>;
  evalParams?(state: S): Params;
  /** Set when the rule reads `params` (weight decay, trust ratios...): a missing params is an error. */
  needsParams?: boolean;
}

/**
 * Wraps raw init/update functions into a GradientTransformation that runs `update` in a tf.tidy
 * scope (intermediates freed), returns only fresh tensors (clones any output that aliases an
 * input), and validates arguments with errors that name them.
 * @example const half = defineTransformation({ name: 'half', hyperparams: {}, init: () => ({}), update: (g) => ({ updates: mapParams((x) => tf.mul(x, 0.5), g), state: {} }) });
 */
export function defineTransformation<S extends OptState>(def: Definition<S>): GradientTransformation<S> {
  const t: GradientTransformation<S> = {
    name: def.name,
    hyperparams: def.hyperparams,
    init(params: Params): S {
      asRecord(params, `${def.name}.init(params)`);
      let out!: S;
      tf.tidy(() => {
        out = def.init(params);
        const list: Tensor[] = [];
        forEachTensor(out, (x) => list.push(x));
        return list;
      });
      return out;
    },
    update(grads, state, params, ctx = {}) {
      asRecord(grads, `${def.name}.update(grads)`);
      if (params !== undefined) checkSameStructure(params, grads, 'params', 'grads');
      if (def.needsParams && params === undefined) {
        throw new Error(`${def.name}.update: params is required (this optimizer reads the current parameters, e.g. for weight decay). Call update(grads, state, params).`);
      }
      if (state === null || typeof state !== 'object') {
        throw new TypeError(`${def.name}.update: state must be the object returned by init/update, got ${String(state)}.`);
      }
      const inputs = new Set<number>();
      for (const x of [grads, state, params]) forEachTensor(x, (v) => inputs.add(v.id));
      let out!: UpdateResult<S>;
      tf.tidy(() => {
        const r = def.update(grads, state, params, ctx);
        out = freshen(r, inputs) as UpdateResult<S>;
        const list: Tensor[] = [];
        forEachTensor(out, (x) => list.push(x));
        return list;
      });
      return out;
    },
  };
  if (def.evalParams) {
    const ev = def.evalParams;
    t.evalParams = (state: S) => tf.tidy(() => freshenParams(ev(state), state)) as Params;
  }
  return t;
}

function freshenParams(p: Params, state: unknown): Params {
  const ids = new Set<number>();
  forEachTensor(state, (v) => ids.add(v.id));
  return freshen(p, ids) as Params;
}

/** Copies the tree, cloning any tensor whose id is in `inputs` (so outputs never alias inputs). */
function freshen(v: unknown, inputs: Set<number>): unknown {
  if (v instanceof tf.Tensor) return inputs.has(v.id) ? tf.clone(v) : v;
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map((x) => freshen(x, inputs));
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = freshen(x, inputs);
  return o;
}

/** Per-leaf state of an element-wise rule: any record of tensors/numbers. */
export type LeafState = { [k: string]: Tensor | number | boolean | null | Uint8Array | Float32Array };

/** Per-leaf rule: what one tensor's state looks like and how one step acts on it. */
export interface LeafRule<L extends LeafState> {
  init(p: Tensor, key: string): L;
  /** `t` is the 1-based step number; `count` = t − 1 (for schedules). Return the update (with its minus sign). */
  update(g: Tensor, s: L, p: Tensor | undefined, t: number, key: string, ctx: UpdateContext): { u: Tensor; s: L };
}

/** State of a leafwise optimizer: the step count and one state per named leaf. */
export type LeafwiseState<L extends LeafState> = { count: number; leaves: { [k: string]: L } };

/**
 * Builds an element-wise optimizer from a per-tensor rule (the rule sees one leaf at a time).
 * State: `{ count, leaves: { [name]: leafState } }` (a single tensor is stored under "_").
 * @example const signSgd = leafwise('signSgd', { lr: 0.01 }, { init: () => ({}), update: (g) => ({ u: tf.mul(tf.sign(g), -0.01), s: {} }) });
 */
export function leafwise<L extends LeafState>(
  name: string,
  hyperparams: Record<string, unknown>,
  rule: LeafRule<L>,
  { needsParams = false }: { needsParams?: boolean } = {},
): GradientTransformation<LeafwiseState<L>> {
  return defineTransformation<LeafwiseState<L>>({
    name,
    hyperparams,
    needsParams,
    init(params) {
      const leaves: Record<string, L> = {};
      for (const [k, p] of Object.entries(asRecord(params))) leaves[k] = rule.init(p, k);
      return { count: 0, leaves };
    },
    update(grads, state, params, ctx) {
      const g = asRecord(grads, 'grads');
      const p = params ? asRecord(params) : undefined;
      const t = state.count + 1;
      const updates: Record<string, Tensor> = {};
      const leaves: Record<string, L> = {};
      for (const k of Object.keys(g)) {
        const s = state.leaves[k];
        if (!s) throw new Error(`${name}.update: grads has entry "${k}" that init(params) did not see; initialise the state with params of the same structure.`);
        const r = rule.update(g[k], s, p?.[k], t, k, ctx);
        updates[k] = r.u;
        leaves[k] = r.s;
      }
      return { updates: likeParams(grads, updates), state: { count: t, leaves } };
    },
  });
}

/** Zeros like a tensor. */
export const zerosLike = (p: Tensor): Tensor => tf.zerosLike(p);

/** True when a value is a tensor (re-export for optimizer files). */
export { isTensor };
