/**
 * Random directions for loss-landscape plots, with filter normalisation (Li, Xu, Taylor, Studer &
 * Goldstein 2018, "Visualizing the Loss Landscape of Neural Nets", arXiv:1712.09913).
 */
import type { Problem } from '../tensor/types.js';
import { pointArray, checkProblem, type Point } from './operator.js';
import { gaussianVector, rng } from './random.js';

/** Options of directions.random (defaults in brackets). */
export interface DirectionOptions {
  /** Rescale each output filter to the norm of w's filter [true]. */
  filterNormalized?: boolean;
  /** Zero 1-D entries (biases, norm scales) [true]; otherwise they copy w (Li et al.'s code). */
  ignoreBias?: boolean;
  seed?: number;
  /** The point the direction is normalised to (needed for filter normalisation). */
  w?: Point;
}

/**
 * A Gaussian direction d. With a parameter spec and filterNormalized, for every entry with more
 * than one dimension each output filter d_j (index j along the entry's output axis, the LAST axis
 * in TF.js layouts) is rescaled to ‖d_j‖ = ‖w_j‖; 1-D entries are zeroed (ignoreBias) or set to w.
 * Without a spec, d is rescaled to ‖w‖ (or to unit norm when w is not given or filterNormalized is
 * false). Defaults: filterNormalized = true, ignoreBias = true, seed = 0. Async: a Tensor1D w is
 * read once.
 * @example const d = await fl.landscape.directions.random(P, { w, seed: 1 }); await fl.landscape.slice1d(P, w, d);
 */
export async function random(P: Problem, { filterNormalized = true, ignoreBias = true, seed = 0, w }: DirectionOptions = {}): Promise<Float32Array> {
  const dim = checkProblem(P, 'directions.random');
  const d = gaussianVector(dim, rng(seed));
  const wa = w === undefined ? null : await pointArray(P, w, 'directions.random', 'w');
  if (filterNormalized && P.spec) {
    if (!wa) throw new Error('directions.random: filter normalisation needs the point w (pass { w }), or set filterNormalized: false');
    for (const e of P.spec.entries) {
      const axis = e.outputAxis ?? e.shape.length - 1;
      if (e.shape.length <= 1) {
        for (let i = 0; i < e.size; i++) d[e.offset + i] = ignoreBias ? 0 : wa[e.offset + i];
        continue;
      }
      normalizeFilters(d, wa, e.offset, e.shape, axis);
    }
    return new Float32Array(d);
  }
  let dn = 0, wn = 0;
  for (let i = 0; i < dim; i++) { dn += d[i] * d[i]; if (wa) wn += wa[i] * wa[i]; }
  const target = filterNormalized && wa && wn > 0 ? Math.sqrt(wn) : 1;
  const s = target / Math.sqrt(dn);
  return Float32Array.from(d, (x) => x * s);
}

/** Rescales each slice of d along `axis` (within one spec entry) to the norm of w's slice. */
function normalizeFilters(d: Float64Array, w: Float32Array, offset: number, shape: number[], axis: number): void {
  const nOut = shape[axis];
  let stride = 1;
  for (let a = axis + 1; a < shape.length; a++) stride *= shape[a];
  const size = shape.reduce((a, b) => a * b, 1);
  const dn = new Float64Array(nOut), wn = new Float64Array(nOut);
  for (let i = 0; i < size; i++) {
    const j = Math.floor(i / stride) % nOut;
    dn[j] += d[offset + i] ** 2;
    wn[j] += w[offset + i] ** 2;
  }
  for (let i = 0; i < size; i++) {
    const j = Math.floor(i / stride) % nOut;
    d[offset + i] *= Math.sqrt(wn[j]) / (Math.sqrt(dn[j]) + 1e-10);
  }
}
