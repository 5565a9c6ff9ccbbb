/**
 * Building blocks for defining transformations: `defineTransformation` enforces the ownership
 * rules of types.ts (tidy scope, fresh outputs) and batches a rule's host reads into one packed
 * transfer per update; `defineAsyncTransformation` does the same for steps that await other
 * transformations; `hyperAt` evaluates constant-or-scheduled hyperparameters; `leafwise` builds
 * element-wise optimizers from a per-tensor rule.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { GradientTransformation, HyperValue, OptState, Params, UpdateContext, UpdateResult } from './types.js';
import { asRecord, checkSameStructure, isTensor, likeParams } from './tree.js';
import { forEachTensor } from './state.js';
import { readPacked } from '../tensor/read.js';

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

/** Tensors an update needs the VALUES of, by name (see `Definition.read`). */
export type ReadRequest = Record<string, Tensor>;

/** What the read phase fetched: per requested name, the tensor (alive during `update`) and its values. */
export type Fetched = Record<string, { tensor: Tensor; values: Float32Array }>;

interface Common<S extends OptState> {
  name: string;
  hyperparams: Record<string, unknown>;
  init(params: Params): S;
  evalParams?(state: S): Params;
  /** Set when the rule reads `params` (weight decay, trust ratios...): a missing params is an error. */
  needsParams?: boolean;
}

interface Definition<S extends OptState> extends Common<S> {
  /**
   * Optional read phase (the tensor-read rule): the tensors whose values `update` needs on the host
   * (a matrix to eigendecompose, a gradient to quantise). It runs in tf.tidy; the returned tensors
   * are read in ONE packed transfer and handed to `update` as `fetched` (tensors and values), then
   * disposed unless `update` returns them (a new preconditioner can be read and kept as state).
   * Return undefined or {} when this step needs nothing.
   */
  read?(grads: Params, state: S, params: Params | undefined, ctx: UpdateContext): ReadRequest | undefined;
  /** The step, synchronous and tensor-only (runs in tf.tidy). */
  update(grads: Params, state: S, params: Params | undefined, ctx: UpdateContext, fetched: Fetched): UpdateResult<S>;
}

interface AsyncDefinition<S extends OptState> extends Common<S> {
  /**
   * An async step, for transformations that await others (combinators, SAM, FOSI). It manages its
   * own intermediates: each synchronous stretch in tf.tidy, inner results disposed once consumed.
   * Outputs that alias an input are cloned afterwards, as for `defineTransformation`.
   */
  update(grads: Params, state: S, params: Params | undefined, ctx: UpdateContext): Promise<UpdateResult<S>>;
}

function validate<S extends OptState>(def: Common<S>, grads: Params, state: S, params: Params | undefined): Set<number> {
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
  return inputs;
}

function initIn<S extends OptState>(def: Common<S>, params: Params): S {
  asRecord(params, `${def.name}.init(params)`);
  let out!: S;
  tf.tidy(() => {
    out = def.init(params);
    const list: Tensor[] = [];
    forEachTensor(out, (x) => list.push(x));
    return list;
  });
  return out;
}

/** A step of `assemble`: runs after validation, with the ids of every input tensor. */
type Step<S extends OptState> = (grads: Params, state: S, params: Params | undefined, ctx: UpdateContext, inputs: Set<number>) => Promise<UpdateResult<S>>;

/**
 * The shell both definers share: name, hyperparams, `init` in tf.tidy, an async `update` that
 * validates its arguments (a bad one rejects the promise) before `step`, and `evalParams` returning
 * fresh tensors when the definition has one.
 */
function assemble<S extends OptState>(def: Common<S>, step: Step<S>): GradientTransformation<S> {
  const t: GradientTransformation<S> = {
    name: def.name,
    hyperparams: def.hyperparams,
    init: (params) => initIn(def, params),
    async update(grads, state, params, ctx = {}) {
      const inputs = validate(def, grads, state, params);
      return step(grads, state, params, ctx, inputs);
    },
  };
  if (def.evalParams) {
    const ev = def.evalParams;
    t.evalParams = (state: S) => tf.tidy(() => freshenParams(ev(state), state)) as Params;
  }
  return t;
}

/**
 * Wraps raw init/update functions into a GradientTransformation whose (async) `update` runs the
 * rule in a tf.tidy scope (intermediates freed), returns only fresh tensors (clones any output
 * that aliases an input), and validates arguments with errors that name them. A rule that needs
 * values on the host declares them in `read`: they are fetched in one packed transfer per update.
 * @example const half = defineTransformation({ name: 'half', hyperparams: {}, init: () => ({}), update: (g) => ({ updates: mapParams((x) => tf.mul(x, 0.5), g), state: {} }) });
 */
