/**
 * One Euler substep of the stable flow and of the central flow, following the official
 * discretisation (Cohen, Damian et al. 2025, arXiv:2410.24206; src/flows.py). With k critical
 * effective eigenpairs (λᵢ, Uᵢ), UᵀPU = I:
 *   gᵢⱼ = ∇_w(Uᵢᵀ H(w) Uⱼ),  dw/dt = −P⁻¹∇L − ½ Σᵢⱼ Xᵢⱼ P⁻¹gᵢⱼ,
 *   dν/dt = c(∇L² − ν) + c Σᵢⱼ Xᵢⱼ (HUᵢ ⊙ HUⱼ)   with HU = P U diag(λ)   (scalar: ⟨HUᵢ, HUⱼ⟩),
 *   A = Uᵀ(2P − H)U = diag(2 − λ),  A_next = A + dt(2 dP/dt − dH/dt) = α + β[X],  (dH/dt)ₐᵦ = gₐᵦᵀ dw/dt,
 * and X solves the SDCP 0 ⪯ X ⟂ α + β[X] ⪰ 0 (sdcp.ts); then w += dt·dw/dt, ν += dt·dν/dt.
 * Tensor reads: the stable substep reads nothing; the central substep reads its small k×k / m×m
 * SDCP inputs once (one packed read, which the caller's row values may ride along with).
 */
import { tf } from '../tensor/tf.js';
import { readPacked } from '../tensor/read.js';
import type { Problem, Tensor1D, Tensor2D } from '../tensor/types.js';
import { disposeDiag, mulDiag, type Diag, type FlowState, type Rule } from './rules.js';
import { solveSdcp, type SdcpResidual } from './sdcp.js';

/** Index pairs (i ≤ j) of the upper triangle, in row order. */
export function upperPairs(k: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) out.push([i, j]);
  return out;
}

/** Advances the state by dt with rate dν (disposes the old ν). */
function advanceState(s: FlowState, dnu: Diag | null, dt: number): FlowState {
  if (s.nu === null || dnu === null) return { t: s.t + dt, nu: null };
  const old = s.nu;
  const nu = tf.tidy(() => tf.add(old, tf.mul(dnu, dt)));
  old.dispose();
  return { t: s.t + dt, nu };
}

/** Stable-flow Euler substep: w += −dt P⁻¹∇L, ν += dt c(g² − ν). Disposes the old w and ν; reads nothing. */
export function stableSubstep(rule: Rule, w: Tensor1D, s: FlowState, g: Tensor1D, dt: number): { w: Tensor1D; s: FlowState } {
  const p = rule.precond(s);
  const dnu = rule.nuRate(s, g);
  const wn = tf.tidy(() => tf.sub(w, tf.div(tf.mul(g, dt), p))) as Tensor1D;
  disposeDiag(p);
  w.dispose();
  const sn = advanceState(s, dnu, dt);
  disposeDiag(dnu);
  return { w: wn, s: sn };
}

/** Output of one central substep. */
export interface CentralSubstepResult {
  w: Tensor1D;
  s: FlowState;
  /** X (row-major k×k, in the P-normalised basis U: Σ = U X Uᵀ). */
  X: Float64Array;
  residual: SdcpResidual | null;
  /** Gram matrix ⟨HUᵢ, HUⱼ⟩ (k×k), for the ‖∇L‖² prediction. */
  hu: Float64Array;
  /** Values of the caller's `extra` tensors, read in the same transfer (same order). */
  extra: Float32Array[];
  times: { curvatureGrad: number; sdcp: number; update: number };
}

/**
 * Central-flow Euler substep (module doc), async: one packed read of the SDCP's inputs (plus the
 * caller's `extra` tensors, whose values come back in `extra`; the caller keeps and disposes them).
 * U: [k, dim] rows P-orthonormal; eigs: the k effective eigenvalues. Disposes the old w and ν; the
 * caller keeps g and U.
 */
