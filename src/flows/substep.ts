/**
 * One Euler substep of the stable flow and of the central flow, following the official
 * discretisation (Cohen, Damian et al. 2025, arXiv:2410.24206; src/flows.py). With k critical
 * effective eigenpairs (λᵢ, Uᵢ), UᵀPU = I:
 *   gᵢⱼ = ∇_w(Uᵢᵀ H(w) Uⱼ),  dw/dt = −P⁻¹∇L − ½ Σᵢⱼ Xᵢⱼ P⁻¹gᵢⱼ,
 *   dν/dt = c(∇L² − ν) + c Σᵢⱼ Xᵢⱼ (HUᵢ ⊙ HUⱼ)   with HU = P U diag(λ)   (scalar: ⟨HUᵢ, HUⱼ⟩),
 *   A = Uᵀ(2P − H)U = diag(2 − λ),  A_next = A + dt(2 dP/dt − dH/dt) = α + β[X],  (dH/dt)ₐᵦ = gₐᵦᵀ dw/dt,
 * and X solves the SDCP 0 ⪯ X ⟂ α + β[X] ⪰ 0 (sdcp.ts); then w += dt·dw/dt, ν += dt·dν/dt.
 *
 * The central substep is split in three so that the critical set can be decided from the same read:
 * `centralInputs` builds, on the device, the SDCP's small matrices for a candidate set C of
 * directions (every λ-dependence factored out: λ comes later, from the same read); `solveCentral`
 * picks the actual critical subset A ⊆ C on the host and solves the SDCP on it; `centralUpdate`
 * moves w and ν (pairs outside A get X = 0, exactly the substep on A).
 * Tensor reads: none here; the caller reads `small` once, together with its own values.
 */
import { tf } from '../tensor/tf.js';
import { upperPairs } from '../tensor/problem.js';
import type { Tensor1D, Tensor2D } from '../tensor/types.js';
import { disposeDiag, mulDiag, type Diag, type FlowState, type Rule } from './rules.js';
import { solveSdcp, type SdcpResidual } from './sdcp.js';

export { upperPairs };

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

/** Device tensors of a central substep over a candidate set of c directions (pairs in upperPairs(c) order). */
export interface CentralInputs {
  c: number;
  /** To read, in this order: (PU)(PU)ᵀ [c,c], G·dw_S [m], G·dw_Xᵀ [m,m], then UUᵀ [c,c] and [∂P/∂ν, ∂P/∂t, dν_S] (scalar RMSProp) or dP_S [m] and dP_X⁰ [m,m] (RMSProp). */
  small: tf.Tensor[];
  /** Kept for the update: −P⁻¹g, −½P⁻¹G, dν_S, and (RMSProp) c(PUᵢ ⊙ PUⱼ) per pair. */
  dwS: Tensor1D;
  dwX: Tensor2D;
  dnuS: Diag | null;
  R0: Tensor2D | null;
}

/**
 * Builds the SDCP's inputs on the device for the rows of U (P-normalised, [c, dim]) and their
 * curvature gradients G ([c(c+1)/2, dim], upperPairs order). Synchronous, reads nothing; the caller
 * reads `small` and disposes everything with `disposeInputs`.
 */
export function centralInputs(rule: Rule, s: FlowState, g: Tensor1D, U: Tensor2D, G: Tensor2D): CentralInputs {
  const c = U.shape[0];
  const pairs = upperPairs(c);
  const p = rule.precond(s);
  const { dNu, dT } = rule.dP(s);
  const dnuS = rule.nuRate(s, g); // kept in the result
  try {
    const t = tf.tidy(() => {
      const PU = mulDiag(p, U) as Tensor2D;
      const dwS = tf.neg(tf.div(g, p)) as Tensor1D;
      const dwX = tf.mul(tf.div(G, p), -0.5) as Tensor2D;
      const small: tf.Tensor[] = [tf.matMul(PU, PU, false, true), tf.reshape(tf.matMul(G, tf.reshape(dwS, [-1, 1])), [-1]), tf.matMul(G, dwX, false, true)];
      const R0: Tensor2D[] = [];
      if (rule.kind === 'scalarRmsprop') {
        small.push(tf.matMul(U, U, false, true), tf.reshape(tf.stack([dNu as tf.Tensor, dT as tf.Tensor, dnuS as tf.Tensor]), [3]));
      } else if (rule.kind === 'rmsprop' && c === 0) {
        small.push(tf.zeros([0]), tf.zeros([0, 0]));
      } else if (rule.kind === 'rmsprop') {
        const rows = (t: Tensor2D, [i, j]: [number, number]) => tf.mul(tf.gather(t, i), tf.gather(t, j));
        R0.push(tf.mul(tf.stack(pairs.map((q) => rows(PU, q))), rule.c) as Tensor2D);
        const UU = tf.stack(pairs.map((q) => rows(U, q))) as Tensor2D;
        const UUd = tf.mul(UU, dNu as Tensor1D) as Tensor2D;
        small.push(tf.reshape(tf.add(tf.matMul(UUd, tf.reshape(dnuS as Tensor1D, [-1, 1])), tf.matMul(UU, tf.reshape(dT as Tensor1D, [-1, 1]))), [-1]), tf.matMul(UUd, R0[0], false, true));
      }
      return { small, dwS, dwX, R0 };
    });
    return { c, small: t.small, dwS: t.dwS, dwX: t.dwX, dnuS, R0: t.R0[0] ?? null };
  } catch (e) {
    disposeDiag(dnuS);
    throw e;
  } finally {
    disposeDiag(p, dNu, dT);
  }
}

