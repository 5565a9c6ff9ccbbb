/**
 * The derivative-check harness: compares a Problem's grad, hvp and curvatureGrad with finite
 * differences, reused by every issue that builds objectives.
 *
 * With a `reference` (a plain-TypeScript float64 loss of the same w), every component is checked
 * against central differences in float64 ('central2', steps h = 1e-5, 1e-4, 2e-3 for orders 1–3):
 *
 *   gᵢ ≈ D_{eᵢ}R(w)      (Hv)ᵢ ≈ D²_{eᵢ,v}R(w)      ∇(uᵀHv)ᵢ ≈ D³_{eᵢ,u,v}R(w)
 *
 * (for dim > `fullDim`, and always without a reference, along `directions` random unit vectors z
 * instead of the basis eᵢ). Without a reference the float32 loss itself is differenced with
 * 4th-order stencils along z (steps 0.05, 0.1, 0.2): float32 rounding limits that check, so its
 * default tolerances are weaker (grad 2e-3, hvp 2e-2, curvatureGrad 1e-1).
 *
 * Errors are relative, ‖x − x_fd‖ / (max(‖x_fd‖, ‖x‖) + atol·(1 + |L(w)|)), with atol = 1e-6, 1e-5,
 * 1e-4 for orders 1–3 so that a derivative that is exactly 0 (a quadratic's third) still compares.
 * Directional errors are scaled by √dim/‖x‖ so they estimate the same relative norm.
 */
import { tfjs as tf } from './tfjs.js';
import { rng } from './reference.js';
import { stencilTerms } from './stencil.js';
import type { Problem, Tensor1D } from './types.js';
import { read, readAndDispose } from './read.js';

/** Tolerances per quantity (relative errors). */
export interface CheckTolerances {
  loss: number;
  grad: number;
  hvp: number;
  curvatureGrad: number;
}

/** Options of `checkDerivatives`. */
export interface CheckOptions {
  /** Float64 plain-TypeScript reference loss of the same w (recommended). */
  reference?: (w: Float64Array) => number;
  /** Random (u, v) pairs (and, in directional mode, directions z) to test (default 3). */
  directions?: number;
  /** Seed of the random vectors (default 0). */
  seed?: number;
  /** Check every component when dim ≤ fullDim (reference mode only; default 64). */
  fullDim?: number;
  /** Tolerances; defaults: with reference {loss 1e-4, grad 1e-5, hvp 1e-4, curvatureGrad 1e-3},
   * without {grad 2e-3, hvp 2e-2, curvatureGrad 1e-1}. */
  tol?: Partial<CheckTolerances>;
}

/** Result of a derivative check: relative errors, tolerances and pass/fail per quantity. */
export interface DerivativeCheckReport {
  name: string;
  dim: number;
  /** 'reference-float64' or 'float32-stencil'. */
  mode: 'reference-float64' | 'float32-stencil';
  /** 'all' components or random 'directions'. */
  components: 'all' | 'directions';
  /** Largest relative error over the tested directions. */
  errors: CheckTolerances;
  tol: CheckTolerances;
  passed: Record<keyof CheckTolerances, boolean>;
  pass: boolean;
  /** A readable multi-line summary. */
  toString(): string;
}

const DEFAULT_TOL_REF: CheckTolerances = { loss: 1e-4, grad: 1e-5, hvp: 1e-4, curvatureGrad: 1e-3 };
const DEFAULT_TOL_F32: CheckTolerances = { loss: 0, grad: 2e-3, hvp: 2e-2, curvatureGrad: 1e-1 };
const ATOL = [1e-6, 1e-5, 1e-4];

function unitVector(r: ReturnType<typeof rng>, dim: number): Float64Array {
  const x = Float32Array.from(r.normals(dim));
  let n = 0;
  for (const v of x) n += v * v;
  n = Math.sqrt(n);
  return Float64Array.from(Float32Array.from(x, (v) => v / n)); // exactly representable in float32
}

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function relError(x: ArrayLike<number>, ref: ArrayLike<number>, floor: number): number {
  const d = Float64Array.from(x, (v, i) => v - ref[i]);
  return norm(d) / (Math.max(norm(ref), norm(x)) + floor);
}

async function readOwned(t: tf.Tensor): Promise<Float64Array> {
  const [values] = await readAndDispose([t]);
  return Float64Array.from(values);
}

/**
 * Checks grad, hvp and curvatureGrad of `P` at `w` against finite differences (see module doc).
 * @example
 * const report = await checkDerivatives(P, w, { reference: (w) => plainTsLoss(w) });
 * assert.ok(report.pass, report.toString());
 */