export async function centralSubstep(P: Problem, rule: Rule, w: Tensor1D, s: FlowState, g: Tensor1D, eigs: number[], U: Tensor2D, dt: number, extra: readonly tf.Tensor[] = []): Promise<CentralSubstepResult> {
  const k = eigs.length;
  const pairs = upperPairs(k);
  const m = pairs.length;
  const t0 = performance.now();
  const rows = U.unstack() as Tensor1D[];
  const cg = pairs.map(([i, j]) => P.curvatureGrad(w, rows[i], rows[j]));
  const G = tf.stack(cg) as Tensor2D;
  tf.dispose([...cg, ...rows]);
  const t1 = performance.now();
  const p = rule.precond(s);
  const { dNu, dT } = rule.dP(s);
  const dnuS = rule.nuRate(s, g);
  const HU = tf.tidy(() => tf.mul(mulDiag(p, U), tf.tensor2d(eigs, [k, 1]))) as Tensor2D; // H U ≈ P U diag(λ)
  // dw/dt pieces
  const dwS = tf.tidy(() => tf.neg(tf.div(g, p))) as Tensor1D;
  const dwX = tf.tidy(() => tf.mul(tf.div(G, p), -0.5)) as Tensor2D; // [m, dim]
  // the SDCP's inputs, read below in one transfer: ⟨HUᵢ, HUⱼ⟩, dH/dt's pieces, dP/dt's pieces
  const small: tf.Tensor[] = tf.tidy(() => [
    tf.matMul(HU, HU, false, true), // hu [k, k]
    tf.matMul(G, tf.reshape(dwS, [-1, 1])), // dHS [m, 1]
    tf.matMul(G, dwX, false, true), // dHX [m, m]
  ]);
  let R: Tensor2D | null = null; // RMSProp: dν/dt's X part per pair, c(HUᵢ ⊙ HUⱼ)
  if (rule.kind === 'scalarRmsprop') {
    // UUᵀ [k, k] and the scalars ∂P/∂ν, ∂P/∂t, the stable dν/dt
    small.push(tf.tidy(() => tf.matMul(U, U, false, true)), tf.tidy(() => tf.reshape(tf.stack([dNu as tf.Tensor, dT as tf.Tensor, dnuS as tf.Tensor]), [3])));
  } else if (rule.kind === 'rmsprop') {
    R = tf.tidy(() => tf.stack(pairs.map(([i, j]) => tf.mul(tf.mul(HU.gather(i), HU.gather(j)), rule.c)))) as Tensor2D;
    const r = R;
    small.push(...tf.tidy(() => {
      const UU = tf.stack(pairs.map(([a, b]) => tf.mul(U.gather(a), U.gather(b))));
      const UUd = tf.mul(UU, dNu as Tensor1D);
      return [
        tf.add(tf.matMul(UUd, tf.reshape(dnuS as Tensor1D, [-1, 1])), tf.matMul(UU, tf.reshape(dT as Tensor1D, [-1, 1]))), // dPS [m, 1]
        tf.matMul(UUd, r, false, true), // dPX [m, m]
      ];
    }));
  }
  let values: Float32Array[];
  try {
    values = await readPacked([...small, ...extra]);
  } catch (e) {
    tf.dispose([...small, G, HU, dwS, dwX]);
    if (R) R.dispose();
    disposeDiag(p, dNu, dT, dnuS);
    throw e;
  }
  tf.dispose(small);
  const hu = Float64Array.from(values[0]);
  const dHS = values[1];
  const dHX = values[2];
  const dPS = new Float64Array(m);
  const dPX = new Float64Array(m * m);
  let nuX: Float64Array | null = null; // scalar RMSProp: dν/dt's X part per pair, c⟨HUᵢ, HUⱼ⟩
  if (rule.kind === 'scalarRmsprop') {
    const uu = values[3];
    const [dNuV, dTV, dnuSV] = values[4];
    const nx = new Float64Array(m);
    pairs.forEach(([i, j], q) => { nx[q] = rule.c * hu[i * k + j]; });
    nuX = nx;
    const rate = dNuV * dnuSV + dTV;
    pairs.forEach(([a, b], r) => {
      dPS[r] = uu[a * k + b] * rate;
      for (let q = 0; q < m; q++) dPX[r * m + q] = uu[a * k + b] * dNuV * nx[q];
    });
  } else if (rule.kind === 'rmsprop') {
    dPS.set(values[3]);
    dPX.set(values[4]);
  }
  const extraValues = values.slice(values.length - extra.length);
  // α and β of the SDCP (β over ALL ordered index pairs)
  const pairIndex = (i: number, j: number) => (i <= j ? i * k - (i * (i - 1)) / 2 + (j - i) : j * k - (j * (j - 1)) / 2 + (i - j));
  const alpha = new Float64Array(k * k);
  const beta = new Float64Array(k ** 4);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
    const r = pairIndex(a, b);
    alpha[a * k + b] = (a === b ? 2 - eigs[a] : 0) + dt * (2 * dPS[r] - dHS[r]);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const q = pairIndex(i, j);
      beta[(a * k + b) * k * k + i * k + j] = dt * (2 * dPX[r * m + q] - dHX[r * m + q]);
    }
  }
  const t2 = performance.now();
  const sol = solveSdcp(alpha, beta, k);
  const t3 = performance.now();
  const xw = pairs.map(([i, j]) => sol.X[i * k + j] * (i === j ? 1 : 2));
  const xwT = tf.tensor2d(xw, [1, m]);
  const wn = tf.tidy(() => tf.add(w, tf.mul(tf.add(dwS, tf.reshape(tf.matMul(xwT, dwX), [-1])), dt))) as Tensor1D;
  let dnu: Diag | null = dnuS;
  if (nuX) {
    const nx = nuX;
    dnu = tf.tidy(() => tf.add(dnuS as tf.Tensor, xw.reduce((acc, x, q) => acc + x * nx[q], 0)));
    disposeDiag(dnuS);
  } else if (R) {
    const r = R;
    dnu = tf.tidy(() => tf.add(dnuS as Tensor1D, tf.reshape(tf.matMul(xwT, r), [-1]))) as Tensor1D;
    disposeDiag(dnuS);
  }
  w.dispose();
  const sn = advanceState(s, dnu, dt);
  disposeDiag(dnu, p, dNu, dT);
  tf.dispose([G, HU, dwS, dwX, xwT]);
  R?.dispose();
  const t4 = performance.now();
  return { w: wn, s: sn, X: sol.X, residual: sol.residual, hu, extra: extraValues, times: { curvatureGrad: t1 - t0, sdcp: t3 - t2, update: t2 - t1 + t4 - t3 } };
}
