/**
 * LOBPCG (locally optimal block preconditioned conjugate gradient) for the k largest eigenpairs,
 * with soft locking: converged columns stay in the Rayleigh–Ritz basis but get no new residual
 * direction, so they cost no HVPs. One hvpBatch of the active residuals per iteration; H·X and H·P
 * are carried as linear combinations (no extra HVPs). Started from good vectors (the previous
 * step's eigenvectors) it converges in a few HVPs, which is why the central-flows code tracks
 * eigenvectors with it. Optional guard columns (e.g. the previous step's next eigenvectors) widen
 * the Rayleigh–Ritz basis for one initial batch of HVPs, which pays off when the top eigenvalues are
 * clustered and rotate into each other between steps. Knyazev (2001), SIAM J. Sci. Comput. 23(2); Hetmaniuk & Lehoucq (2006)
 * for the orthonormal-basis form used here.
 */
import { eigh } from '../linalg/eigh.js';
import { gramSchmidt } from '../linalg/qr.js';
import { axpy, combineRows, dot, multiDot, norm, scale, subtractCombination } from '../linalg/vec.js';
import type { SymOperator } from '../operator.js';
import { checkInterrupt, relativeResidual, startBlock, type SolverOptions, type SolverResult } from './common.js';

/**
 * Top-k eigenpairs of op by LOBPCG with soft locking, stopping a pair on relative residual ≤ tol,
 * or (valueTol > 0) once its Ritz value moved by ≤ valueTol·|θ| in the last iteration — the
 * eigenvalue converges like the residual squared, so this stops well before the residual test.
 * `watch` applies a value test only to pairs whose Ritz value is below `watch.below`: an eigen
 * tracker's extra pairs, kept to notice the next eigenvalue rising, need their values, not their
 * vectors to 1e-5 (and in a cluster of bulk eigenvalues their residuals converge slowly).
 * Async: one operator read (one hvpBatch of the active residuals) per iteration.
 */
export async function lobpcg(op: SymOperator, { k, tol, maxIter, start, rng, guard = 0, valueTol = 0, watch }: SolverOptions): Promise<SolverResult> {
  const dim = op.dim;
  let X = startBlock(dim, Math.min(k + guard, dim), start, rng);
  let HX = await op.apply(X);
  ({ X, HX } = rayleighRitz([X], [HX], X.length, dim).next);
  let thetas = rayleighValues(X, HX);
  let P: Float64Array[] = [], HP: Float64Array[] = [];
  let residuals: number[] = [];
  let previous: number[] | null = null;
  for (let it = 0; ; it++) {
    checkInterrupt();
    const R = X.map((x, i) => axpy(new Float64Array(HX[i]), -thetas[i], x) as Float64Array);
    const maxAbs = Math.max(...thetas.map(Math.abs));
    residuals = R.map((r, i) => relativeResidual(norm(r), thetas[i], maxAbs));
    // guard columns (i ≥ k) stay soft-locked: they enrich the basis but cost no HVPs
    const settled = (i: number) => {
      const vt = watch && thetas[i] < watch.below ? Math.max(valueTol, watch.valueTol) : valueTol;
      return vt > 0 && previous !== null && Math.abs(thetas[i] - previous[i]) <= vt * Math.abs(thetas[i]);
    };
    const active = residuals.map((r, i) => (i < k && r > tol && !settled(i) ? i : -1)).filter((i) => i >= 0);
    if (active.length === 0 || it >= maxIter) {
      return { values: thetas.slice(0, k), vectors: X.slice(0, k), residuals: residuals.slice(0, k), iterations: it, converged: active.length === 0 };
    }
    // P ⟂ X with H·P carried along, in place (P, HP are this iteration's own fresh combinations,
    // used nowhere else); then W = active residuals ⟂ [X, P]
    const Pc = P, HPc = HP;
    orthonormalizeWithImage(Pc, HPc, X, HX);
    const W = active.map((i) => R[i]);
    const { dropped } = gramSchmidt(W, { against: [...X, ...Pc], dropTol: 1e-10 });
    const Wk = W.filter((_, i) => !dropped.includes(i));
    if (Wk.length === 0 && Pc.length === 0) {
      return { values: thetas.slice(0, k), vectors: X.slice(0, k), residuals: residuals.slice(0, k), iterations: it, converged: false };
    }
    const HW = await op.apply(Wk);
    const rr = rayleighRitz([X, Pc, Wk], [HX, HPc, HW], X.length, dim);
    X = rr.next.X; HX = rr.next.HX; P = rr.dir.X; HP = rr.dir.HX;
    previous = thetas;
    thetas = rr.values;
  }
}

/**
 * Rayleigh–Ritz on the orthonormal basis S = [groups…] with images HS: returns the top-m Ritz
 * pairs (X, HX) and the conjugate direction P = (non-X part of S)·C with its image.
 */
function rayleighRitz(S: Float64Array[][], HS: Float64Array[][], m: number, dim: number) {
  const basis = S.flat(), images = HS.flat();
  const n = basis.length;
  const G = new Float64Array(n * n);
  // upper triangle only (H symmetric); one pass over each image for all basis vectors
  for (let j = 0; j < n; j++) {
    const col = multiDot(basis.slice(0, j + 1), images[j]);
    for (let i = 0; i <= j; i++) { G[i * n + j] = col[i]; G[j * n + i] = col[i]; }
  }
  const { values, vectors } = eigh(G, n);
  const nx = S[0].length;
  const mm = Math.min(m, n);
  const withDir = n > nx;
  // coefficient rows: the top-mm Ritz vectors, then (with directions) the same with the X part zeroed
  const rows = withDir ? 2 * mm : mm;
  const C = new Float64Array(rows * n);
  const vals: number[] = [];
  for (let r = 0; r < mm; r++) {
    const col = n - 1 - r;
    for (let i = 0; i < n; i++) C[r * n + i] = vectors[i * n + col];
    if (withDir) for (let i = nx; i < n; i++) C[(mm + r) * n + i] = vectors[i * n + col];
    vals.push(values[col]);
  }
  const SX = combineRows(basis, C, rows, dim), HSX = combineRows(images, C, rows, dim);
  return { next: { X: SX.slice(0, mm), HX: HSX.slice(0, mm) }, dir: { X: SX.slice(mm), HX: HSX.slice(mm) }, values: vals };
}

/** Orthonormalises P against X and itself, applying the same combinations to HP (in place; chunked kernels, see vec.ts). */
function orthonormalizeWithImage(P: Float64Array[], HP: Float64Array[], X: Float64Array[], HX: Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < P.length; j++) {
      const r0 = norm(P[j]);
      const c = multiDot(X, P[j]);
      subtractCombination(P[j], X, c); subtractCombination(HP[j], HX, c);
      const prev = P.slice(0, j), prevH = HP.slice(0, j);
      const d = multiDot(prev, P[j]);
      subtractCombination(P[j], prev, d); subtractCombination(HP[j], prevH, d);
      const r = norm(P[j]);
      if (!(r > 1e-3 * r0) || r < 1e-12) { P[j].fill(0); HP[j].fill(0); continue; }
      scale(P[j], 1 / r); scale(HP[j], 1 / r);
    }
  }
  for (let j = P.length - 1; j >= 0; j--) if (norm(P[j]) === 0) { P.splice(j, 1); HP.splice(j, 1); }
}

function rayleighValues(X: Float64Array[], HX: Float64Array[]): number[] {
  return X.map((x, i) => dot(x, HX[i]));
}