export async function checkDerivatives(P: Problem, w: Tensor1D, opts: CheckOptions = {}): Promise<DerivativeCheckReport> {
  const { reference, directions = 3, seed = 0, fullDim = 64 } = opts;
  const dim = P.dim;
  const tol = { ...(reference ? DEFAULT_TOL_REF : DEFAULT_TOL_F32), ...opts.tol };
  const w64 = Float64Array.from(await read(w));
  const r = rng(seed);
  const L = (await readOwned(P.loss(w)))[0];
  const scale = 1 + Math.abs(L);
  const errors: CheckTolerances = { loss: 0, grad: 0, hvp: 0, curvatureGrad: 0 };
  const full = reference !== undefined && dim <= fullDim;

  // f(x + Σ cⱼ dⱼ) at every stencil point: in float64 through the reference, or in float32
  // through P.loss (all points of one stencil read back together).
  const pointAlong = (dirs: Float64Array[], c: number[]): Float64Array => {
    const x = Float64Array.from(w64);
    for (let j = 0; j < dirs.length; j++) {
      const d = dirs[j];
      const cj = c[j];
      for (let i = 0; i < dim; i++) x[i] += cj * d[i];
    }
    return x;
  };
  const hs = reference ? [1e-5, 1e-4, 2e-3] : [0.05, 0.1, 0.2];
  const scheme = reference ? 'central2' : 'central4';
  const fd = async (dirs: Float64Array[]): Promise<number> => {
    const h = hs[dirs.length - 1];
    const terms = stencilTerms(dirs.length, h, scheme);
    let values: number[];
    if (reference) {
      values = terms.map(({ c }) => reference(pointAlong(dirs, c)));
    } else {
      const losses = terms.map(({ c }) => tf.tidy(() => P.loss(tf.tensor1d(Float32Array.from(pointAlong(dirs, c))))));
      values = Array.from(await readAndDispose(losses), (v) => v[0]);
    }
    let total = 0;
    for (let i = 0; i < terms.length; i++) total += terms[i].weight * values[i];
    return total / h ** dirs.length;
  };

  if (reference) errors.loss = Math.abs(L - reference(w64)) / Math.max(Math.abs(reference(w64)), 1e-30);
  const g = await readOwned(P.grad(w));
  const basis = (i: number) => {
    const e = new Float64Array(dim);
    e[i] = 1;
    return e;
  };
  // Compare vector x with its finite-difference version along `extra` directions (order = 1 + extra).
  const compare = async (x: Float64Array, extra: Float64Array[], zs: Float64Array[]): Promise<number> => {
    const floor = ATOL[extra.length] * scale;
    if (full) {
      const ref = new Float64Array(dim);
      for (let i = 0; i < dim; i++) ref[i] = await fd([basis(i), ...extra]);
      return relError(x, ref, floor);
    }
    let worst = 0;
    for (const z of zs) {
      const err = Math.abs(dot(x, z) - await fd([z, ...extra])) * Math.sqrt(dim) / (norm(x) + floor * Math.sqrt(dim));
      worst = Math.max(worst, err);
    }
    return worst;
  };
  const wT = tf.tensor1d(Float32Array.from(w64));
  try {
    for (let k = 0; k < directions; k++) {
      const u = unitVector(r, dim);
      const v = unitVector(r, dim);
      const zs = full ? [] : [unitVector(r, dim)];
      if (k === 0) errors.grad = await compare(g, [], full ? [] : [zs[0], unitVector(r, dim), unitVector(r, dim)]);
      const uT = tf.tensor1d(Float32Array.from(u));
      const vT = tf.tensor1d(Float32Array.from(v));
      const [hv, cg] = (await readAndDispose([P.hvp(wT, vT), P.curvatureGrad(wT, uT, vT)])).map((x) => Float64Array.from(x));
      uT.dispose();
      vT.dispose();
      errors.hvp = Math.max(errors.hvp, await compare(hv, [v], zs));
      errors.curvatureGrad = Math.max(errors.curvatureGrad, await compare(cg, [u, v], zs));
    }
  } finally {
    wT.dispose();
  }
  const keys = ['loss', 'grad', 'hvp', 'curvatureGrad'] as const;
  const passed = Object.fromEntries(keys.map((q) => [q, !(errors[q] > tol[q]) || (q === 'loss' && !reference)])) as Record<keyof CheckTolerances, boolean>;
  const report: DerivativeCheckReport = {
    name: P.name ?? 'problem',
    dim,
    mode: reference ? 'reference-float64' : 'float32-stencil',
    components: full ? 'all' : 'directions',
    errors,
    tol,
    passed,
    pass: keys.every((q) => passed[q]),
    toString() {
      const rows = keys
        .filter((q) => q !== 'loss' || reference)
        .map((q) => `  ${q.padEnd(14)} ${errors[q].toExponential(2).padStart(9)}  tol ${tol[q].toExponential(0)}  ${passed[q] ? 'ok' : 'FAIL'}`);
      return `derivative check of '${this.name}' (dim ${dim}, ${this.mode}, ${this.components === 'all' ? 'all components' : `${directions} random directions`}): ${this.pass ? 'PASS' : 'FAIL'}\n${rows.join('\n')}`;
    },
  };
  return report;
}