export function defineTransformation<S extends OptState>(def: Definition<S>): GradientTransformation<S> {
  return assemble(def, async (grads, state, params, ctx, inputs) => {
    let requested: Tensor[] = [];
    const fetched: Fetched = {};
    if (def.read) {
      let req: ReadRequest | undefined;
      tf.tidy(() => {
        req = def.read!(grads, state, params, ctx);
        return req ? Object.values(req) : [];
      });
      const names = Object.keys(req ?? {});
      requested = names.map((k) => req![k]);
      if (requested.length) {
        let values: Float32Array[];
        try {
          values = await readPacked(requested);
        } catch (e) {
          disposeOwned(requested, inputs, new Set());
          throw e;
        }
        names.forEach((k, i) => { fetched[k] = { tensor: requested[i], values: values[i] }; });
      }
    }
    let out: UpdateResult<S> | undefined;
    try {
      tf.tidy(() => {
        const r = def.update(grads, state, params, ctx, fetched);
        out = freshen(r, inputs) as UpdateResult<S>;
        const list: Tensor[] = [];
        forEachTensor(out, (x) => list.push(x));
        return list;
      });
    } finally {
      const kept = new Set<number>();
      forEachTensor(out, (x) => kept.add(x.id));
      disposeOwned(requested, inputs, kept);
    }
    return out!;
  });
}

/**
 * Like `defineTransformation`, for a step that awaits other transformations (chain, partition,
 * SAM, FOSI...): the same validation and fresh-output guarantee, but `update` is async and frees
 * its own intermediates (tf.tidy cannot span an await).
 * @example const twice = (inner) => defineAsyncTransformation({ name: 'twice', hyperparams: {}, init: (p) => inner.init(p), update: (g, s, p, ctx) => inner.update(g, s, p, ctx) });
 */
export function defineAsyncTransformation<S extends OptState>(def: AsyncDefinition<S>): GradientTransformation<S> {
  return assemble(def, async (grads, state, params, ctx, inputs) => freshen(await def.update(grads, state, params, ctx), inputs) as UpdateResult<S>);
}

/** Disposes the read tensors the rule created (never an input, never one returned in the result). */
function disposeOwned(ts: Tensor[], inputs: Set<number>, kept: Set<number>): void {
  for (const x of ts) if (!inputs.has(x.id) && !kept.has(x.id) && !x.isDisposed) x.dispose();
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
  /**
   * Optional: the tensors whose values this leaf's step needs on the host (see
   * `defineTransformation`'s `read`); the requests of ALL leaves are read in one packed transfer.
   */
  read?(g: Tensor, s: L, p: Tensor | undefined, t: number, key: string, ctx: UpdateContext): ReadRequest | undefined;
  /**
   * `t` is the 1-based step number; `count` = t − 1 (for schedules). Return the update (with its
   * minus sign). `fetched` holds what this leaf's `read` asked for.
   */
  update(g: Tensor, s: L, p: Tensor | undefined, t: number, key: string, ctx: UpdateContext, fetched: Fetched): { u: Tensor; s: L };
}

/** State of a leafwise optimizer: the step count and one state per named leaf. */
export type LeafwiseState<L extends LeafState> = { count: number; leaves: { [k: string]: L } };

/** The key of a leaf's request in the packed read (leaf names may contain any character). */
const leafReadKey = (leaf: string, name: string) => JSON.stringify([leaf, name]);

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
  const leafState = (state: LeafwiseState<L>, k: string): L => {
    const s = state.leaves[k];
    if (!s) throw new Error(`${name}.update: grads has entry "${k}" that init(params) did not see; initialise the state with params of the same structure.`);
    return s;
  };
  return defineTransformation<LeafwiseState<L>>({
    name,
    hyperparams,
    needsParams,
    init(params) {
      const leaves: Record<string, L> = {};
      for (const [k, p] of Object.entries(asRecord(params))) leaves[k] = rule.init(p, k);
      return { count: 0, leaves };
    },
    read: rule.read ? (grads, state, params, ctx) => {
      const g = asRecord(grads, 'grads');
      const p = params ? asRecord(params) : undefined;
      const out: ReadRequest = {};
      for (const k of Object.keys(g)) {
        const req = rule.read!(g[k], leafState(state, k), p?.[k], state.count + 1, k, ctx);
        for (const [n, x] of Object.entries(req ?? {})) out[leafReadKey(k, n)] = x;
      }
      return out;
    } : undefined,
    update(grads, state, params, ctx, fetched) {
      const g = asRecord(grads, 'grads');
      const p = params ? asRecord(params) : undefined;
      const t = state.count + 1;
      const updates: Record<string, Tensor> = {};
      const leaves: Record<string, L> = {};
      const byLeaf: Record<string, Fetched> = {};
      for (const [key, f] of Object.entries(fetched)) {
        const [leaf, n] = JSON.parse(key) as [string, string];
        (byLeaf[leaf] ??= {})[n] = f;
      }
      for (const k of Object.keys(g)) {
        const r = rule.update(g[k], leafState(state, k), p?.[k], t, k, ctx, byLeaf[k] ?? {});
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
