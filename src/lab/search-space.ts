/**
 * Hyperparameter search spaces in AlgoPerf's `tuning_search_space.json` vocabulary, and the
 * quasi-random points drawn from them (Halton, src/lab/halton.ts).
 */
import { halton } from './halton.js';

/** A value a hyperparameter may take. */
export type HyperValue = number | string | boolean;

/** One searched hyperparameter: a range (log or linear scale) or a list of feasible points. */
export type SearchDimension =
  | { min: number; max: number; scale?: 'log' | 'linear' }
  | { values: readonly HyperValue[] };

/**
 * A search space: name → a range, a list of feasible points, or a fixed value. Fixed values take
 * no quasi-random coordinate; the searched names take one each, in key order.
 * @example const space: SearchSpace = { lr: { min: 1e-4, max: 1e-2, scale: 'log' }, b2: 0.999 };
 */
export type SearchSpace = Record<string, SearchDimension | HyperValue>;

const isDimension = (v: unknown): v is SearchDimension => typeof v === 'object' && v !== null;

/**
 * Throws an error naming the bad entry of `space` and the fix.
 * @example checkSearchSpace({ lr: { min: 0, max: 1, scale: 'log' } }) // throws: a log scale needs min > 0
 */
export function checkSearchSpace(space: SearchSpace, who = 'searchSpace'): void {
  if (!space || typeof space !== 'object' || Array.isArray(space)) throw new TypeError(`${who}: the search space must be an object of name → { min, max, scale } | { values } | a fixed value, e.g. { lr: { min: 1e-4, max: 1e-2, scale: 'log' } }.`);
  for (const [name, dim] of Object.entries(space)) {
    if (!isDimension(dim)) {
      if (!['number', 'string', 'boolean'].includes(typeof dim)) throw new TypeError(`${who}: '${name}' must be a range, a list of values or a fixed number/string/boolean, got ${JSON.stringify(dim)}.`);
      continue;
    }
    if ('values' in dim) {
      if (!Array.isArray(dim.values) || dim.values.length === 0) throw new RangeError(`${who}: '${name}'.values must be a non-empty array of feasible points.`);
      continue;
    }
    const { min, max, scale = 'log' } = dim as { min: number; max: number; scale?: string };
    if (scale !== 'log' && scale !== 'linear') throw new RangeError(`${who}: '${name}'.scale must be 'log' or 'linear', got ${JSON.stringify(scale)}.`);
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(min <= max)) throw new RangeError(`${who}: '${name}' needs finite min ≤ max, got min = ${min}, max = ${max}.`);
    if (scale === 'log' && !(min > 0)) throw new RangeError(`${who}: '${name}' on a log scale needs min > 0, got ${min}; use scale: 'linear' for ranges that include 0.`);
  }
}

/**
 * The searched names of a space (those with a range or a list), in key order.
 * @example searchedNames({ lr: { min: 1e-4, max: 1e-2 }, b2: 0.999 }) // ['lr']
 */
export function searchedNames(space: SearchSpace): string[] {
  return Object.entries(space).filter(([, d]) => isDimension(d)).map(([n]) => n);
}

/**
 * Maps u ∈ [0, 1) to a value of one dimension, as AlgoPerf's halton.py does: log scale
 * min·(max/min)^u, linear min + u(max − min), a list values[⌊u·len⌋].
 * @example fromUnit({ min: 1e-4, max: 1e-2, scale: 'log' }, 0.5) // 1e-3
 */
export function fromUnit(dim: SearchDimension, u: number): HyperValue {
  if ('values' in dim) return dim.values[Math.min(dim.values.length - 1, Math.floor(u * dim.values.length))];
  const { min, max, scale = 'log' } = dim;
  return scale === 'log' ? min * Math.exp(u * Math.log(max / min)) : min + u * (max - min);
}

/**
 * `n` hyperparameter points of `space` from the scrambled Halton sequence (seeded): point j maps
 * coordinate k of Halton point j to the k-th searched name; fixed values are copied. The same seed
 * gives the same points in any process (a sweep's kernels agree on trial j).
 * @example searchPoints({ lr: { min: 1e-4, max: 1e-2 }, b2: 0.999 }, 3, { seed: 0 }) // [{ lr, b2: 0.999 }, …]
 */
export function searchPoints(space: SearchSpace, n: number, { seed = 0 }: { seed?: number } = {}): Record<string, HyperValue>[] {
  checkSearchSpace(space, 'searchPoints');
  const names = searchedNames(space);
  return halton(n, names.length, { seed }).map((u) => {
    const point: Record<string, HyperValue> = {};
    for (const [name, dim] of Object.entries(space)) point[name] = isDimension(dim) ? fromUnit(dim, u[names.indexOf(name)]) : dim;
    return point;
  });
}

/**
 * Whether `point` lies in `space` (every searched value within its range or list, fixed values equal).
 * @example inSearchSpace({ lr: { min: 1e-4, max: 1e-2 } }, { lr: 3e-3 }) // true
 */
export function inSearchSpace(space: SearchSpace, point: Record<string, unknown>): boolean {
  return Object.entries(space).every(([name, dim]) => {
    const v = point[name];
    if (!isDimension(dim)) return v === dim;
    if ('values' in dim) return dim.values.includes(v as HyperValue);
    return typeof v === 'number' && v >= dim.min * (1 - 1e-12) && v <= dim.max * (1 + 1e-12);
  });
}
