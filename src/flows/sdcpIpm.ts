/**
 * Primal log-barrier interior-point method for the SDCP's convex QP (sdcp.ts):
 *     min_{X ≻ 0} ½⟨X, β[X]⟩ + ⟨α, X⟩ − μ log det X,   μ ↓ 0,
 * in the coordinates x_p = X_ij (i ≤ j) with ⟨A, X⟩ = Σ_p w_p A_ij x_p (w = 1 on the diagonal,
 * 2 off it). Newton steps with a fraction-to-boundary rule and Armijo backtracking; on the central
 * path α + β[X] = μX⁻¹, so ⟨X, α + β[X]⟩ = kμ, which sets the stopping μ. Robust when β is
 * singular (non-unique X), where projected-gradient methods crawl.
 */
import { solveLinear, symEig } from './dense.js';

function pairsOf(k: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) out.push([i, j]);
  return out;
}

/** X (k×k) from pair coordinates. */
function toMat(x: Float64Array, pairs: Array<[number, number]>, k: number): Float64Array {
  const X = new Float64Array(k * k);
  pairs.forEach(([i, j], p) => { X[i * k + j] = x[p]; X[j * k + i] = x[p]; });
  return X;
}

/** Inverse and log-determinant of a symmetric positive definite matrix (null if not PD). */
function invLogdet(X: Float64Array, k: number): { inv: Float64Array; logdet: number } | null {
  const { values, vectors } = symEig(X, k);
  if (!(values[k - 1] > 0)) return null;
  const inv = new Float64Array(k * k);
  let logdet = 0;
  for (let r = 0; r < k; r++) {
    logdet += Math.log(values[r]);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) inv[i * k + j] += (vectors[r * k + i] * vectors[r * k + j]) / values[r];
  }
  return { inv, logdet };
}

/** Solves the QP by the barrier method; B is the [k², k²] operator (symmetric PSD), a = α. */
export function barrierSdcp(a: Float64Array, B: Float64Array, k: number, { tol = 1e-13, maxNewton = 400 } = {}): { X: Float64Array; iterations: number } {
  const pairs = pairsOf(k);
  const m = pairs.length;
  const k2 = k * k;
  const w = pairs.map(([i, j]) => (i === j ? 1 : 2));
  const av = Float64Array.from(pairs, ([i, j], p) => w[p] * a[i * k + j]);
  // reduced quadratic form Bq[p][q] = ⟨E_p, β[E_q]⟩
  const Bq = new Float64Array(m * m);
  pairs.forEach(([r, s], q) => {
    const col = new Float64Array(k2);
    for (let ab = 0; ab < k2; ab++) col[ab] = B[ab * k2 + r * k + s] + (r !== s ? B[ab * k2 + s * k + r] : 0);
    pairs.forEach(([i, j], p) => { Bq[p * m + q] = w[p] * 0.5 * (col[i * k + j] + col[j * k + i]); });
  });
  for (let p = 0; p < m; p++) for (let q = 0; q < p; q++) Bq[p * m + q] = Bq[q * m + p] = 0.5 * (Bq[p * m + q] + Bq[q * m + p]);
  const na = Math.sqrt(av.reduce((s, v) => s + v * v, 0)) || 1;
  // start at the best multiple of I, with μ on the scale of the objective there
  let trA = 0, iBi = 0;
  pairs.forEach(([i, j], p) => { if (i === j) { trA += av[p]; pairs.forEach(([r, s], q) => { if (r === s) iBi += Bq[p * m + q]; }); } });
  const c = trA < 0 && iBi > 0 ? -trA / iBi : na;
  let x = Float64Array.from(pairs, ([i, j]) => (i === j ? c : 0));
  // μ large enough that the barrier's pull μX⁻¹ matches the QP's gradient at X0 (deep interior)
  let gn = 0;
  pairs.forEach(([i, j], p) => {
    let s = av[p];
    pairs.forEach(([r, t], q) => { if (r === t) s += Bq[p * m + q] * c; });
    gn += (s * s) / w[p];
  });
  let mu = Math.max(Math.sqrt(gn) * c * Math.sqrt(k), 1e-300);
  const f = (xx: Float64Array, muv: number): number => {
    const il = invLogdet(toMat(xx, pairs, k), k);
    if (!il) return Infinity;
    let q = 0;
    for (let p = 0; p < m; p++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += Bq[p * m + r] * xx[r];
      q += xx[p] * (0.5 * s + av[p]);
    }
    return q - muv * il.logdet;
  };
  let it = 0;
  for (; it < maxNewton; it++) {
    const X = toMat(x, pairs, k);
    const il = invLogdet(X, k)!;
    const Xi = il.inv;
    const g = new Float64Array(m);
    const H = new Float64Array(m * m);
    pairs.forEach(([i, j], p) => {
      let s = 0;
      for (let r = 0; r < m; r++) s += Bq[p * m + r] * x[r];
      g[p] = s + av[p] - mu * w[p] * Xi[i * k + j];
    });
    pairs.forEach(([i, j], p) => {
      // M = X⁻¹ E_p X⁻¹ with E_p = e_i e_jᵀ + e_j e_iᵀ (or e_i e_iᵀ)
      pairs.forEach(([r, s], q) => {
        const Mrs = i === j ? Xi[r * k + i] * Xi[i * k + s] : Xi[r * k + i] * Xi[j * k + s] + Xi[r * k + j] * Xi[i * k + s];
        H[p * m + q] = Bq[p * m + q] + mu * w[q] * Mrs;
      });
    });
    for (let p = 0; p < m; p++) for (let q = 0; q < p; q++) H[p * m + q] = H[q * m + p] = 0.5 * (H[p * m + q] + H[q * m + p]);
    const d = solveLinear(H, g.map((v) => -v), m);
    if (!d) break;
    const dec = -g.reduce((s, v, p) => s + v * d[p], 0);
    if (dec / mu <= 1e-8) {
      if (k * mu <= tol * Math.max(na * Math.sqrt(x.reduce((s, v) => s + v * v, 0)), 1e-300)) break;
      mu *= 0.1;
      continue;
    }
    // fraction to the boundary: X + t ΔX ≻ 0
    const D = toMat(d, pairs, k);
    const ev = symEig(X, k);
    const S = new Float64Array(k * k); // X^{-1/2} D X^{-1/2}
    const half = new Float64Array(k * k);
    for (let r = 0; r < k; r++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) half[i * k + j] += (ev.vectors[r * k + i] * ev.vectors[r * k + j]) / Math.sqrt(ev.values[r]);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) s += half[i * k + p] * D[p * k + q] * half[q * k + j];
      S[i * k + j] = s;
    }
    const lmin = symEig(S, k).values[k - 1];
    let t = lmin < 0 ? Math.min(1, -0.95 / lmin) : 1;
    const f0 = f(x, mu);
    let moved = false;
    for (let bt = 0; bt < 40 && !moved; bt++) {
      const xn = x.map((v, p) => v + t * d[p]);
      if (f(xn, mu) <= f0 - 0.25 * t * dec) { x = xn; moved = true; }
      t *= 0.5;
    }
    if (!moved) break; // no decrease representable in float64: as accurate as this μ allows
  }
  return { X: toMat(x, pairs, k), iterations: it };
}
