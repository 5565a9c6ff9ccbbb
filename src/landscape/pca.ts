/**
 * Trajectory PCA: the plane that best explains an optimisation path, for plotting the path over a
 * 2-D loss slice (Li, Xu, Taylor, Studer & Goldstein 2018, arXiv:1712.09913, §7).
 */
import * as aq from 'arquero';
import { tf } from '../tensor/tf.js';
import type { Problem, Tensor1D } from '../tensor/types.js';
import { eigh } from './linalg/eigh.js';
import { dot } from './linalg/vec.js';
import { slice2d } from './slices.js';
import { readPacked } from '../tensor/read.js';

/** Result of trajectoryPCA. */
export interface TrajectoryPCA {
  /** Unit principal directions in parameter space. */
  directions: Float32Array[];
  /** Fraction of the (centred) variance each direction explains. */
  explainedVarianceRatio: number[];
  /** The reference point θ_ref the rows are measured from. */
  reference: Float32Array;
  /** Coordinates of each θ_t − θ_ref along the directions: table (step, pc1, pc2, …). */
  coords: aq.ColumnTable;
}

/**
 * PCA of the rows θ_t − θ_ref (θ_ref = the last point by default, or 'first'/'mean'), centred as
 * scikit-learn's PCA does in Li et al.'s code, computed from the small T×T Gram matrix:
 * G = XXᵀ = UΛUᵀ, directions vᵢ = Xᵀuᵢ/‖Xᵀuᵢ‖. Defaults: components = 2, reference = 'last'.
 * Async: the Tensor1D points among ws are read together, once.
 * @example const pca = await fl.landscape.trajectoryPCA(checkpoints); pca.explainedVarianceRatio // [0.9, 0.07]
 */
export async function trajectoryPCA(ws: (Float32Array | Float64Array | Tensor1D)[], { components = 2, reference = 'last' as 'last' | 'first' | 'mean', center = true } = {}): Promise<TrajectoryPCA> {
  if (!Array.isArray(ws) || ws.length < 2) throw new Error('trajectoryPCA: ws must be an array of at least 2 parameter vectors (Float32Array or Tensor1D)');
  const read = await readPacked(ws.filter((w): w is Tensor1D => w instanceof tf.Tensor));
  let next = 0;
  const rows = ws.map((w) => (w instanceof tf.Tensor ? read[next++] : new Float32Array(w)));
  const T = rows.length, dim = rows[0].length;
  rows.forEach((r, t) => {
    if (r.length !== dim) throw new Error(`trajectoryPCA: ws[${t}] has length ${r.length}, expected ${dim} (every vector in ws must have the same length)`);
  });
  if (!Number.isInteger(components) || components < 1 || components > Math.min(T, dim)) throw new Error(`trajectoryPCA: components must be an integer in [1, ${Math.min(T, dim)}], got ${components}`);
  const ref = new Float32Array(dim);
  if (reference === 'mean') for (const r of rows) for (let i = 0; i < dim; i++) ref[i] += r[i] / T;
  else ref.set(reference === 'first' ? rows[0] : rows[T - 1]);
  const X = rows.map((r) => Float64Array.from(r, (x, i) => x - ref[i]));
  const Xc = X.map((x) => Float64Array.from(x));
  if (center) {
    const mean = new Float64Array(dim);
    for (const x of X) for (let i = 0; i < dim; i++) mean[i] += x[i] / T;
    for (const x of Xc) for (let i = 0; i < dim; i++) x[i] -= mean[i];
  }
  const G = new Float64Array(T * T);
  for (let a = 0; a < T; a++) for (let b = a; b < T; b++) { const g = dot(Xc[a], Xc[b]); G[a * T + b] = g; G[b * T + a] = g; }
  const { values, vectors } = eigh(G, T);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const directions: Float32Array[] = [], ratios: number[] = [];
  for (let c = 0; c < components; c++) {
    const col = T - 1 - c;
    const v = new Float64Array(dim);
    for (let t = 0; t < T; t++) { const u = vectors[t * T + col]; for (let i = 0; i < dim; i++) v[i] += u * Xc[t][i]; }
    const nv = Math.sqrt(dot(v, v)) || 1;
    directions.push(Float32Array.from(v, (x) => x / nv));
    ratios.push(total > 0 ? Math.max(values[col], 0) / total : 0);
  }
  const cols: Record<string, number[]> = { step: X.map((_, t) => t) };
  directions.forEach((d, c) => { cols[`pc${c + 1}`] = X.map((x) => dot(x, d)); });
  return { directions, explainedVarianceRatio: ratios, reference: ref, coords: aq.table(cols) };
}

/**
 * The loss on the PCA plane around θ_ref, over the bounding box of the projected path widened by
 * `margin` (fraction of its extent): table (alpha, beta, loss) in the same coordinates as
 * `pca.coords`, so the path can be drawn over the contours. Defaults: points = 51, margin = 0.2.
 * Async (reads the losses, one read per grid row).
 * @example const grid = await fl.landscape.trajectorySlice(P, await fl.landscape.trajectoryPCA(ws), { points: 31 });
 */
export async function trajectorySlice(P: Problem, pca: TrajectoryPCA, { points = 51, margin = 0.2 } = {}): Promise<aq.ColumnTable> {
  if (pca.directions.length < 2) throw new Error('trajectorySlice: the PCA needs at least 2 components (trajectoryPCA(ws, { components: 2 }))');
  const box = ['pc1', 'pc2'].map((c) => {
    const xs = pca.coords.array(c) as number[];
    const lo = Math.min(...xs), hi = Math.max(...xs);
    const pad = margin * Math.max(hi - lo, 1e-6);
    return [lo - pad, hi + pad] as [number, number];
  }) as [[number, number], [number, number]];
  return slice2d(P, pca.reference, pca.directions[0], pca.directions[1], { range: box, points });
}
