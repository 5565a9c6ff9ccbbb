/**
 * Parameter layouts: where each named tensor of a model lives inside the flat vector w, how it is
 * initialised, and how to view it as a tensor again (slice + reshape, TF.js layouts: dense
 * [in, out], conv [kh, kw, in, out], output axis LAST).
 */
import { tf } from '../tensor/tf.js';
import type { ParamEntry, ParamSpec, Tensor, Tensor1D } from '../tensor/types.js';
import { rng, type Rng } from '../data/random.js';

/** How one entry is initialised. PyTorch's defaults are `uniform(±1/√fan_in)` for Linear/Conv weights and biases. */
export type Initializer =
  | { kind: 'uniform'; bound: number }
  | { kind: 'normal'; std: number }
  | { kind: 'constant'; value: number }
  | { kind: 'custom'; fill: (out: Float32Array, r: Rng) => void };

/** Shorthands for initialisers. */
export const initializers = {
  /** U(−b, b). */
  uniform: (bound: number): Initializer => ({ kind: 'uniform', bound }),
  /** N(0, std²). */
  normal: (std: number): Initializer => ({ kind: 'normal', std }),
  zeros: (): Initializer => ({ kind: 'constant', value: 0 }),
  ones: (): Initializer => ({ kind: 'constant', value: 1 }),
  /** PyTorch's Linear/Conv default (kaiming_uniform with a = √5, and the bias rule): U(±1/√fan_in). */
  torchDefault: (fanIn: number): Initializer => ({ kind: 'uniform', bound: 1 / Math.sqrt(fanIn) }),
  /** Xavier/Glorot uniform: U(±√(6/(fan_in + fan_out))). */
  xavierUniform: (fanIn: number, fanOut: number): Initializer => ({ kind: 'uniform', bound: Math.sqrt(6 / (fanIn + fanOut)) }),
  /** Xavier/Glorot normal: N(0, 2/(fan_in + fan_out)). */
  xavierNormal: (fanIn: number, fanOut: number, gain = 1): Initializer => ({ kind: 'normal', std: gain * Math.sqrt(2 / (fanIn + fanOut)) }),
  /** Kaiming normal (mode fan_out, ReLU gain): N(0, 2/fan_out). */
  kaimingNormalFanOut: (fanOut: number): Initializer => ({ kind: 'normal', std: Math.sqrt(2 / fanOut) }),
};

/** A ParamSpec whose entries also carry their initialisers. */
export interface Layout extends ParamSpec {
  inits: Initializer[];
}

/**
 * Builds a parameter layout entry by entry (offsets are assigned in order, names must be unique).
 * @example const b = layoutBuilder(); b.add('dense0/kernel', [784, 10], 'weight', initializers.torchDefault(784)); b.build();
 */
export function layoutBuilder() {
  const entries: ParamEntry[] = [];
  const inits: Initializer[] = [];
  let offset = 0;
  return {
    /** Appends an entry; the output axis defaults to the last axis for tensors of rank ≥ 2, else null. */
    add(name: string, shape: number[], kind: ParamEntry['kind'], init: Initializer, outputAxis?: number | null): ParamEntry {
      if (entries.some((e) => e.name === name)) throw new Error(`layout: duplicate parameter name "${name}"; names must be unique`);
      if (shape.some((s) => !Number.isInteger(s) || s <= 0)) throw new Error(`layout: shape of "${name}" must be positive integers, got [${shape}]`);
      const size = shape.reduce((a, b) => a * b, 1);
      const entry: ParamEntry = {
        name,
        shape: [...shape],
        offset,
        size,
        outputAxis: outputAxis === undefined ? (shape.length > 1 ? shape.length - 1 : null) : outputAxis,
        kind,
      };
      entries.push(entry);
      inits.push(init);
      offset += size;
      return entry;
    },
    build(): Layout {
      return { entries, numParams: offset, inits };
    },
  };
}

/**
 * Deterministic initial parameters for a layout: entries are filled in order from one seeded stream.
 * @example const w = initLayout(layoutBuilder().build(), 0);
 */
export function initLayout(layout: Layout, seed = 0): Float32Array {
  const w = new Float32Array(layout.numParams);
  const r = rng(seed);
  layout.entries.forEach((e, i) => {
    const out = w.subarray(e.offset, e.offset + e.size);
    const init = layout.inits[i];
    if (init.kind === 'uniform') for (let j = 0; j < out.length; j++) out[j] = init.bound * (2 * r.uniform() - 1);
    else if (init.kind === 'normal') for (let j = 0; j < out.length; j++) out[j] = init.std * r.normal();
    else if (init.kind === 'constant') out.fill(init.value);
    else init.fill(out, r);
  });
  return w;
}

/**
 * The spec part of a layout (what a Problem carries), without initialisers.
 * @example problem(loss, { dim: layout.numParams, spec: specOf(layout) })
 */
export function specOf(layout: Layout): ParamSpec {
  return { entries: layout.entries.map((e) => ({ ...e, shape: [...e.shape] })), numParams: layout.numParams };
}

/**
 * Views of w as named tensors: `views(w, spec)['dense0/kernel']` is `w[offset : offset + size]` reshaped.
 * Call inside tf.tidy (or dispose the results).
 * @example tf.tidy(() => views(w, model.spec)['dense0/kernel'].shape) // [in, out]
 */
export function views(w: Tensor1D, spec: ParamSpec): Record<string, Tensor> {
  if (w.rank !== 1 || w.shape[0] !== spec.numParams) {
    throw new Error(`model.apply: w must be a Tensor1D of length ${spec.numParams}, got shape [${w.shape}]; use model.init(seed) for a valid vector`);
  }
  const out: Record<string, Tensor> = {};
  // One split (gradient: one concat) instead of a slice per entry (gradient: a full-length pad each).
  const parts = spec.entries.length === 1 ? [w] : tf.split(w, spec.entries.map((e) => e.size));
  spec.entries.forEach((e, i) => {
    out[e.name] = tf.reshape(parts[i], e.shape);
  });
  return out;
}