/** Frees what `centralInputs` made. */
export function disposeInputs(ci: CentralInputs): void {
  tf.dispose([...ci.small, ci.dwS, ci.dwX, ...(ci.R0 ? [ci.R0] : [])]);
  disposeDiag(ci.dnuS);
}

/** The host side of a central substep: X on the critical subset and the per-pair weights for the update. */
export interface CentralSolution {
  /** X (row-major k×k over A, Σ = Σ X_ab U_A[a] U_A[b]ᵀ). */
  X: Float64Array;
  residual: SdcpResidual | null;
  /** ⟨HUₐ, HUᵦ⟩ over A (k×k), for the ‖∇L‖² prediction. */
  hu: Float64Array;
  /** Weight of each candidate pair q = (i, j) in dw/dt: Xᵢⱼ (×2 off the diagonal), 0 outside A. */
  xw: number[];
  /** The same weights times λᵢλⱼ (they multiply c(PUᵢ ⊙ PUⱼ) in dν/dt). */
  xwLambda: number[];
  /** Scalar RMSProp: the X part of dν/dt, c Σ_q xw_q ⟨HUᵢ, HUⱼ⟩. */
  nuX: number;
}

/**
 * Solves the SDCP on the critical subset A (positions into the candidate set, in the order X should
 * use) from the values read for `small` and the candidates' effective eigenvalues `lambda` (host only).
 */
export function solveCentral(rule: Rule, values: readonly Float32Array[], lambda: readonly number[], A: readonly number[], dt: number): CentralSolution {
  const c = lambda.length;
  const m = (c * (c + 1)) / 2;
  const k = A.length;
  const pairs = upperPairs(c);
  const idx = (i: number, j: number) => (i <= j ? i * c - (i * (i - 1)) / 2 + (j - i) : j * c - (j * (j - 1)) / 2 + (i - j));
  const lam = pairs.map(([i, j]) => lambda[i] * lambda[j]);
  const [pupu, dHS, dHX] = values;
  const dPS = new Float64Array(m);
  const dPX = new Float64Array(m * m);
  const nx = new Float64Array(m); // scalar RMSProp: c⟨HUᵢ, HUⱼ⟩ per pair
  if (rule.kind === 'scalarRmsprop') {
    const [uu, [dNu, dT, dnuS]] = [values[3], values[4]];
    pairs.forEach(([i, j], q) => { nx[q] = rule.c * lam[q] * pupu[i * c + j]; });
    pairs.forEach(([a, b], r) => {
      dPS[r] = uu[a * c + b] * (dNu * dnuS + dT);
      for (let q = 0; q < m; q++) dPX[r * m + q] = uu[a * c + b] * dNu * nx[q];
    });
  } else if (rule.kind === 'rmsprop') {
    dPS.set(values[3]);
    for (let r = 0; r < m; r++) for (let q = 0; q < m; q++) dPX[r * m + q] = lam[q] * values[4][r * m + q];
  }
  // α and β on A (β over ALL ordered index pairs of A)
  const alpha = new Float64Array(k * k);
  const beta = new Float64Array(k ** 4);
  const hu = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
    const r = idx(A[a], A[b]);
    hu[a * k + b] = lambda[A[a]] * lambda[A[b]] * pupu[A[a] * c + A[b]];
    alpha[a * k + b] = (a === b ? 2 - lambda[A[a]] : 0) + dt * (2 * dPS[r] - dHS[r]);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      const q = idx(A[i], A[j]);
      beta[(a * k + b) * k * k + i * k + j] = dt * (2 * dPX[r * m + q] - dHX[r * m + q]);
    }
  }
  const sol = k ? solveSdcp(alpha, beta, k) : { X: new Float64Array(0), residual: null };
  const pos = new Map(A.map((i, a) => [i, a]));
  const xw = pairs.map(([i, j]) => (pos.has(i) && pos.has(j) ? sol.X[pos.get(i)! * k + pos.get(j)!] * (i === j ? 1 : 2) : 0));
  return { X: sol.X, residual: sol.residual, hu, xw, xwLambda: xw.map((x, q) => x * lam[q]), nuX: xw.reduce((acc, x, q) => acc + x * nx[q], 0) };
}

/**
 * Euler step of the central substep: w += dt(dw_S + Σ_q xw_q dw_X,q), ν += dt(dν_S + X part).
 * Disposes the old w and ν; reads nothing.
 */
export function centralUpdate(rule: Rule, w: Tensor1D, s: FlowState, ci: CentralInputs, sol: CentralSolution, dt: number): { w: Tensor1D; s: FlowState } {
  const m = sol.xw.length;
  // Σ_q x_q M_q over the rows of M (no product at all when there are no pairs: a matMul with an
  // empty inner dimension is not guaranteed to write zeros)
  const combine = (x: number[], M: Tensor2D) => tf.reshape(tf.matMul(tf.tensor2d(x, [1, m]), M), [-1]);
  const wn = tf.tidy(() => tf.add(w, tf.mul(m ? tf.add(ci.dwS, combine(sol.xw, ci.dwX)) : ci.dwS, dt))) as Tensor1D;
  let dnu: Diag | null = null;
  if (rule.kind === 'scalarRmsprop') dnu = tf.tidy(() => tf.add(ci.dnuS as tf.Tensor, sol.nuX));
  else if (rule.kind === 'rmsprop') dnu = tf.tidy(() => (m ? tf.add(ci.dnuS as Tensor1D, combine(sol.xwLambda, ci.R0!)) : tf.clone(ci.dnuS as Tensor1D)));
  w.dispose();
  const sn = advanceState(s, dnu, dt);
  disposeDiag(dnu);
  return { w: wn, s: sn };
}
