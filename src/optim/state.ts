/**
 * Optimizer state utilities: walk, dispose, and JSON round-trip (tensors become
 * `{ __tensor: { dtype, shape, data } }`, typed arrays `{ __typed, data }`, non-finite numbers
 * `{ __number: 'NaN' | 'Infinity' | '-Infinity' }`).
 */
import { tf } from '../tensor/tf.js';
import type { Tensor } from '../tensor/types.js';
import type { StateValue } from './types.js';
import { readPacked } from '../tensor/read.js';

function isTypedArray(x: unknown): x is Uint8Array | Float32Array | Float64Array | Int32Array {
  return x instanceof Uint8Array || x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array;
}

/**
 * Calls `fn` on every tensor inside a state tree (typed arrays are skipped, not walked).
 * @example forEachTensor(state, (t) => console.log(t.shape));
 */
export function forEachTensor(value: unknown, fn: (t: Tensor) => void): void {
  if (value instanceof tf.Tensor) { fn(value); return; }
  if (value === null || typeof value !== 'object' || isTypedArray(value)) return;
  if (Array.isArray(value)) { for (const v of value) forEachTensor(v, fn); return; }
  for (const v of Object.values(value as Record<string, unknown>)) forEachTensor(v, fn);
}

/**
 * All tensors inside a tree.
 * @example tensorsIn(state).length
 */
export function tensorsIn(value: unknown): Tensor[] {
  const out: Tensor[] = [];
  forEachTensor(value, (t) => out.push(t));
  return out;
}

/**
 * Disposes every tensor of an optimizer state. Call it on the OLD state after `update` returned
 * the new one (the new state shares no tensor with the old).
 * @example const r = await opt.update(g, s, w); disposeState(s); s = r.state;
 */
export function disposeState(state: unknown): void {
  forEachTensor(state, (t) => { if (!t.isDisposed) t.dispose(); });
}

/**
 * Deep copy of a state tree with cloned tensors (caller owns them).
 * @example const copy = cloneState(state);
 */
export function cloneState<T>(state: T): T {
  const walk = (v: unknown): unknown => {
    if (v instanceof tf.Tensor) return tf.clone(v);
    if (v === null || typeof v !== 'object') return v;
    if (isTypedArray(v)) return v.slice();
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
  };
  return walk(state) as T;
}

function numberToJson(n: number): unknown {
  return Number.isFinite(n) ? n : { __number: String(n) };
}

/**
 * A JSON-safe copy of an optimizer state (async: every tensor of the state is read in ONE packed
 * transfer, as float32, which is exact for the float32 tensors optimizer states hold).
 * @example fs.writeFileSync('s.json', JSON.stringify(await serializeState(state)));
 */
export async function serializeState(state: unknown): Promise<unknown> {
  const tensors = tensorsIn(state);
  tensors.forEach((t) => {
    if (t.isDisposed) throw new Error('serializeState: the state holds a disposed tensor; serialise the current state, not one already disposed.');
  });
  const values = await readPacked(tensors);
  const byId = new Map<number, Float32Array>(tensors.map((t, i) => [t.id, values[i]]));
  const walk = (v: unknown): unknown => {
    if (v instanceof tf.Tensor) {
      const data = Array.from(byId.get(v.id)!, numberToJson);
      return { __tensor: { dtype: v.dtype, shape: v.shape, data } };
    }
    if (typeof v === 'number') return numberToJson(v);
    if (v === null || typeof v !== 'object') return v;
    if (isTypedArray(v)) return { __typed: v.constructor.name, data: Array.from(v as ArrayLike<number>, numberToJson) };
    if (Array.isArray(v)) return v.map(walk);
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
  };
  return walk(state);
}

function jsonToNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  if (x && typeof x === 'object' && '__number' in x) return Number((x as { __number: string }).__number);
  throw new Error(`deserializeState: expected a number in serialised data, got ${JSON.stringify(x)}.`);
}

/**
 * Rebuilds a state from `serializeState` output (new tensors, caller owns them).
 * @example const state = deserializeState(JSON.parse(fs.readFileSync('s.json', 'utf8')));
 */
export function deserializeState<T = StateValue>(json: unknown): T {
  const ctors: Record<string, new (a: number[]) => ArrayLike<number>> = { Uint8Array, Float32Array, Float64Array, Int32Array };
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    if ('__number' in o && Object.keys(o).length === 1) return jsonToNumber(o);
    if ('__tensor' in o) {
      const t = o.__tensor as { dtype: string; shape: number[]; data: unknown[] };
      return tf.tensor(t.data.map(jsonToNumber), t.shape, t.dtype as 'float32');
    }
    if ('__typed' in o) {
      const C = ctors[o.__typed as string];
      if (!C) throw new Error(`deserializeState: unknown typed array ${String(o.__typed)}.`);
      return new C((o.data as unknown[]).map(jsonToNumber));
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  return walk(json) as T;
}
