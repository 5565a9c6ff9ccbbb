/**
 * Helpers over `Params` (one tensor or a record of named tensors): mapping, norms, applying
 * updates, and named views of a flat vector through a model's ParamSpec.
 */
import { tf } from '../tensor/tf.js';
import type { Tensor, Tensor1D, ParamSpec } from '../tensor/types.js';
import type { Params } from './types.js';
import { readAndDispose } from '../tensor/read.js';

/** The key a single (flat) tensor is stored under when params are normalised to a record. */
export const FLAT_KEY = '_';

/**
 * True for a TF.js tensor.
 * @example isTensor(tf.scalar(1)) === true
 */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof tf.Tensor;
}

/**
 * Params as a record of named tensors (a single tensor becomes `{ _: tensor }`).
 * @example asRecord(w)   // { _: w }
 */
export function asRecord(p: Params, argName = 'params'): Record<string, Tensor> {
  if (isTensor(p)) return { [FLAT_KEY]: p };
  if (p === null || typeof p !== 'object') {
    throw new TypeError(`${argName}: expected a tf.Tensor or a record of named tf.Tensors, got ${p === null ? 'null' : typeof p}. Pass the tensor itself or { name: tensor }.`);
  }
  for (const [k, v] of Object.entries(p)) {
    if (!isTensor(v)) throw new TypeError(`${argName}.${k}: expected a tf.Tensor, got ${typeof v}. Every entry of a params record must be a tensor.`);
  }
  return p;
}

/**
 * Restores the shape of `like`: a single tensor if `like` was one, else the record.
 * @example likeParams(w, { _: u })   // u
 */
export function likeParams(like: Params, rec: Record<string, Tensor>): Params {
  return isTensor(like) ? rec[FLAT_KEY] : rec;
}

/**
 * Applies `fn` to every leaf of `a` (and the matching leaves of `others`), keeping the structure.
 * @example const half = mapParams((x) => tf.mul(x, 0.5), params);
 */
export function mapParams(fn: (a: Tensor, ...rest: Tensor[]) => Tensor, a: Params, ...others: Params[]): Params {
  const ra = asRecord(a);
  const rs = others.map((o, i) => asRecord(o, `argument ${i + 2}`));
  const out: Record<string, Tensor> = {};
  for (const k of Object.keys(ra)) {
    const leaves = rs.map((r, i) => {
      const v = r[k];
      if (!v) throw new Error(`mapParams: argument ${i + 2} has no entry "${k}"; all params trees must share the same keys.`);
      return v;
    });
    out[k] = fn(ra[k], ...leaves);
  }
  return likeParams(a, out);
}

/**
 * Checks that `b` has the keys and shapes of `a`, naming `bName` in the error.
 * @example checkSameStructure(params, grads, 'params', 'grads');
 */
export function checkSameStructure(a: Params, b: Params, aName: string, bName: string): void {
  const ra = asRecord(a, aName);
  const rb = asRecord(b, bName);
  const ka = Object.keys(ra).sort().join(',');
  const kb = Object.keys(rb).sort().join(',');
  if (ka !== kb) throw new Error(`${bName}: expected the same entries as ${aName} ([${ka}]), got [${kb}]. Pass grads shaped like the params the state was initialised with.`);
  for (const k of Object.keys(ra)) {
    if (ra[k].shape.join('x') !== rb[k].shape.join('x')) {
      throw new Error(`${bName}${k === FLAT_KEY ? '' : '.' + k}: expected shape [${ra[k].shape}], got [${rb[k].shape}]. Shapes must match ${aName}.`);
    }
  }
}

/**
 * params + updates (optax's sign convention: updates already carry the minus sign).
 * @example const w1 = applyUpdates(w0, updates);   // new tensors, inputs untouched
 */
export function applyUpdates<P extends Params>(params: P, updates: Params): P {
  checkSameStructure(params, updates, 'params', 'updates');
  return mapParams((p, u) => tf.add(p, u), params, updates) as P;
}

/**
 * ‖tree‖₂ over all leaves, as a scalar tensor (caller disposes).
 * @example const n = globalNormTensor(grads);
 */
export function globalNormTensor(tree: Params): Tensor {
  return tf.tidy(() => {
    const leaves = Object.values(asRecord(tree));
    const sums = leaves.map((t) => tf.sum(tf.square(t)));
    return tf.sqrt(sums.length === 1 ? sums[0] : tf.addN(sums));
  });
}

/**
 * ‖tree‖₂ over all leaves, as a number (async: one read; inside an optimizer keep
 * `globalNormTensor` on the device instead).
 * @example await globalNorm({ a: tf.tensor1d([3]), b: tf.tensor1d([4]) }) === 5
 */
export async function globalNorm(tree: Params): Promise<number> {
  const [v] = await readAndDispose([globalNormTensor(tree)]);
  return v[0];
}

/**
 * Disposes every tensor of a params tree.
 * @example disposeParams(updates);
 */
export function disposeParams(p: Params | undefined): void {
  if (!p) return;
  for (const t of Object.values(asRecord(p))) t.dispose();
}

/**
 * Number of scalar entries over all leaves.
 * @example paramCount({ W: tf.zeros([3, 4]), b: tf.zeros([4]) }) === 16
 */
export function paramCount(p: Params): number {
  return Object.values(asRecord(p)).reduce((s, t) => s + t.size, 0);
}

/**
 * Named views of a flat vector w through a ParamSpec: `{ [entry.name]: tensor of entry.shape }`.
 * @example const named = toNamed(w, P.spec!);   // named['dense1/kernel'].shape = [3072, 256]
 */
export function toNamed(w: Tensor1D | Tensor, spec: ParamSpec): Record<string, Tensor> {
  if (w.rank !== 1 || w.size !== spec.numParams) {
    throw new Error(`toNamed: w must be a Tensor1D of length spec.numParams = ${spec.numParams}, got shape [${w.shape}]. Pass the flat parameter vector the spec describes.`);
  }
  const out: Record<string, Tensor> = {};
  for (const e of spec.entries) out[e.name] = tf.reshape(tf.slice(w, [e.offset], [e.size]), e.shape);
  return out;
}

/**
 * The flat vector of named tensors laid out by a ParamSpec (inverse of `toNamed`).
 * @example const w = fromNamed(named, P.spec!);
 */
export function fromNamed(rec: Record<string, Tensor>, spec: ParamSpec): Tensor1D {
  const parts = [...spec.entries].sort((a, b) => a.offset - b.offset).map((e) => {
    const t = rec[e.name];
    if (!t) throw new Error(`fromNamed: record has no entry "${e.name}" required by the spec. Pass a record with every spec entry.`);
    if (t.size !== e.size) throw new Error(`fromNamed: entry "${e.name}" has ${t.size} elements, spec expects ${e.size} (shape [${e.shape}]).`);
    return t;
  });
  return tf.tidy(() => tf.concat(parts.map((t) => tf.reshape(t, [-1])), 0) as Tensor1D);
}
